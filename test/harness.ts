/**
 * Test harness: run the whole program (or one component) under the mock
 * runtime and get back every registered resource, as the offline plan does.
 *
 * How to keep a test file fast (the suite runs on two cores; vitest.config.mts shares one module graph per worker):
 * - `runStack(options)` plans `index.ts` once per worker for each distinct stack config (the stack file with the
 *   overrides, the run mode, FACE_OCR_SHARED_DIR) and hands every caller its own deep copy, so a test may change
 *   what it gets back. Call it where the test needs the run; there is no need to hoist a run into `beforeAll` to
 *   share it. Runs with `invokes` or `outputs` mocks (functions) are never shared.
 * - A command-line test checks the command's code in process with `runCliInProcess` (test/cliProcess.ts): the same
 *   exit code, standard output and standard error as the command, without a node process that loads the SDK
 *   again. Keep one `runCli` test per command, the one that proves what only a process shows (exit status, the
 *   launcher, output that reaches the shell).
 * - A type-level test that needs a TypeScript program builds one for the file, in `beforeAll`, not one per test.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { InvokeMock, OutputMock } from "../plan/mocks";
import { ProgramRun, RecordedResource, runProgram } from "../plan/runProgram";
import { referencedStackOutputs } from "../plan/sharedStackOutputs";
import { buildPlanConfig, ConfigOverride, toConfigString } from "../plan/stackConfigFile";

export const PROJECT_DIR = path.resolve(__dirname, "..");

/**
 * The single-stack layout (role standalone): one stack file owning everything, as dev was before the stack split.
 * `runStack()` and `runComponent()` without a `stack` run it, so a test of one component sees the whole system in
 * one run; tests of the committed stacks name them (`runStack({ stack: "uat" })`).
 */
export const SINGLE_STACK_DIR = path.join(PROJECT_DIR, "test", "fixtures", "single-stack");
/** The stack name of {@link SINGLE_STACK_DIR}'s stack file. */
export const SINGLE_STACK = "dev";

/** Where a run's stack file is: the single-stack fixture unless the test names a stack. */
function stackLocation(options: StackRunOptions): { dir: string; stack: string } {
  return options.stack === undefined ? { dir: SINGLE_STACK_DIR, stack: SINGLE_STACK } : { dir: PROJECT_DIR, stack: options.stack };
}

export interface StackRunOptions {
  /** A committed stack (`shared`, `dev`, `uat`, `prod`); @default the single-stack fixture's dev ({@link SINGLE_STACK_DIR}) */
  readonly stack?: string;
  /** Config overrides as `--config` takes them: top-level keys or dotted paths; objects are sent as JSON. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Secret overrides as `--secret` takes them. */
  readonly secrets?: Readonly<Record<string, string>>;
  readonly invokes?: Readonly<Record<string, InvokeMock>>;
  readonly outputs?: Readonly<Record<string, OutputMock>>;
  /** Run without the offline plan's marker, so the checks of a real engine run apply (plan/runProgram.ts). */
  readonly asRealRun?: boolean;
  /** Outputs of referenced stacks; default: the shared stack's own offline outputs, as `npm run plan` gives them. */
  readonly stackOutputs?: Readonly<Record<string, Record<string, unknown>>>;
}

export interface RecordedRun extends ProgramRun {
  /** Resources of one type token, in registration order. */
  ofType(type: string): RecordedResource[];
  /** The one resource of this type (and logical name, if given); throws if there is not exactly one. */
  one(type: string, name?: string): RecordedResource;
}

export function overridesFrom(options: StackRunOptions): ConfigOverride[] {
  // Objects here stand for structured stack-file values, which the CLI hands over with sorted keys.
  const toText = toConfigString;
  return [
    ...Object.entries(options.config ?? {}).map(([key, value]) => ({ key, value: toText(value), secret: false })),
    ...Object.entries(options.secrets ?? {}).map(([key, value]) => ({ key, value, secret: true })),
  ];
}

export async function loadIndex(): Promise<() => unknown> {
  const mod = (await import("../index")) as unknown as { default?: () => unknown };
  return (mod.default ?? mod) as () => unknown;
}

