/**
 * `ray.serve.applications` from the live RayService's `serveConfigV2`, in the current config shape (Ray Serve's own
 * field names, config/sections/ray.ts). Kept apart so a change of that shape changes this file only.
 */
import * as YAML from "yaml";
import { AdoptInputError } from "./liveExport";

export function serveApplicationsFromLive(serveConfigV2: unknown, where: string): Record<string, unknown>[] {
  if (serveConfigV2 === undefined) return [];
  if (typeof serveConfigV2 !== "string") throw new AdoptInputError(`${where}: spec.serveConfigV2 is not the YAML text KubeRay takes`);
  let parsed: unknown;
  try {
    parsed = YAML.parse(serveConfigV2);
  } catch (err) {
    throw new AdoptInputError(`${where}: spec.serveConfigV2 is not YAML (${(err as Error).message})`);
  }
  const applications = (parsed as { applications?: unknown } | null)?.applications;
  if (!Array.isArray(applications)) throw new AdoptInputError(`${where}: spec.serveConfigV2 has no applications list`);
  return applications as Record<string, unknown>[];
}
