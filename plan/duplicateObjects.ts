/**
 * Two resources that render the same Kubernetes object (same API group, kind,
 * namespace and name) would fight over it on the cluster: the second apply
 * overwrites the first, and one manifest file hides the other. Every such pair
 * in the stack is a finding naming both resources.
 */
import { SchemaFinding } from "../validation/finding";
import { RecordedResource } from "./runProgram";

/** The identity Kubernetes gives an object; the version is only a view of it. */
function objectKey(r: RecordedResource): string | undefined {
  if (!r.custom || !r.type.startsWith("kubernetes:")) return undefined;
  const { apiVersion, kind, metadata } = r.plainInputs as {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown; namespace?: unknown };
  };
  if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof metadata?.name !== "string") return undefined;
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : "";
  return `${group}/${kind}/${namespace}/${metadata.name}`;
}

function describeObject(r: RecordedResource): string {
  const { kind, metadata } = r.plainInputs as { kind: string; metadata: { name: string; namespace?: string } };
  return metadata.namespace ? `${kind} ${metadata.namespace}/${metadata.name}` : `${kind} ${metadata.name}`;
}

export function duplicateObjectFindings(resources: readonly RecordedResource[]): SchemaFinding[] {
  const first = new Map<string, RecordedResource>();
  const findings: SchemaFinding[] = [];
  // By URN, so the finding lands on the same resource of a pair whatever order they registered in.
  for (const r of [...resources].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0))) {
    const key = objectKey(r);
    if (key === undefined) continue;
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, r);
      continue;
    }
    findings.push({
      type: r.type,
      name: r.name,
      path: "metadata",
      reason:
        `duplicate object: ${describeObject(r)} is also rendered by ${earlier.urn}; ` +
        "two resources may not own one Kubernetes object, so give one of them another name or namespace in config",
    });
  }
  return findings;
}