function withLookups(run: ProgramRun): RecordedRun {
  return {
    ...run,
    ofType: (type) => run.resources.filter((r) => r.type === type),
    one: (type, name) => {
      const found = run.resources.filter((r) => r.type === type && (name === undefined || r.name === name));
      if (found.length !== 1) {
        throw new Error(`expected exactly one ${type}${name ? ` named "${name}"` : ""}, found ${found.length}`);
      }
      return found[0];
    },
  };
}

/** Runs of `index.ts` by what they depend on, shared by every test file of a worker (see the header). */
const stackRuns = new Map<string, Promise<ProgramRun>>();

/** Runs `index.ts` for a stack (default `dev`) with optional overrides, like `npm run plan`. */
export async function runStack(options: StackRunOptions = {}): Promise<RecordedRun> {
  const { dir, stack } = stackLocation(options);
  const planConfig = buildPlanConfig(dir, stack, overridesFrom(options));
  const program = await loadIndex();
  const run = async () =>
    runProgram({
      stack,
      config: planConfig.config,
      secretKeys: planConfig.secretKeys,
      program,
      stackOutputs: options.stackOutputs ?? (await referencedStackOutputs(dir, stack, planConfig, program)),
      invokes: options.invokes,
      outputs: options.outputs,
      asRealRun: options.asRealRun,
    });
  if (options.invokes || options.outputs) return withLookups(await run());
  const key = JSON.stringify([
    stack,
    dir,
    planConfig.config,
    planConfig.secretKeys,
    options.asRealRun ?? false,
    process.env.FACE_OCR_SHARED_DIR,
    options.stackOutputs ?? null,
  ]);
  let shared = stackRuns.get(key);
  if (!shared) {
    shared = run();
    stackRuns.set(key, shared);
    // A run that fails is not kept: the next caller runs it again and gets its own error.
    shared.catch(() => stackRuns.delete(key));
  }
  return withLookups(structuredClone(await shared));
}

/** Runs an arbitrary function (e.g. constructing one component) under the mock runtime. */
export async function runComponent(build: () => unknown, options: StackRunOptions = {}): Promise<RecordedRun> {
  const { dir, stack } = stackLocation(options);
  const planConfig = buildPlanConfig(dir, stack, overridesFrom(options));
  const run = await runProgram({
    stack,
    config: planConfig.config,
    secretKeys: planConfig.secretKeys,
    program: build,
    invokes: options.invokes,
    outputs: options.outputs,
    asRealRun: options.asRealRun,
  });
  return withLookups(run);
}

/** The value inside an Output, for asserting on component outputs. */
export function unwrap<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** One config section of the single-stack dev file (e.g. `registry`), to override a field of it in a test. */
export function devStackSection(key: string): Record<string, unknown> {
  const file = path.join(SINGLE_STACK_DIR, `Pulumi.${SINGLE_STACK}.yaml`);
  const doc = YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  return { ...(doc.config[`face-ocr-platform:${key}`] as Record<string, unknown>) };
}

/** The dev stack's registry with pulls through the kubelet identity only (no pull secrets): the registry's default. */
export function kubeletOnlyRegistry(): Record<string, unknown> {
  return { ...devStackSection("registry"), pullSecrets: [] };
}

/** A cluster binding for configs built in tests (`cluster.context` has no default). */
export const EXAMPLE_CLUSTER = { context: "example-context" } as const;

/** A Serve application that needs nothing from the pods (its code would be in the image): the least a RayService needs. */
export const MINIMAL_SERVE_APP = { name: "echo", route_prefix: "/echo", import_path: "echo:app" } as const;

/**
 * The least raw stack config that validates: the keys without a default (cluster context, registry resource group,
 * GPU worker image, one Serve application).
 */
export function minimalStackConfig(): {
  cluster: Record<string, unknown>;
  registry: Record<string, unknown>;
  ray: Record<string, unknown>;
} {
  return {
    cluster: { ...EXAMPLE_CLUSTER },
    registry: { resourceGroupName: "rg-example" },
    ray: { serve: { applications: [{ ...MINIMAL_SERVE_APP }] }, gpuWorker: { image: { tag: "dev" } } },
  };
}
