/**
 * The GPU worker image: the registry's login server, the worker repository
 * and one build (a tag, a digest, or both). A new build reaches the GPU group
 * as a change of this reference, visible in the plan; nothing is restarted by
 * hand.
 */
import { checkImageRef, ImageRef, isMutableImageRef } from "../../config/imageRef";
import type { GpuWorkerConfig } from "../../config/sections/ray";

export interface WorkerImageInputs {
  /** e.g. `cybersmartstg.azurecr.io`, from the registry component. */
  readonly loginServer: string;
  /** e.g. `data-ai/face-ocr-worker`. */
  readonly repository: string;
  readonly image: GpuWorkerConfig["image"];
}

export function workerImageRef(inputs: WorkerImageInputs): ImageRef {
  return checkImageRef({ registry: inputs.loginServer, repository: inputs.repository, tag: inputs.image.tag, digest: inputs.image.digest });
}

/**
 * An immutable reference never changes under a node's cache, so a cached copy
 * is the right one. A moving tag (allowed outside prod) must be pulled every
 * time or pods keep whatever build their node cached first.
 */
export function workerPullPolicy(ref: ImageRef): "IfNotPresent" | "Always" {
  return isMutableImageRef(ref) ? "Always" : "IfNotPresent";
}
