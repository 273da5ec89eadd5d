/**
 * The GPU worker image: the registry's login server, the worker repository
 * and one build (a tag, a digest, or both). A new build reaches the GPU group
 * as a change of this reference, visible in the plan; nothing is restarted by
 * hand.
 */
import type * as pulumi from "@pulumi/pulumi";
import { checkImageRef, ImageRef, isMutableImageRef } from "../../config/imageRef";
import type { GpuWorkerConfig } from "../../config/sections/ray";

export interface WorkerImageInputs {
  /** e.g. `cybersmartstg.azurecr.io`, from the registry component. */
  readonly loginServer: string;
  /** e.g. `data-ai/face-ocr-worker`. */
  readonly repository: string;
  readonly image: GpuWorkerConfig["image"];
  /** The digest the tag was resolved to at deploy time; an explicit `image.digest` wins. */
  readonly resolvedDigest?: string;
}

export function workerImageRef(inputs: WorkerImageInputs): ImageRef {
  const digest = inputs.image.digest ?? inputs.resolvedDigest;
  return checkImageRef({ registry: inputs.loginServer, repository: inputs.repository, tag: inputs.image.tag, digest });
}

/**
 * The digest the GPU worker runs: the stack's explicit `image.digest`, else
 * what the registry says its tag names now (`digestOf`, asked at deploy time).
 * An explicit digest asks nothing, so such a stack runs without the docker
 * provider and without registry credentials.
 */
export function workerImageDigest(image: GpuWorkerConfig["image"], digestOf: (tag: string) => pulumi.Output<string>): pulumi.Input<string> {
  if (image.digest !== undefined) return image.digest;
  // The config schema requires a tag when there is no digest.
  return digestOf(image.tag as string);
}

/**
 * An immutable reference never changes under a node's cache, so a cached copy
 * is the right one. A moving tag (allowed outside prod) must be pulled every
 * time or pods keep whatever build their node cached first.
 */
export function workerPullPolicy(ref: ImageRef): "IfNotPresent" | "Always" {
  return isMutableImageRef(ref) ? "Always" : "IfNotPresent";
}
