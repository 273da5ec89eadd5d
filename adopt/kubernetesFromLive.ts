/**
 * The `ray` and `api` config keys that the live Kubernetes objects give: group sizes and resources, ConfigMap
 * mounts, the worker image, the model cache, the shared PriorityClass, the pull secrets in use and the API's current
 * image tag. The Serve applications come from serveFromLive.ts.
 */
import type { StackConfig } from "../config/stackConfig";
import { AdoptInputError, findLive, LiveExport, LiveObject, requireLive } from "./liveExport";
import { serveApplicationsFromLive } from "./serveFromLive";

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface AdoptedKubernetes {
  readonly ray: Record<string, unknown>;
  readonly api: Record<string, unknown>;
  readonly pullSecrets: readonly { namespace: string; name: string; existing: true }[];
  readonly todo: readonly string[];
}

/** The quantities the live container sets; one it leaves out is left to the config default, not written as text. */
const quantities = (q: Loose | undefined) =>
  Object.fromEntries((["cpu", "memory"] as const).filter((k) => q?.[k] !== undefined).map((k) => [k, String(q?.[k])]));
const resources = (container: Loose) => ({
  limits: quantities(container.resources?.limits),
  requests: quantities(container.resources?.requests),
});

/** `{ configMap, mountPath, name?, readOnly? }` for each ConfigMap volume the pod mounts into its first container. */
function configMapMounts(pod: Loose): Record<string, unknown>[] {
  const volumes = (pod.volumes ?? []) as Loose[];
  const mounts = (pod.containers?.[0]?.volumeMounts ?? []) as Loose[];
  return volumes
    .filter((v) => v.configMap)
    .flatMap((v) =>
      mounts
        .filter((m) => m.name === v.name)
        .map((m) => ({
          configMap: v.configMap.name,
          mountPath: m.mountPath,
          ...(v.name !== v.configMap.name ? { name: v.name } : {}),
          readOnly: m.readOnly === true,
        })),
    );
}

function groupSize(group: Loose) {
  return { replicas: group.replicas, minReplicas: group.minReplicas, maxReplicas: group.maxReplicas };
}

/** `<repository>:<tag>` or `<repository>@<digest>` of the worker image, after the registry's repository. */
function workerImage(image: string, repositoryUrl: string, where: string): Record<string, string> {
  if (image.startsWith(`${repositoryUrl}@`)) return { digest: image.slice(repositoryUrl.length + 1) };
  if (image.startsWith(`${repositoryUrl}:`)) return { tag: image.slice(repositoryUrl.length + 1) };
  throw new AdoptInputError(
    `${where}: the GPU worker runs ${image}, not an image of ${repositoryUrl}; the stack's registry and registry.workerRepository ` +
      "must name the live image's repository (the registry's login server comes from the stack that owns it), or the live worker must move to it first",
  );
}

export function kubernetesFromLive(live: LiveExport, config: StackConfig, loginServer: string): AdoptedKubernetes {
  const todo: string[] = [];
  const rayService = requireLive(live, "RayService", config.ray.serviceName, config.ray.namespace) as LiveObject & Loose;
  const where = `RayService ${config.ray.namespace}/${config.ray.serviceName}`;
  const cluster = rayService.spec.rayClusterConfig as Loose;
  const head = cluster.headGroupSpec.template.spec as Loose;
  const groups = cluster.workerGroupSpecs as Loose[];
  const cpu = groups.find((g) => g.groupName === "default-worker-group");
  const gpu = groups.find((g) => g.groupName === "gpu-worker-group");
  if (!cpu || !gpu) {
    throw new AdoptInputError(
      `${where}: expected the worker groups default-worker-group and gpu-worker-group; it has ${groups.map((g) => g.groupName).join(", ") || "none"}`,
    );
  }
  const gpuPod = gpu.template.spec as Loose;

  const modelVolume = ((gpuPod.volumes ?? []) as Loose[]).find((v) => v.persistentVolumeClaim);
  const claimName: string = modelVolume?.persistentVolumeClaim.claimName ?? config.ray.modelCache.claimName;
  const pvc = requireLive(live, "PersistentVolumeClaim", claimName, config.ray.namespace) as LiveObject & Loose;
  const priorityClassName: string = gpuPod.priorityClassName ?? config.ray.priorityClass.name;
  const priorityClass = findLive(live, "PriorityClass", priorityClassName) as (LiveObject & Loose) | undefined;
  if (!priorityClass)
    todo.push(`PriorityClass ${priorityClassName} is not in the export: check it exists, or own it (ray.priorityClass.create true)`);

  const ray: Record<string, unknown> = {
    priorityClass: { name: priorityClassName, create: false, ...(priorityClass ? { value: priorityClass.value } : {}) },
    modelCache: { claimName, storageClassName: pvc.spec.storageClassName, size: pvc.spec.resources.requests.storage },
    serve: { applications: serveApplicationsFromLive(rayService.spec.serveConfigV2, where) },
    head: { resources: resources(head.containers[0]), configMapMounts: configMapMounts(head) },
    cpuWorker: {
      ...groupSize(cpu),
      resources: resources(cpu.template.spec.containers[0]),
      configMapMounts: configMapMounts(cpu.template.spec),
    },
    gpuWorker: {
      ...groupSize(gpu),
      image: workerImage(gpuPod.containers[0].image, `${loginServer}/${config.registry.workerRepository}`, where),
    },
  };

  const release = requireLive(live, "HelmRelease", config.api.releaseName, config.api.releaseNamespace) as LiveObject & Loose;
  const values = (release.spec.values ?? {}) as Loose;
  const api: Record<string, unknown> = {
    ...(typeof values.image?.tag === "string" ? { imageAutomation: { initialTag: values.image.tag } } : {}),
  };

  const pullSecrets = [
    ...((gpuPod.imagePullSecrets ?? []) as Loose[]).map((s) => ({ namespace: config.ray.namespace, name: String(s.name) })),
    ...((values.imagePullSecrets ?? []) as Loose[]).map((s) => ({ namespace: config.api.targetNamespace, name: String(s.name) })),
    ...(typeof values.imageAutoUpdate?.fluxPullSecret === "string"
      ? [{ namespace: config.api.imageAutomation.namespace, name: values.imageAutoUpdate.fluxPullSecret as string }]
      : []),
  ]
    .filter((s, i, all) => all.findIndex((o) => o.namespace === s.namespace && o.name === s.name) === i)
    .map((s) => ({ ...s, existing: true as const }));

  return { ray, api, pullSecrets, todo };
}
