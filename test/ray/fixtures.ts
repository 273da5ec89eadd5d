/** Shared by the test/ray suites: resource types and accessors into the rendered RayService. */
import type { RecordedResource } from "../../plan/runProgram";
import { devStackSection, RecordedRun } from "../harness";

export const TYPES = {
  component: "face-ocr:ray:RayCluster",
  namespace: "kubernetes:core/v1:Namespace",
  priorityClass: "kubernetes:scheduling.k8s.io/v1:PriorityClass",
  pvc: "kubernetes:core/v1:PersistentVolumeClaim",
  rayService: "kubernetes:ray.io/v1:RayService",
} as const;

/** Loose view of recorded inputs, for reading nested fields in assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

/** The RayService's inputs (apiVersion, kind, metadata, spec) as recorded. */
export function rayServiceOf(run: RecordedRun, name = "ray-service"): Loose {
  return run.one(TYPES.rayService, name).inputs;
}

export function headGroupOf(run: RecordedRun): Loose {
  return rayServiceOf(run).spec.rayClusterConfig.headGroupSpec;
}

export function workerGroupOf(run: RecordedRun, groupName: string): Loose {
  const groups: Loose[] = rayServiceOf(run).spec.rayClusterConfig.workerGroupSpecs;
  const found = groups.filter((g) => g.groupName === groupName);
  if (found.length !== 1) throw new Error(`expected one worker group "${groupName}", found ${found.length}`);
  return found[0];
}

/** The Ray component's resources only (the program also registers other components'). */
export function rayResources(resources: readonly RecordedResource[], componentName = "ray"): RecordedResource[] {
  const componentUrn = resources.find((r) => r.type === TYPES.component && r.name === componentName)?.urn;
  return resources.filter((r) => r.urn === componentUrn || (componentUrn !== undefined && r.parent === componentUrn));
}

/** Every `image` field anywhere under a value, with its JSON path. */
export function imagesIn(value: unknown, path = ""): { path: string; image: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => imagesIn(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      k === "image" && typeof v === "string" ? [{ path: `${path}.${k}`, image: v }] : imagesIn(v, `${path}.${k}`),
    );
  }
  return [];
}

/** A deep copy without `image` fields and without `rayVersion`. */
export function withoutImagesAndRayVersion(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutImagesAndRayVersion);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k, v]) => !(k === "image" && typeof v === "string") && k !== "rayVersion")
        .map(([k, v]) => [k, withoutImagesAndRayVersion(v)]),
    );
  }
  return value;
}

/**
 * The dev stack's `ray` section with these fields added or replaced, for `runStack({ config: { ray } })` (a
 * whole `ray` value replaces the stack file's, which holds the worker image; the image has no default).
 * Objects merge; lists and other values replace.
 */
export function devRay(overrides: Record<string, unknown>): Record<string, unknown> {
  return deepMerge(devStackSection("ray"), overrides);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k], v) : v;
  return out;
}
