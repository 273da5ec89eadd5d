/** Container resources from config, with the GPU count added from the group's one `gpus` value. */
import type * as k8s from "@pulumi/kubernetes";
import type { ResourcesConfig } from "../../config/sections/ray";

/** The extended resource the NVIDIA device plugin advertises. */
export const GPU_RESOURCE = "nvidia.com/gpu";

type ResourceList = Record<string, string | number>;

function list(values: ResourcesConfig["limits"], gpus: number): ResourceList {
  const out: ResourceList = {};
  for (const [name, value] of Object.entries(values)) if (value !== undefined) out[name] = value;
  // A number, as Appendix D writes it; the API server stores the quantity either way.
  if (gpus > 0) out[GPU_RESOURCE] = gpus;
  return out;
}

export function containerResources(resources: ResourcesConfig, gpus = 0): k8s.types.input.core.v1.ResourceRequirements {
  // The SDK types quantities as strings; the schema takes int-or-string, and the integer keeps the live object's form.
  return { limits: list(resources.limits, gpus), requests: list(resources.requests, gpus) } as k8s.types.input.core.v1.ResourceRequirements;
}
