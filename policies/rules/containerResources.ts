import type { ResourceValidationPolicy } from "@pulumi/policy";
import { entries, get, getIn, isOpaque, pathJoin, resourceLabel } from "../lib/read";
import { resourcesKey } from "../lib/hints";
import { parseQuantity } from "../lib/quantity";
import { containerSites, podSites } from "../lib/workloads";

export const CONTAINER_RESOURCES = "container-resources";

const REQUIRED = [
  ["requests", "cpu"],
  ["requests", "memory"],
  ["limits", "memory"],
] as const;

function whereToSet(configKey: string | undefined, example: string): string {
  return configKey ? `stack config ${configKey}: \`pulumi config set --path ${configKey}.${example}\`` : "in the component that renders it";
}

export function missingResourcesMessage(where: string, missing: readonly string[], configKey?: string): string {
  return (
    `${where} has no ${missing.join(", ")}: without requests the scheduler packs pods onto a node that can't hold them, ` +
    `and without a memory limit one leaking Ray worker or pip install can take the node's memory and get other pods evicted. ` +
    `Set resources.requests.cpu, resources.requests.memory and resources.limits.memory on it (${whereToSet(configKey, `${missing[0]} <quantity>`)}).`
  );
}

export function requestAboveLimitMessage(where: string, resource: string, request: string, limit: string, configKey?: string): string {
  return (
    `${where} has resources.requests.${resource} ${request} above resources.limits.${resource} ${limit}, which Kubernetes rejects: ` +
    `raise the limit to at least the request or lower the request (${whereToSet(configKey, `limits.${resource} ${request}`)}).`
  );
}

/** Every container and initContainer requests CPU and memory and caps memory. */
export function containerResources(): ResourceValidationPolicy {
  return {
    name: CONTAINER_RESOURCES,
    description:
      "Every container and initContainer (Ray head and worker groups, core workloads) sets resources.requests.cpu, resources.requests.memory and resources.limits.memory, with every limit at least its request.",
    validateResource: (args, reportViolation) => {
      const label = resourceLabel(args.type, args.name);
      for (const pod of podSites(args.type, args.props)) {
        for (const c of containerSites(pod)) {
          const resources = get(c.container, "resources");
          if (isOpaque(resources)) continue;
          const where = `${label} ${pathJoin(c.path, "resources")} (${c.label} in ${pod.label})`;
          const missing: string[] = [];
          for (const [kind, name] of REQUIRED) {
            const value = getIn(resources, [kind, name]);
            if (value === undefined || value === "") missing.push(`${kind}.${name}`);
          }
          if (missing.length > 0) {
            reportViolation(missingResourcesMessage(where, missing, resourcesKey(args.type, c)));
            continue;
          }
          // Every resource named on both sides (cpu, memory, ephemeral-storage, nvidia.com/gpu, hugepages-*).
          for (const [resource, request] of entries(get(resources, "requests"))) {
            const limit = getIn(resources, ["limits", resource]);
            const r = parseQuantity(request);
            const l = parseQuantity(limit);
            if (r !== undefined && l !== undefined && l < r)
              reportViolation(requestAboveLimitMessage(where, resource, String(request), String(limit), resourcesKey(args.type, c)));
          }
        }
      }
    },
  };
}
