/**
 * Runs the Pulumi program under Pulumi's mock runtime, as `pulumi preview`
 * would run it, and records every registered resource. Shared by
 * `npm run plan` and the tests.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_NAME } from "../config/projectName";
import { withOfflinePlanMarker } from "../config/runMode";
import { MockOptions, PlanMocks, RecordedInvoke } from "./mocks";
import { maskSecrets, revealSecrets } from "./secrets";

export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly custom: boolean;
  readonly protect: boolean;
  readonly dependencies: string[];
  /** URN of the explicit provider the resource goes through; absent: the default provider of its package. */
  readonly provider?: string;
  /** The id to import, when the resource adopts an existing one. */
  readonly importId?: string;
  /** Inputs as `pulumi preview --json` shows them: secrets are "[secret]". */
  readonly inputs: Record<string, unknown>;
  /** Inputs with secrets in clear, for validation; never written anywhere. */
  readonly plainInputs: Record<string, unknown>;
}

export interface ProgramRun {
  readonly project: string;
  readonly stack: string;
  /** In registration order. */
  readonly resources: RecordedResource[];
  /** Stack outputs, secrets masked. */
  readonly outputs: Record<string, unknown>;
  readonly invokes: RecordedInvoke[];
}

export interface RunOptions extends MockOptions {
  readonly stack: string;
  /** Fully qualified config (`project:key` or `provider:key`) to string values, as the CLI passes them. */
  readonly config: Readonly<Record<string, string>>;
  /** Fully qualified keys whose values are secret. */
  readonly secretKeys?: readonly string[];
  /** The program: a function returning the stack outputs, like `index.ts`'s export. */
  readonly program: () => unknown;
  /**
   * Run the program as a real engine would see it: without the offline plan's marker (config/runMode.ts), so
   * the checks only a real run makes (config/realRun.ts) apply. For tests of those checks. @default false
   */
  readonly asRealRun?: boolean;
}

interface WireRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getDependenciesList(): string[];
  getProvider(): string;
  getImportid(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface WireResponse {
  getUrn(): string;
}
type Callback = (err: unknown, resp?: WireResponse) => void;
interface ReadResponse {
  getId?(): string;
  setId?(id: string): void;
}
interface Monitor {
  readResource(req: { getId(): string }, cb: (err: unknown, resp?: ReadResponse) => void): void;
  registerResource(req: WireRequest, cb: Callback): void;
  registerResourceOutputs(
    req: { getUrn(): string; getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined },
    cb: Callback,
  ): void;
}

/** The mock monitor that `setMocks` installed (the runtime keeps it in its global store). */
function currentMonitor(): Monitor {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { settings: { monitor: Monitor } } };
  return state.getStore().settings.monitor;
}

export async function runProgram(options: RunOptions): Promise<ProgramRun> {
  const mocks = new PlanMocks(options);
  await pulumi.runtime.setMocks(mocks, PROJECT_NAME, options.stack, true);
  pulumi.runtime.setAllConfig({ ...options.config }, [...(options.secretKeys ?? [])]);

  const resources: RecordedResource[] = [];
  // The mock monitor qualifies URNs with the stack's type and only the nearest parent's; the engine
  // leaves the stack out and chains every ancestor. Record the engine's URNs.
  const engineUrns = new Map<string, string>();
  const engineUrn = (mockUrn: string) => engineUrns.get(mockUrn) ?? mockUrn;
  // What fails the run: the program's error, a registration that failed, or a URN registered twice.
  const failures: unknown[] = [];
  const seenUrns = new Set<string>();
  let rawOutputs: Record<string, unknown> = {};
  let stackUrn = "";
  const monitor = currentMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) =>
    register(req, (err, resp) => {
      if (!err && resp) {
        const raw = req.getObject()?.toJavaScript() ?? {};
        const type = req.getType();
        if (type === "pulumi:pulumi:Stack") stackUrn = resp.getUrn();
        const parent = req.getParent() ? engineUrn(req.getParent()) : undefined;
        const parentType = parent?.split("::")[2];
        const qualifiedType = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
        const urn = `urn:pulumi:${options.stack}::${PROJECT_NAME}::${qualifiedType}::${req.getName()}`;
        engineUrns.set(resp.getUrn(), urn);
        if (seenUrns.has(urn)) {
          failures.push(
            new Error(
              `duplicate resource URN ${urn}: two resources of type ${type} share the logical name "${req.getName()}" under the same parent`,
            ),
          );
        }
        seenUrns.add(urn);
        resources.push({
          urn,
          type,
          name: req.getName(),
          parent,
          custom: req.getCustom(),
          protect: req.getProtect(),
          dependencies: req.getDependenciesList().map(engineUrn).sort(),
          // A provider reference is `<urn>::<id>`; the URN alone names it.
          provider: req.getProvider() ? engineUrn(req.getProvider().split("::").slice(0, -1).join("::")) : undefined,
          importId: req.getImportid() || undefined,
          inputs: maskSecrets(raw) as Record<string, unknown>,
          plainInputs: revealSecrets(raw) as Record<string, unknown>,
        });
      }
      cb(err, resp);
    });
  // The engine answers a read (a StackReference) with the resource's id; the mock monitor leaves it out, which a
  // preview takes for unknown, and every invoke that depends on the read (the worker's digest lookup) then returns
  // unknown instead of running.
  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (req, cb) =>
    read(req, (err, resp) => {
      if (!err && resp && !resp.getId?.()) resp.setId?.(req.getId());
      cb(err, resp);
    });
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    if (req.getUrn() === stackUrn) rawOutputs = req.getOutputs()?.toJavaScript() ?? {};
    registerOutputs(req, cb);
  };

  // The runtime reports a failed registration (say, an input Output that rejected) as an unhandled
  // rejection, for the engine to turn into a failed run. Here the runner is the engine: it takes those
  // over for the length of the run and fails the run with the first one, instead of letting the
  // resource silently drop out of the plan.
  const onRejection = (reason: unknown) => failures.push(reason ?? new Error("a promise was rejected without a reason"));
  const previous = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", onRejection);
  // The SDK records a stack trace on every promise it makes, for leak reports only the engine prints: under
  // mocks that is a third of each resource's cost. Source positions are unaffected (the SDK lifts the limit for
  // those); an error the program throws during the run carries its message without frames.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    // A program error is caught inside the stack and rethrown after the run: rejecting the stack's own
    // outputs would only add derived rejections with nobody listening.
    await pulumi.runtime
      .runInPulumiStack(() =>
        withOfflinePlanMarker(!options.asRealRun, async () => {
          try {
            return (await options.program()) as pulumi.Inputs | undefined;
          } catch (err) {
            failures.unshift(err ?? new Error("the program failed without an error"));
            return undefined;
          }
        }),
      )
      .catch((err: unknown) => {
        // The stack's outputs rejected (say, a stack reference the mocks cannot answer): the run still drains
        // below, or the rejections of everything else derived from the failure would land in the next run.
        failures.push(err ?? new Error("the stack's outputs failed without an error"));
      });
    // Outputs resolve before every registration has finished; drain the queue, then give the process
    // a turn to report rejections that nothing handled.
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    process.removeListener("unhandledRejection", onRejection);
    for (const listener of previous) process.on("unhandledRejection", listener);
  }
  if (failures.length > 0) throw failures[0];
  return {
    project: PROJECT_NAME,
    stack: options.stack,
    resources,
    outputs: maskSecrets(rawOutputs) as Record<string, unknown>,
    invokes: mocks.invokes,
  };
}
