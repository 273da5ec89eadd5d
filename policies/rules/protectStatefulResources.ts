import type { ResourceValidationPolicy } from "@pulumi/policy";
import { resourceLabel } from "../lib/read";
import { PVC_TYPE, REGISTRY_TYPE } from "../lib/workloads";

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

/** The registry and persistent volume claims are protected from deletion. */
export function protectStatefulResources(): ResourceValidationPolicy {
  return {
    name: PROTECT_STATEFUL_RESOURCES,
    description:
      "Stateful resources (the Azure Container Registry, PersistentVolumeClaims such as the model cache) are created with protect: true.",
    validateResource: (args, reportViolation) => {
      const loses = STATEFUL_TYPES[args.type];
      if (loses !== undefined && !args.opts.protect) reportViolation(unprotectedMessage(resourceLabel(args.type, args.name), loses));
    },
  };
}
