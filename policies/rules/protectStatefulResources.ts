import type { StackValidationPolicy } from "@pulumi/policy";
import { getIn, isOpaque, resourceLabel, str } from "../lib/read";
import { NAMESPACE_TYPE, PVC_TYPE, REGISTRY_TYPE } from "../lib/workloads";

export const PROTECT_STATEFUL_RESOURCES = "protect-stateful-resources";

/** Resources whose deletion loses data, and what is lost. */
export const STATEFUL_TYPES: Readonly<Record<string, string>> = {
  [REGISTRY_TYPE]: "every worker and API image in it",
  [PVC_TYPE]: "the data on its volume (for the model cache: the downloaded SCRFD and ArcFace models)",
};

export function unprotectedMessage(label: string, loses: string): string {
  return (
    `${label} opts.protect is not set: a rename, a replace or a dropped line in the program would delete it and ${loses} (design invariant 4, "Nothing stateful is lost by accident"). ` +
    `Create it with { protect: true } in its component; to remove it on purpose, run \`pulumi state unprotect <urn>\` first.`
  );
}

export function unprotectedNamespaceMessage(label: string, namespace: string, holders: readonly string[]): string {
  return (
    `${label} opts.protect is not set, but it holds ${holders.join(", ")}: deleting the Namespace deletes everything in it, protected or not ` +
    `(design invariant 4, "Nothing stateful is lost by accident"). Create Namespace "${namespace}" with { protect: true } (and retainOnDelete) in its component.`
  );
}

/**
 * The registry and persistent volume claims are protected from deletion, and so is every Namespace that holds
 * one: Kubernetes deletes a namespace's contents with it, whatever Pulumi protects. A stack policy, because only
 * the whole stack shows which namespace holds what.
 */
export function protectStatefulResources(): StackValidationPolicy {
  return {
    name: PROTECT_STATEFUL_RESOURCES,
    description:
      "Stateful resources (the Azure Container Registry, PersistentVolumeClaims such as the model cache) and the Namespaces that hold them are created with protect: true.",
    validateStack: (args, reportViolation) => {
      const holders = new Map<string, string[]>();
      for (const r of args.resources) {
        const loses = STATEFUL_TYPES[r.type];
        if (loses === undefined) continue;
        const label = resourceLabel(r.type, r.name);
        if (!r.opts.protect) reportViolation(unprotectedMessage(label, loses), r.urn);
        const namespace = str(getIn(r.props, ["metadata", "namespace"]));
        if (namespace !== undefined && !isOpaque(namespace)) holders.set(namespace, [...(holders.get(namespace) ?? []), label]);
      }
      for (const r of args.resources) {
        if (r.type !== NAMESPACE_TYPE || r.opts.protect) continue;
        const name = str(getIn(r.props, ["metadata", "name"]));
        const held = name === undefined ? undefined : holders.get(name);
        if (name !== undefined && held !== undefined)
          reportViolation(unprotectedNamespaceMessage(resourceLabel(r.type, r.name), name, held), r.urn);
      }
    },
  };
}
