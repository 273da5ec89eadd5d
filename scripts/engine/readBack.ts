/**
 * Reads every object the offline plan rendered back from the API server after `pulumi up`, and compares the fields
 * the program sets. Fields the server adds (defaults, status, managedFields, uid) are not the program's and are not
 * compared; a field the program sets that the server holds differently is a failure, unless it is listed in
 * ACCEPTED_DIFFERENCES with its reason.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { KubeClient, objectPath } from "./kubeClient";

export interface RenderedObject {
  readonly file: string;
  readonly object: Record<string, unknown> & {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
  };
}

export interface Difference {
  readonly object: string;
  readonly path: string;
  readonly expected: unknown;
  readonly live: unknown;
}

export interface AcceptedDifference {
  readonly kind: string;
  /** A path prefix, as Difference.path prints it. */
  readonly path: string;
  readonly reason: string;
}

/** Differences that are expected between the offline plan's manifests and the live objects, each with why. */
export const ACCEPTED_DIFFERENCES: readonly AcceptedDifference[] = [
  {
    kind: "Secret",
    path: "stringData",
    reason:
      "stringData is write-only (the API server keeps it base64-encoded under data), and the offline plan masks it " +
      "whole, so this Secret is compared by name only; its keys and values are asserted in test/api/secrets.test.ts",
  },
];

export function readRenderedObjects(manifestDir: string): RenderedObject[] {
  const out: RenderedObject[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".yaml")) out.push({ file: full, object: YAML.parse(fs.readFileSync(full, "utf8")) });
    }
  };
  walk(manifestDir);
  return out;
}

/** Namespaces the rendered objects live in that the program does not create: the cluster must already have them. */
export function namespacesExpectedToExist(objects: readonly RenderedObject[]): string[] {
  const created = new Set(objects.filter((o) => o.object.kind === "Namespace").map((o) => o.object.metadata.name));
  const used = new Set(objects.map((o) => o.object.metadata.namespace).filter((n): n is string => !!n));
  for (const o of objects) {
    // References to namespaces the program's objects point at (Flux's cross-namespace refs).
    const spec = o.object.spec as Record<string, unknown> | undefined;
    const targetNamespace = spec?.targetNamespace;
    if (typeof targetNamespace === "string") used.add(targetNamespace);
  }
  return [...used].filter((n) => !created.has(n) && n !== "default").sort();
}

/** Storage classes the rendered claims name: the cluster must provide them. */
export function storageClassesExpectedToExist(objects: readonly RenderedObject[]): string[] {
  const names = objects
    .filter((o) => o.object.kind === "PersistentVolumeClaim")
    .map((o) => (o.object.spec as { storageClassName?: string } | undefined)?.storageClassName)
    .filter((n): n is string => !!n);
  return [...new Set(names)].sort();
}

/** Every path under `expected` whose value differs in `live`. */
export function compareFields(expected: unknown, live: unknown, at: string, out: Omit<Difference, "object">[]): void {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    if (live === null || typeof live !== "object" || Array.isArray(live)) {
      out.push({ path: at, expected, live });
      return;
    }
    for (const [key, value] of Object.entries(expected)) {
      compareFields(value, (live as Record<string, unknown>)[key], at ? `${at}.${key}` : key, out);
    }
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(live) || live.length !== expected.length) {
      out.push({ path: at, expected, live });
      return;
    }
    expected.forEach((item, i) => compareFields(item, live[i], `${at}[${i}]`, out));
    return;
  }
  if (expected !== live) out.push({ path: at, expected, live });
}

function accepted(kind: string, diff: Omit<Difference, "object">): AcceptedDifference | undefined {
  return ACCEPTED_DIFFERENCES.find((a) => a.kind === kind && (diff.path === a.path || diff.path.startsWith(`${a.path}.`)));
}

export interface ReadBackResult {
  readonly compared: number;
  readonly differences: Difference[];
  readonly acceptedSeen: AcceptedDifference[];
}

export async function readBack(client: KubeClient, objects: readonly RenderedObject[]): Promise<ReadBackResult> {
  const plurals = new Map<string, string>();
  const plural = async (apiVersion: string, kind: string): Promise<string> => {
    const key = `${apiVersion}/${kind}`;
    if (!plurals.has(key)) {
      const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const list = await client.json<{ resources: { name: string; kind: string }[] }>("GET", base);
      for (const r of list.resources) if (!r.name.includes("/")) plurals.set(`${apiVersion}/${r.kind}`, r.name);
    }
    const found = plurals.get(key);
    if (!found) throw new Error(`the API server serves no ${kind} in ${apiVersion}`);
    return found;
  };
  const differences: Difference[] = [];
  const acceptedSeen = new Set<AcceptedDifference>();
  for (const { object } of objects) {
    const { apiVersion, kind, metadata } = object;
    const id = `${kind} ${metadata.namespace ? `${metadata.namespace}/` : ""}${metadata.name}`;
    const live = await client.get<Record<string, unknown>>(
      objectPath(apiVersion, await plural(apiVersion, kind), metadata.namespace, metadata.name),
    );
    if (!live) {
      differences.push({ object: id, path: "", expected: "the object", live: "not found" });
      continue;
    }
    const found: Omit<Difference, "object">[] = [];
    const { metadata: expectedMeta, ...rest } = object;
    const { name, namespace, labels, annotations } = expectedMeta as Record<string, unknown>;
    compareFields({ name, namespace, labels, annotations }, live.metadata, "metadata", found);
    compareFields(rest, live, "", found);
    for (const diff of found) {
      if (diff.expected === undefined) continue;
      const a = accepted(kind, diff);
      if (a) acceptedSeen.add(a);
      else differences.push({ object: id, ...diff });
    }
  }
  return { compared: objects.length, differences, acceptedSeen: [...acceptedSeen] };
}
