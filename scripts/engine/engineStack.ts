/**
 * The throwaway stacks an engine run creates: the dev stack's own config, with only what a run without a cloud must
 * differ in, each for a reason a real stack can have too, and a stand-in for the shared stack that publishes the
 * shared stack's offline outputs, so dev's StackReference is read by the real engine. Nothing of the program is
 * stubbed: the registry comes from the shared stack, as in every environment stack, and the cluster is the local API
 * server's context.
 */
import * as fs from "fs";
import * as YAML from "yaml";
import { buildPlanConfig, ConfigOverride } from "../../plan/stackConfigFile";
import { PROJECT_NAME } from "../../config/projectName";
import { SECRET_CONFIG_KEYS } from "../../config/secrets";
import { offlineStackName, referencedSharedStack } from "../../plan/sharedStackOutputs";
import { SHARED_STACK_OUTPUTS } from "../../components/stacks/sharedStack";

export const ENGINE_STACK = "engine";
/** The stack whose config the engine stack starts from. */
export const SOURCE_STACK = "dev";

export interface EngineOverride extends ConfigOverride {
  /** Why the engine stack differs from dev here. */
  readonly reason: string;
}

/**
 * Dev's registry section without the kubelet's AcrPull assignment: an Azure role assignment, which needs Azure. The
 * pull secrets and repositories stay dev's, and the registry itself still comes from the shared stack.
 */
export function registryWithoutAcrPull(projectDir: string): Record<string, unknown> {
  const dev = JSON.parse(buildPlanConfig(projectDir, SOURCE_STACK, []).config[`${PROJECT_NAME}:registry`] ?? "{}") as Record<
    string,
    unknown
  >;
  const kept = Object.fromEntries(Object.entries(dev).filter(([key]) => key !== "kubeletPrincipalId"));
  return { ...kept, kubeletAcrPull: false };
}

/** The shared stack dev reads, as it names it and as its stack file here is named (the engine run creates that one). */
function sharedStackOf(projectDir: string): { reference: string; stack: string } {
  const reference = referencedSharedStack(buildPlanConfig(projectDir, SOURCE_STACK, []).config);
  if (reference === undefined)
    throw new Error(`stack ${SOURCE_STACK} reads no shared stack (role environment, registry.mode shared-stack)`);
  return { reference, stack: offlineStackName(reference, SOURCE_STACK) };
}

/** The shared stack's name in this project (`Pulumi.<name>.yaml`), which the engine run plans and creates. */
export function sharedStackName(projectDir: string): string {
  return sharedStackOf(projectDir).stack;
}

/**
 * What the shared stack exports (components/stacks/sharedStack.ts), read from its offline plan's preview.json: the
 * registry is Azure's, so the engine run's shared stack is a program that exports exactly these values.
 */
export function sharedStackOutputs(previewFile: string): Record<string, string> {
  const preview = JSON.parse(fs.readFileSync(previewFile, "utf8")) as {
    steps: { newState: { type: string; outputs?: Record<string, unknown> } }[];
  };
  const outputs = preview.steps.find((s) => s.newState.type === "pulumi:pulumi:Stack")?.newState.outputs ?? {};
  const values: Record<string, string> = {};
  for (const name of Object.values(SHARED_STACK_OUTPUTS)) {
    const value = outputs[name];
    if (typeof value !== "string") throw new Error(`the shared stack's offline plan (${previewFile}) has no output ${name}`);
    values[name] = value;
  }
  return values;
}

/**
 * A digest no registry holds, recognisable as fake: the engine run never pulls the worker image (no GPU node runs it),
 * it only needs the reference to be pinned so that the program asks the registry nothing.
 */
export const ENGINE_WORKER_DIGEST = `sha256:${"deadbeef".repeat(8)}`;

/** Whether dev's worker image names a tag only, which the program resolves through the docker provider's getRegistryImage. */
function resolvesWorkerTag(projectDir: string): boolean {
  const ray = JSON.parse(buildPlanConfig(projectDir, SOURCE_STACK, []).config[`${PROJECT_NAME}:ray`] ?? "{}") as {
    gpuWorker?: { image?: { digest?: unknown } };
  };
  return ray.gpuWorker?.image?.digest === undefined;
}

export function engineOverrides(projectDir: string, context: string): EngineOverride[] {
  const o = (key: string, value: string, reason: string): EngineOverride => ({ key, value, secret: false, reason });
  const workerDigest = resolvesWorkerTag(projectDir)
    ? [
        o(
          "ray.gpuWorker.image.digest",
          ENGINE_WORKER_DIGEST,
          "the docker provider plugin is not part of the engine tools; a stack that pins its worker digest makes no registry lookup",
        ),
      ]
    : [];
  const shared = sharedStackOf(projectDir);
  const sharedStack =
    shared.reference === shared.stack
      ? []
      : [o("sharedStack", shared.stack, "the engine's local backend holds the shared stack as a stack of this project, by its own name")];
  return [
    o("cluster.context", context, "the local API server's kubeconfig context"),
    ...sharedStack,
    o(
      "registry",
      JSON.stringify(registryWithoutAcrPull(projectDir)),
      "the kubelet's AcrPull is an Azure role assignment; the registry still comes from the shared stack, pulls from dev's pull secrets",
    ),
    ...workerDigest,
  ];
}

/** Obviously fake values for every secret key, so the real engine encrypts and passes them like real ones. */
export function fakeSecrets(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const { key } of SECRET_CONFIG_KEYS) values[key] = `fake-${key}-for-the-engine-run`;
  return values;
}

/**
 * The stack file for the real CLI (`--config-file`): dev's non-secret config with the overrides applied, structured
 * values as YAML objects. Secret keys are left out; the run sets them with `pulumi config set --secret`.
 */
export function engineStackFile(projectDir: string, overrides: readonly ConfigOverride[]): string {
  const plan = buildPlanConfig(projectDir, SOURCE_STACK, overrides);
  const secretKeys = new Set(SECRET_CONFIG_KEYS.map(({ key }) => `${PROJECT_NAME}:${key}`));
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(plan.config)) {
    if (secretKeys.has(key)) continue;
    config[key] = parseStructured(value);
  }
  return YAML.stringify({ config });
}

/** Objects and lists arrive as JSON strings; a Pulumi stack file holds them as YAML structures. */
function parseStructured(value: string): unknown {
  if (!/^[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export function writeEngineStackFile(file: string, projectDir: string, overrides: readonly ConfigOverride[]): void {
  fs.writeFileSync(file, engineStackFile(projectDir, overrides));
}
