/** Pieces every worker group shares: `ray start` parameters with the GPU count, and pod metadata. */
import type * as k8s from "@pulumi/kubernetes";

/** Name of the Ray container in every worker pod (the guide's `kubectl logs -c ray-worker`). */
export const WORKER_CONTAINER_NAME = "ray-worker";

/**
 * The group's `rayStartParams` with `num-gpus` set from `gpus`, the same value
 * as the `nvidia.com/gpu` limit, so Ray never advertises GPUs the pod lacks.
 */
export function workerRayStartParams(params: Readonly<Record<string, string>>, gpus: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) if (key !== "num-gpus") out[key] = value;
  if (gpus > 0) out["num-gpus"] = String(gpus);
  return out;
}

/** Pod template metadata: the labels, or nothing when there are none. */
export function podMetadata(labels: Readonly<Record<string, string>>): k8s.types.input.meta.v1.ObjectMeta | undefined {
  return Object.keys(labels).length > 0 ? { labels: { ...labels } } : undefined;
}
