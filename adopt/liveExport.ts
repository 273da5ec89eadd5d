/**
 * What a person exports from the running system into one folder, read and checked:
 *
 * | file                    | command                                                                                                                        |
 * | ----------------------- | ------------------------------------------------------------------------------------------------------------------------------ |
 * | `kubernetes.yaml`       | `kubectl get rayservice,pvc,helmrelease,helmrepository,imagerepository,imagepolicy,priorityclass,namespace -A -o yaml`           |
 * | `acr.json`              | `az acr show -n <registry> -o json`                                                                                            |
 * | `role-assignments.json` | `az role assignment list --scope "$(az acr show -n <registry> --query id -o tsv)" -o json`                                    |
 */
import * as fs from "fs";
import * as path from "path";
import { parseStrictYaml } from "../plan/readStackFile";

export const LIVE_FILES = {
  kubernetes: "kubernetes.yaml",
  acr: "acr.json",
  roleAssignments: "role-assignments.json",
} as const;

/** A user mistake in the export (missing file, wrong shape): printed without a stack trace, exit 2. */
export class AdoptInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AdoptInputError";
  }
}

export interface LiveObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

/** The fields of `az acr show -o json` the adoption reads. */
export interface AcrShow {
  readonly id: string;
  readonly name: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly loginServer: string;
  readonly sku: { readonly name: string };
  readonly adminUserEnabled: boolean;
  readonly publicNetworkAccess: string;
  readonly zoneRedundancy: string;
  readonly anonymousPullEnabled: boolean;
  readonly networkRuleBypassOptions: string;
  readonly networkRuleSet?: {
    readonly defaultAction: string;
    readonly ipRules?: readonly { readonly action?: string; readonly ipAddressOrRange: string }[];
  } | null;
  readonly policies?: { readonly retentionPolicy?: { readonly status: string; readonly days: number } };
}

/** One entry of `az role assignment list -o json`. */
export interface RoleAssignmentShow {
  readonly id: string;
  readonly principalId: string;
  readonly principalType: string;
  readonly roleDefinitionId: string;
  readonly scope: string;
}

export interface LiveExport {
  readonly dir: string;
  readonly kubernetes: readonly LiveObject[];
  readonly acr?: AcrShow;
  readonly roleAssignments: readonly RoleAssignmentShow[];
}

export function readLiveExport(dir: string): LiveExport {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new AdoptInputError(`--live ${dir}: not a folder`);
  const kubernetesFile = path.join(dir, LIVE_FILES.kubernetes);
  if (!fs.existsSync(kubernetesFile)) {
    throw new AdoptInputError(
      `--live ${dir}: ${LIVE_FILES.kubernetes} is missing; export it with ` +
        "`kubectl get rayservice,pvc,helmrelease,helmrepository,imagerepository,imagepolicy,priorityclass,namespace -A -o yaml > " +
        `${kubernetesFile}\``,
    );
  }
  // The strict reader: a YAML mistake is reported at FILE:LINE:COL, like a stack file's.
  const list = parseStrictYaml(fs.readFileSync(kubernetesFile, "utf8"), kubernetesFile).value as {
    kind?: string;
    items?: unknown[];
  } | null;
  if (!list || list.kind !== "List" || !Array.isArray(list.items)) {
    throw new AdoptInputError(`${kubernetesFile}: expected the \`kind: List\` that \`kubectl get ... -o yaml\` prints`);
  }
  const kubernetes = list.items.map((item, i) => {
    const o = item as Partial<LiveObject>;
    if (typeof o?.kind !== "string" || typeof o.apiVersion !== "string" || typeof o.metadata?.name !== "string") {
      throw new AdoptInputError(`${kubernetesFile}: items[${i}] has no apiVersion, kind or metadata.name`);
    }
    return o as LiveObject;
  });
  return {
    dir,
    kubernetes,
    acr: readJson<AcrShow>(dir, LIVE_FILES.acr),
    roleAssignments: readJson<RoleAssignmentShow[]>(dir, LIVE_FILES.roleAssignments) ?? [],
  };
}

function readJson<T>(dir: string, file: string): T | undefined {
  const full = path.join(dir, file);
  if (!fs.existsSync(full)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(full, "utf8")) as T;
  } catch (err) {
    throw new AdoptInputError(`${full}: not JSON (${(err as Error).message}); export it with \`-o json\``);
  }
}

/** The live object of this kind and name (namespace for namespaced kinds), if the export holds it. */
export function findLive(live: LiveExport, kind: string, name: string, namespace?: string): LiveObject | undefined {
  return live.kubernetes.find(
    (o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace),
  );
}

/** The same, for an object the adoption cannot go without. */
export function requireLive(live: LiveExport, kind: string, name: string, namespace?: string): LiveObject {
  const found = findLive(live, kind, name, namespace);
  if (!found) {
    const where = namespace ? `${namespace}/${name}` : name;
    throw new AdoptInputError(
      `${path.join(live.dir, LIVE_FILES.kubernetes)}: no ${kind} ${where}; the export must hold every object the stack adopts`,
    );
  }
  return found;
}
