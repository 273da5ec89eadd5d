/**
 * A release: the stack config values that define one tested build of the system, which `npm run promote` moves
 * from one stack to the next (dev, then uat, then prod). Everything else in a stack file (its cluster, registry
 * access, sizes, Serve applications, secrets) belongs to that stack and never moves with a release.
 */
import type { ApiConfig } from "./sections/api";
import type { GpuWorkerConfig } from "./sections/ray";
import type { StackConfig } from "./stackConfig";
import { isPlainObject } from "./plainObject";

/**
 * The config keys of a release, as `pulumi config set --path` spells them. Each one is copied whole: the Ray
 * version moves with its Python and CUDA tags (every Ray image is built from all three), the worker image with
 * its tag and digest, the heavy dependencies with their mode and pins.
 */
export const RELEASE_KEYS = [
  "rayVersion",
  "pythonTag",
  "cudaTag",
  "ray.gpuWorker.image",
  "ray.gpuWorker.heavyDependencies",
  "api.imageAutomation.tagPattern",
  "api.imageAutomation.semverRange",
] as const;

export type ReleaseKey = (typeof RELEASE_KEYS)[number];

/** The release key that names the worker build; in a release it always carries a digest. */
export const WORKER_IMAGE_KEY: ReleaseKey = "ray.gpuWorker.image";

export interface Release {
  readonly rayVersion: StackConfig["rayVersion"];
  readonly pythonTag: StackConfig["pythonTag"];
  readonly cudaTag: StackConfig["cudaTag"];
  readonly ray: { readonly gpuWorker: Pick<GpuWorkerConfig, "image" | "heavyDependencies"> };
  readonly api: { readonly imageAutomation: Pick<ApiConfig["imageAutomation"], "tagPattern" | "semverRange"> };
}

/** `ray.gpuWorker.image` to `["ray", "gpuWorker", "image"]`. */
export function releaseKeyPath(key: ReleaseKey): string[] {
  return key.split(".");
}

/** The value at a release key of a config-shaped object (a validated config, a release, a parsed stack section). */
export function valueAtKey(root: unknown, key: ReleaseKey): unknown {
  let cur = root;
  for (const seg of releaseKeyPath(key)) cur = isPlainObject(cur) ? cur[seg] : undefined;
  return cur;
}

/**
 * The release a stack's validated config describes, with the worker digest it runs: its own `image.digest`, else
 * the one its tag resolved to (undefined when nothing resolved it; then the release names no build).
 */
export function releaseOf(config: StackConfig, resolvedWorkerDigest?: string): Release {
  const out: Record<string, unknown> = {};
  for (const key of RELEASE_KEYS) {
    const path = releaseKeyPath(key);
    let node = out;
    for (const seg of path.slice(0, -1)) node = (node[seg] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1]] =
      key === WORKER_IMAGE_KEY ? workerBuild(config, resolvedWorkerDigest) : structuredClone(valueAtKey(config, key));
  }
  return out as unknown as Release;
}

/** The worker image with the digest it runs; keys in the order a stack file writes them, the tag first. */
function workerBuild(config: StackConfig, resolvedDigest: string | undefined): GpuWorkerConfig["image"] {
  const { tag, digest = resolvedDigest } = config.ray.gpuWorker.image;
  return { ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}
