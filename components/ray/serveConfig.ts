/**
 * The RayService's `serveConfigV2`: the Serve config file (YAML) KubeRay
 * submits to the head's Serve REST API, rendered from the typed `ray.serve`
 * config. KubeRay applies it declaratively: an application missing here is
 * deleted from the cluster.
 */
import * as YAML from "yaml";
import type { ServeConfig } from "../../config/sections/ray";

export function serveConfigV2(serve: ServeConfig): string {
  return YAML.stringify({ applications: serve.applications }, { lineWidth: 0 });
}
