/**
 * Every Kubernetes object of the plan as YAML, the way `kubectl get -o yaml`
 * shows its spec: `<namespace>/<kind>-<name>.yaml`, cluster-scoped objects
 * under `_cluster/`.
 */
import * as YAML from "yaml";
import { RecordedResource } from "./runProgram";

export interface Manifest {
  /** Relative path inside the manifests folder. */
  readonly path: string;
  readonly yaml: string;
}

function isKubernetesObject(r: RecordedResource): boolean {
  return r.custom && r.type.startsWith("kubernetes:") && typeof r.inputs.apiVersion === "string" && typeof r.inputs.kind === "string";
}

/** apiVersion, kind, metadata first, then the rest in the order the program wrote them. */
function ordered(inputs: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion, kind, metadata, ...rest } = inputs;
  return { apiVersion, kind, metadata, ...rest };
}

export function renderManifests(resources: readonly RecordedResource[]): Manifest[] {
  const manifests: Manifest[] = [];
  for (const r of resources.filter(isKubernetesObject)) {
    const metadata = (r.inputs.metadata ?? {}) as { name?: string; namespace?: string };
    const folder = metadata.namespace ?? "_cluster";
    const file = `${String(r.inputs.kind).toLowerCase()}-${metadata.name ?? r.name}.yaml`;
    manifests.push({ path: `${folder}/${file}`, yaml: YAML.stringify(ordered(r.inputs), { lineWidth: 0 }) });
  }
  return manifests.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
