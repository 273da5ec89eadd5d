import type { ResourceValidationPolicy } from "@pulumi/policy";
import { rayGroupKey } from "../lib/hints";
import { get, getIn, isOpaque, items, resourceLabel, str } from "../lib/read";
import { parseQuantity } from "../lib/quantity";
import { containerSites, PodSite, podSites } from "../lib/workloads";

export const GPU_GROUP_SCHEDULING = "gpu-group-scheduling";

export const GPU_RESOURCE = "nvidia.com/gpu";

export function invalidNumGpusMessage(where: string, value: string): string {
  return `${where} rayStartParams["num-gpus"] is "${value}", not a whole number: set it to the number of GPUs each worker pod gets, such as "1".`;
}

function gpusKeyHint(groupKey: string | undefined): string {
  return groupKey ? ` In this stack set \`${groupKey}.gpus\`, which sets num-gpus and the ${GPU_RESOURCE} limit and request together.` : "";
}

export function missingGpuLimitMessage(where: string, numGpus: string, container: string, groupKey?: string): string {
  return (
    `${where} rayStartParams["num-gpus"] is "${numGpus}" but ${container} has no resources.limits["${GPU_RESOURCE}"]: ` +
    `Kubernetes gives the pod no GPU while Ray advertises ${numGpus}, so GPU actors start and fall back to CPU or fail. ` +
    `Set resources.limits["${GPU_RESOURCE}"] (and requests) to ${numGpus}.${gpusKeyHint(groupKey)}`
  );
}

export function gpuCountMismatchMessage(
  where: string,
  numGpus: string,
  container: string,
  field: string,
  value: string,
  groupKey?: string,
): string {
  return (
    `${where} rayStartParams["num-gpus"] is "${numGpus}" but ${container} has ${field}["${GPU_RESOURCE}"] ${value}: ` +
    `Ray schedules actors on GPUs the pod does not have (or leaves allocated GPUs idle). Make both the same number.${gpusKeyHint(groupKey)}`
  );
}

export function missingGpuTolerationMessage(where: string, groupKey?: string): string {
  return (
    `${where} requests GPUs but has no toleration for the ${GPU_RESOURCE} taint (key "${GPU_RESOURCE}", operator Exists, effect NoSchedule), ` +
    `so it can't schedule on the tainted GPU nodes and stays Pending. Add it to template.spec.tolerations (deployment guide, Appendix D)` +
    (groupKey ? `: stack config \`${groupKey}.tolerations\` (a list; setting it replaces the defaults).` : ".")
  );
}

function quantityText(value: unknown): string | undefined {
  if (typeof value === "number") return String(value);
  return str(value);
}

/** True when a toleration admits the `nvidia.com/gpu:NoSchedule` taint, whatever its value. */
export function toleratesGpuTaint(toleration: unknown): boolean {
  const key = str(get(toleration, "key"));
  const operator = str(get(toleration, "operator")) ?? "Equal";
  const effect = str(get(toleration, "effect")) ?? "";
  if (effect !== "" && effect !== "NoSchedule") return false;
  if (key === undefined || key === "") return operator === "Exists";
  return key === GPU_RESOURCE && (operator === "Exists" || operator === "Equal");
}

function checkPod(label: string, pod: PodSite, groupKey: string | undefined, report: (message: string) => void): void {
  const containers = containerSites(pod).filter((c) => c.kind === "containers");
  const where = `${label} ${pod.rayGroup?.path ?? pod.path} (${pod.label})`;
  let wantsGpu = false;
  if (pod.rayGroup) {
    const raw = get(pod.rayGroup.rayStartParams, "num-gpus");
    const numGpusText = quantityText(raw);
    // KubeRay runs Ray in the first container.
    const ray = containers[0];
    if (numGpusText !== undefined && !isOpaque(raw)) {
      const numGpus = Number(numGpusText);
      if (!/^\s*\d+\s*$/.test(numGpusText)) {
        report(invalidNumGpusMessage(where, numGpusText));
        return;
      }
      if (numGpus > 0) wantsGpu = true;
      if (ray) {
        const limit = getIn(ray.container, ["resources", "limits", GPU_RESOURCE]);
        const request = getIn(ray.container, ["resources", "requests", GPU_RESOURCE]);
        if (!isOpaque(limit) && !isOpaque(request)) {
          const limitN = parseQuantity(limit);
          const requestN = parseQuantity(request);
          if (limit === undefined && numGpus > 0) {
            report(missingGpuLimitMessage(where, numGpusText, ray.label, groupKey));
          } else if (limitN !== undefined && limitN !== numGpus) {
            report(gpuCountMismatchMessage(where, numGpusText, ray.label, "resources.limits", String(quantityText(limit)), groupKey));
          } else if (requestN !== undefined && requestN !== numGpus) {
            report(gpuCountMismatchMessage(where, numGpusText, ray.label, "resources.requests", String(quantityText(request)), groupKey));
          }
        }
      }
    }
  }
  for (const c of containers) {
    const limit = parseQuantity(getIn(c.container, ["resources", "limits", GPU_RESOURCE]));
    if (limit !== undefined && limit > 0) wantsGpu = true;
  }
  if (!wantsGpu) return;
  const tolerations = get(pod.spec, "tolerations");
  if (isOpaque(tolerations)) return;
  if (!items(tolerations).some(toleratesGpuTaint)) report(missingGpuTolerationMessage(where, groupKey));
}

/** GPU worker groups get exactly the GPUs Ray advertises and tolerate the GPU nodes' taint. */
export function gpuGroupScheduling(): ResourceValidationPolicy {
  return {
    name: GPU_GROUP_SCHEDULING,
    description: `A Ray group with rayStartParams num-gpus > 0 gives its Ray container resources.limits["${GPU_RESOURCE}"] equal to num-gpus, and every pod that uses GPUs tolerates the ${GPU_RESOURCE} taint.`,
    validateResource: (args, reportViolation) => {
      const label = resourceLabel(args.type, args.name);
      for (const pod of podSites(args.type, args.props)) checkPod(label, pod, rayGroupKey(args.type, pod), (m) => reportViolation(m));
    },
  };
}
