/**
 * What a release may change in a stack's plan: the resources and fields that the release keys
 * (config/release.ts) drive, each with the key that drives it. `npm run promote` refuses a promotion whose plan
 * diff touches anything else, since that would be a change the source stack never tested.
 */
import { INSTALL_CONTAINER_NAME, MODEL_DOWNLOAD_CONTAINER_NAME } from "../components/ray/installContainer";
import { GPU_WORKER_GROUP_NAME } from "../components/ray/gpuWorkerGroup";
import { VOLUME_NAMES } from "../components/ray/volumes";
import { DERIVED_GPU_WORKER_ENV } from "../config/sections/ray";
import { API_APP, WORKER_APP } from "../config/sections/pipelines";
import { RAY_VERSION_VARIABLE, WORKER_BASE_APP, WORKER_BASE_DIR } from "../components/pipelines/pipelineModel";
import { IMAGE_POLICY, RAY_SERVICE } from "../types/crds";
import { FieldChange, formatFieldChange, changedLines, ResourceChange, STACK_TYPE } from "./planDiff";

export interface ReleaseField {
  /** Resource type token. */
  readonly type: string;
  /** Logical names it applies to; @default every resource of the type */
  readonly name?: RegExp;
  /**
   * A field path as planDiff.ts writes it, matching the field and everything below it; `[*]` matches one list item
   * or quoted key, and `*` inside a quoted key any run of its characters. Empty: the whole resource, its creation
   * and deletion included.
   */
  readonly path: string;
  /** For a text field: every line that changes must match this. @default any line */
  readonly lines?: RegExp;
  /** The release key that drives it. */
  readonly why: string;
}

const BUILD_DEFINITION = "azuredevops:index/buildDefinition:BuildDefinition";
const RAY_SERVICE_TYPE = `kubernetes:${RAY_SERVICE.apiVersion}:${RAY_SERVICE.kind}`;
const IMAGE_POLICY_TYPE = `kubernetes:${IMAGE_POLICY.apiVersion}:${IMAGE_POLICY.kind}`;
const CLUSTER = "spec.rayClusterConfig";
const GPU_POD = `${CLUSTER}.workerGroupSpecs[${GPU_WORKER_GROUP_NAME}].template.spec`;
const generatedFile = (repo: string, file: string) => `outputs.generatedFiles[${JSON.stringify(`app-repos/${repo}/${file}`)}]`;

const RAY = "rayVersion, pythonTag, cudaTag";
const WORKER = "ray.gpuWorker.image";
const HEAVY = "ray.gpuWorker.heavyDependencies";

/** The declared allow-list: everything a release may change in a target stack's plan. */
export const RELEASE_FIELDS: readonly ReleaseField[] = [
  { type: RAY_SERVICE_TYPE, path: `${CLUSTER}.rayVersion`, why: "rayVersion" },
  { type: RAY_SERVICE_TYPE, path: `${CLUSTER}.headGroupSpec.template.spec.containers[*].image`, why: RAY },
  { type: RAY_SERVICE_TYPE, path: `${CLUSTER}.workerGroupSpecs[*].template.spec.containers[*].image`, why: `${RAY}, ${WORKER}` },
  { type: RAY_SERVICE_TYPE, path: `${GPU_POD}.containers[*].imagePullPolicy`, why: WORKER },
  ...DERIVED_GPU_WORKER_ENV.map((env) => ({ type: RAY_SERVICE_TYPE, path: `${GPU_POD}.containers[*].env[${env}]`, why: HEAVY })),
  { type: RAY_SERVICE_TYPE, path: `${GPU_POD}.containers[*].volumeMounts[${VOLUME_NAMES.sharedPackages}]`, why: `${HEAVY}.mode` },
  { type: RAY_SERVICE_TYPE, path: `${GPU_POD}.volumes[${VOLUME_NAMES.sharedPackages}]`, why: `${HEAVY}.mode` },
  { type: RAY_SERVICE_TYPE, path: `${GPU_POD}.initContainers[${INSTALL_CONTAINER_NAME}]`, why: `${RAY}, ${HEAVY}` },
  { type: RAY_SERVICE_TYPE, path: `${GPU_POD}.initContainers[${MODEL_DOWNLOAD_CONTAINER_NAME}]`, why: `${WORKER}, ${HEAVY}.mode` },
  { type: IMAGE_POLICY_TYPE, path: "spec.filterTags.pattern", why: "api.imageAutomation.tagPattern" },
  { type: IMAGE_POLICY_TYPE, path: "spec.policy.semver.range", why: "api.imageAutomation.semverRange" },
  { type: BUILD_DEFINITION, path: `variables[${RAY_VERSION_VARIABLE}].value`, why: "rayVersion" },
  { type: BUILD_DEFINITION, path: "ciTrigger.override.pathFilters", why: `${HEAVY}.mode (the worker's CI skips ${WORKER_BASE_DIR}/)` },
  { type: BUILD_DEFINITION, name: new RegExp(`-${WORKER_BASE_APP}$`), path: "", why: `${HEAVY}.mode (the base image's build)` },
  // The registry lookup of a worker named by its tag alone; a digest needs none.
  { type: "pulumi:providers:docker", path: "", why: WORKER },
  { type: STACK_TYPE, path: "outputs.rayVersion", why: "rayVersion" },
  { type: STACK_TYPE, path: "outputs.release", why: "every release key" },
  { type: STACK_TYPE, path: generatedFile(WORKER_APP, "*"), lines: new RegExp(`^\\s*${RAY_VERSION_VARIABLE}: `), why: "rayVersion" },
  { type: STACK_TYPE, path: generatedFile(API_APP, "*"), lines: new RegExp(`^\\s*${RAY_VERSION_VARIABLE}: `), why: "rayVersion" },
  { type: STACK_TYPE, path: generatedFile(WORKER_APP, `${WORKER_BASE_DIR}/*`), why: `${RAY}, ${HEAVY}` },
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The path pattern as a regular expression matching the field and every field below it. */
function pathPattern(path: string): RegExp {
  const body = escapeRegExp(path)
    .replace(/\\\[\\\*\\\]/g, "\\[[^\\]]+\\]")
    .replace(/\\\*/g, '[^"]*');
  return new RegExp(`^${body}(?=$|[.[])`);
}

function covers(entry: ReleaseField, change: ResourceChange, field?: FieldChange): boolean {
  if (entry.type !== change.type || (entry.name && !entry.name.test(change.name))) return false;
  if (entry.path === "") return true;
  if (!field || !pathPattern(entry.path).test(field.path)) return false;
  if (!entry.lines) return true;
  if (typeof field.before !== "string" || typeof field.after !== "string") return false;
  const lines = entry.lines;
  return changedLines(field.before, field.after).every((h) => [...h.removed, ...h.added].every((line) => lines.test(line)));
}

/** The changes no release field covers, as the lines of the refusal: the resource, then each field that is not allowed. */
export function changesBeyondRelease(changes: readonly ResourceChange[], allowed: readonly ReleaseField[] = RELEASE_FIELDS): string[] {
  const lines: string[] = [];
  for (const change of changes) {
    if (change.op !== "update") {
      if (!allowed.some((e) => covers(e, change))) lines.push(`  ${change.op} ${change.type} ${change.name}`);
      continue;
    }
    const outside = change.fields.filter((f) => !allowed.some((e) => covers(e, change, f)));
    if (outside.length > 0) lines.push(`  update ${change.type} ${change.name}`, ...outside.flatMap(formatFieldChange));
  }
  return lines;
}
