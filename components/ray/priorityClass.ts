/** The PriorityClass of the GPU workers: they schedule before, and may preempt, ordinary pods. */
import type * as k8s from "@pulumi/kubernetes";
import type { RayConfig } from "../../config/sections/ray";

export function priorityClassArgs(config: RayConfig["priorityClass"]): k8s.scheduling.v1.PriorityClassArgs {
  return {
    metadata: { name: config.name },
    value: config.value,
    globalDefault: false,
    description: "GPU Ray workers of face-ocr (gpu-worker-group).",
  };
}
