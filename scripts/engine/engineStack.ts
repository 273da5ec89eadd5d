/**
 * The throwaway stack an engine run creates: the dev stack's own config, with only what a run without a cloud must
 * differ in, each for a reason a real stack can have too. Nothing is stubbed: the registry is referenced (as a stack
 * that does not own it would), the shared Azure DevOps objects are left to the stack that owns them, and the cluster
 * is the local API server's context.
 */
import * as fs from "fs";
import * as YAML from "yaml";
import { buildPlanConfig, ConfigOverride } from "../../plan/stackConfigFile";
import { PROJECT_NAME } from "../../plan/runProgram";
import { SECRET_CONFIG_KEYS } from "../../config/secrets";
import { MANAGED_ONLY_KEYS } from "../../config/sections/registry";
import { acrLoginServer } from "../../components/registry/registrySpec";

export const ENGINE_STACK = "engine";
/** The stack whose config the engine stack starts from. */
export const SOURCE_STACK = "dev";

export interface EngineOverride extends ConfigOverride {
  /** Why the engine stack differs from dev here. */
  readonly reason: string;
}

/**
 * Dev's registry section as a stack that references the registry has it: by login server, without the owner's
 * settings (config/sections/registry.ts refuses those in reference mode) and without the AcrPull assignment, which
 * is the owner's to grant. Pull secrets and repositories stay dev's.
 */
export function referencedRegistry(projectDir: string): Record<string, unknown> {
  const dev = JSON.parse(buildPlanConfig(projectDir, SOURCE_STACK, []).config[`${PROJECT_NAME}:registry`]) as Record<string, unknown>;
  const kept = Object.fromEntries(
    Object.entries(dev).filter(([key]) => !(MANAGED_ONLY_KEYS as readonly string[]).includes(key) && key !== "kubeletPrincipalId"),
  );
  return { ...kept, mode: "reference", loginServer: acrLoginServer(String(dev.name)), kubeletAcrPull: false };
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
  return [
    o("cluster.context", context, "the local API server's kubeconfig context"),
    o("pipelines.enabled", "false", "the shared Azure DevOps objects belong to one stack; this one does not own them"),
    o(
      "registry",
      JSON.stringify(referencedRegistry(projectDir)),
      "references the existing registry by its login server, as a stack that does not own it: no Azure resource, no Azure call",
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
