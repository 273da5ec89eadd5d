/**
 * Schema proof for a whole plan: every rendered resource is checked against
 * the upstream schema for its kind, and a resource with no schema to check
 * against is itself a finding, so nothing passes unchecked by accident.
 */
import { validateAzureDevOpsInputs } from "./azureDevOpsSchema";
import { validateCustomResource } from "./crdSchemas";
import { SchemaFinding } from "./finding";
import { validateCoreObject } from "./kubernetesSchemas";

export interface ValidatableResource {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  /** Inputs with secret values in clear (validation needs real shapes); never written out. */
  readonly plainInputs: Record<string, unknown>;
}

export type SchemaSource = "crd" | "kubernetes" | "azuredevops" | "typed-sdk";

export interface SchemaReport {
  readonly checked: Record<SchemaSource, number>;
  readonly findings: SchemaFinding[];
}

/** Resource types whose inputs are checked by their generated TypeScript SDK instead. */
const TYPED_SDK_PREFIXES = ["azure-native:"];

/** Custom resources of the Kubernetes provider that are not objects (providers, Helm releases). */
function isKubernetesObject(type: string): boolean {
  return type.startsWith("kubernetes:") && !type.startsWith("kubernetes:helm.sh/") && !type.startsWith("kubernetes:yaml");
}

export function validateResources(resources: readonly ValidatableResource[]): SchemaReport {
  const checked: Record<SchemaSource, number> = { crd: 0, kubernetes: 0, azuredevops: 0, "typed-sdk": 0 };
  const findings: SchemaFinding[] = [];
  for (const r of resources) {
    if (!r.custom || r.type.startsWith("pulumi:")) continue;
    const add = (errors: { path: string; reason: string }[]) =>
      findings.push(...errors.map((e) => ({ type: r.type, name: r.name, path: e.path, reason: e.reason })));
    if (isKubernetesObject(r.type)) {
      const core = validateCoreObject(r.type, r.plainInputs);
      if (core.known) {
        checked.kubernetes++;
        add(core.errors);
        continue;
      }
      const crd = validateCustomResource(r.plainInputs);
      if (crd.known) {
        checked.crd++;
        add(crd.errors);
        continue;
      }
      add([{ path: "", reason: "no schema found: neither a core Kubernetes kind nor a served version of a CRD in shared/crds" }]);
    } else if (r.type.startsWith("azuredevops:")) {
      const result = validateAzureDevOpsInputs(r.type, r.plainInputs);
      if (!result.known)
        add([{ path: "", reason: "type token not in shared/schemas/azuredevops.schema.json or azuredevops-checks.schema.json" }]);
      else {
        checked.azuredevops++;
        add(result.errors);
      }
    } else if (TYPED_SDK_PREFIXES.some((p) => r.type.startsWith(p))) {
      checked["typed-sdk"]++;
    } else {
      add([{ path: "", reason: "no schema known for this provider" }]);
    }
  }
  return { checked, findings };
}
