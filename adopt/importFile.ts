/**
 * The `pulumi import --file` document: every live object the program will own, under the program's own logical
 * names, with its parent component (Pulumi 3.94+ creates the components listed with `component: true`). Names,
 * types and parents come from the offline plan of the adopted config, so they are the program's, not retyped.
 */
import type { RecordedResource } from "../plan/runProgram";
import { findLive, LiveExport, LiveObject } from "./liveExport";

export interface ImportEntry {
  readonly type: string;
  readonly name: string;
  readonly id?: string;
  readonly parent?: string;
  /** The explicit provider, by its key in the file's nameTable. */
  readonly provider?: string;
  readonly component?: boolean;
}

export interface ImportPlan {
  readonly file: { readonly nameTable?: Record<string, string>; readonly resources: ImportEntry[] };
  /** Kubernetes objects the program will own, paired with their live object (for the diff). */
  readonly adopted: readonly { readonly resource: RecordedResource; readonly live: LiveObject }[];
  /** Objects the program will create (not in the export). */
  readonly created: readonly RecordedResource[];
  /** Live objects with the program's name that a Helm release owns: the release removes them first. */
  readonly helmOwned: readonly LiveObject[];
}

/** Azure ids the export gives, by type token. */
export interface AzureIds {
  readonly "azure-native:containerregistry:Registry"?: string;
  readonly "azure-native:authorization:RoleAssignment"?: string;
}

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function importPlan(resources: readonly RecordedResource[], live: LiveExport, azureIds: AzureIds): ImportPlan {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const entries: ImportEntry[] = [];
  const adopted: { resource: RecordedResource; live: LiveObject }[] = [];
  const created: RecordedResource[] = [];
  const helmOwned: LiveObject[] = [];
  const parents = new Set<string>();
  const providers = new Map<string, string>();
  for (const r of resources) {
    // Providers are no live objects: `pulumi up --target` creates them in the stack before the import.
    if (!r.custom || r.type.startsWith("pulumi:providers:")) continue;
    let id: string | undefined;
    if (r.type.startsWith("kubernetes:")) {
      const metadata = (r.plainInputs as Loose).metadata as { name: string; namespace?: string };
      const kind = r.type.split(":")[2];
      const object = findLive(live, kind, metadata.name, metadata.namespace);
      if (object && object.metadata.labels?.["app.kubernetes.io/managed-by"] === "Helm") {
        helmOwned.push(object);
        continue;
      }
      if (object) {
        id = metadata.namespace ? `${metadata.namespace}/${metadata.name}` : metadata.name;
        adopted.push({ resource: r, live: object });
      }
    } else {
      id = azureIds[r.type as keyof AzureIds];
    }
    if (id === undefined) {
      created.push(r);
      continue;
    }
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    if (parent && parent.type !== "pulumi:pulumi:Stack") parents.add(parent.urn);
    const provider = r.provider ? byUrn.get(r.provider) : undefined;
    if (provider) providers.set(provider.name, provider.urn);
    entries.push({
      type: r.type,
      name: r.name,
      id,
      ...(parent && parent.type !== "pulumi:pulumi:Stack" ? { parent: parent.name } : {}),
      ...(provider ? { provider: provider.name } : {}),
    });
  }
  const components = resources
    .filter((r) => parents.has(r.urn))
    .map((r) => ({ type: r.type, name: r.name, component: true }) satisfies ImportEntry);
  const nameTable = providers.size > 0 ? { nameTable: Object.fromEntries(providers) } : {};
  return { file: { ...nameTable, resources: [...components, ...entries] }, adopted, created, helmOwned };
}
