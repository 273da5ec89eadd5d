/**
 * What `pulumi up` would change on an adopted object: the program's inputs against the live object, field by field.
 * Only fields under the program's own top-level keys are compared (never `metadata` or `status`, which the API
 * server and controllers own), and a live field the program leaves out counts unless the API server sets it
 * ({@link SERVER_SET_FIELDS}).
 */
import { isDeepStrictEqual } from "util";
import * as YAML from "yaml";
import type { LiveObject } from "./liveExport";
import { isPlainObject } from "../config/plainObject";

export interface FieldDifference {
  /** `kind namespace/name`, e.g. `RayService ray/rayservice`. */
  readonly object: string;
  /** Dotted path with list indices, e.g. `spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].securityContext`. */
  readonly path: string;
  /** Undefined when the program adds the field. */
  readonly live: unknown;
  /** Undefined when the program leaves out a live field. */
  readonly planned: unknown;
}

/** Fields the API server or a controller fills in, which the program leaves to them. Each with its reason. */
export const SERVER_SET_FIELDS: readonly { readonly kind: string; readonly path: RegExp; readonly why: string }[] = [
  { kind: "Namespace", path: /^spec\.finalizers$/, why: "the API server adds the kubernetes finalizer" },
  {
    kind: "PersistentVolumeClaim",
    path: /^spec\.(volumeMode|volumeName)$/,
    why: "defaulted by the API server, bound by the PV controller",
  },
  { kind: "RayService", path: /\.workerGroupSpecs\[\d+\]\.numOfHosts$/, why: "the RayCluster CRD defaults it to 1" },
  { kind: "RayService", path: /\.ports\[\d+\]\.protocol$/, why: "the API server defaults a container port's protocol to TCP" },
  { kind: "RayService", path: /\.volumes\[\d+\]\.configMap\.defaultMode$/, why: "the API server defaults it to 0644 (420)" },
];

/** Fields whose value is a document in a string: compared as parsed YAML, not as text. */
const YAML_FIELDS: Readonly<Record<string, string>> = { RayService: "spec.serveConfigV2" };

/** A field whose value may be a credential: its values never leave the diff. */
export const SECRET_FIELD = /(password|token|secret|key|database_url|dockerconfigjson)$/i;
export const SECRET_MASK = "[secret]";

const masked = (path: string, v: unknown) => (v !== undefined && SECRET_FIELD.test(path.split(".").pop() ?? "") ? SECRET_MASK : v);

export function objectLabel(o: Pick<LiveObject, "kind" | "metadata">): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;
}

export function diffAgainstLive(planned: Record<string, unknown>, live: LiveObject): FieldDifference[] {
  const object = objectLabel(live);
  const out: FieldDifference[] = [];
  const serverSet = (path: string) => SERVER_SET_FIELDS.some((f) => f.kind === live.kind && f.path.test(path));
  const walk = (path: string, p: unknown, l: unknown) => {
    if (YAML_FIELDS[live.kind] === path && typeof p === "string" && typeof l === "string") {
      if (!isDeepStrictEqual(YAML.parse(p), YAML.parse(l))) out.push({ object, path, live: l, planned: p });
      return;
    }
    if (isPlainObject(p) && isPlainObject(l)) {
      for (const key of [...new Set([...Object.keys(p), ...Object.keys(l)])].sort()) {
        const child = path ? `${path}.${key}` : key;
        if (!(key in p) && serverSet(child)) continue;
        walk(child, p[key], l[key]);
      }
      return;
    }
    if (Array.isArray(p) && Array.isArray(l) && p.length === l.length) {
      p.forEach((item, i) => walk(`${path}[${i}]`, item, l[i]));
      return;
    }
    if (!isDeepStrictEqual(p, l)) out.push({ object, path, live: masked(path, l), planned: masked(path, p) });
  };
  for (const key of Object.keys(planned).sort()) {
    if (key === "metadata" || key === "status" || key === "apiVersion" || key === "kind") continue;
    walk(key, planned[key], live[key]);
  }
  return out;
}
