/**
 * The base image's Dockerfile, for `base/` of the worker repository, in
 * base-image mode: generated from the heavy-dependency steps
 * (components/ray/baseImage.ts), copied there unchanged like the pipeline
 * YAML beside it; check-app-repo compares the copy with it.
 */
import { WORKER_APP } from "../../config/sections/pipelines";
import { workerBaseImage } from "../ray/baseImage";
import { acrLoginServer } from "../registry/registrySpec";
import { PipelinesModelInput, WORKER_BASE_DIR } from "./pipelineModel";
import type { AppRepoFile } from "./pipelineYaml";

export const WORKER_BASE_DOCKERFILE = `${WORKER_BASE_DIR}/Dockerfile`;

export function workerBaseFiles(config: PipelinesModelInput): AppRepoFile[] {
  const base = workerBaseImage(config, acrLoginServer(config.registry.name));
  return base ? [{ repo: WORKER_APP, path: WORKER_BASE_DOCKERFILE, content: base.dockerfile }] : [];
}
