/**
 * Runs one of the project's command-line entry points in its own node process, as `npm run plan` (policy,
 * check-app-repo) starts it: through scripts/runCompiled.js, so the test covers the launcher too.
 */
import { execFile } from "child_process";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "./harness";

/** For a test that starts such processes: on a fresh checkout each compiles what it loads, on a shared machine. */
export const PROCESS_TEST_TIMEOUT = 60_000;

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A process's exit code as a shell gives it: 128 plus the signal's number for one killed by a signal (a crash). */
function exitCode(err: (Error & { code?: unknown; signal?: NodeJS.Signals | null }) | null): number {
  if (err === null) return 0;
  if (typeof err.code === "number") return err.code;
  if (err.signal) return 128 + os.constants.signals[err.signal];
  throw err; // not run to its end: not started, or its output overflowed
}

/**
 * `entry` relative to the project root (`plan/cli.ts`); `stdin` is written to the process's standard input; `env`
 * is added to this process's environment.
 */
export function runCli(entry: string, args: readonly string[], stdin?: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [path.join(PROJECT_DIR, "scripts", "runCompiled.js"), entry, ...args],
      { cwd: PROJECT_DIR, env: { ...process.env, ...env } },
      (err, stdout, stderr) => {
        try {
          resolve({ code: exitCode(err), stdout, stderr });
        } catch (notRun) {
          reject(notRun as Error);
        }
      },
    );
    child.stdin?.end(stdin ?? "");
  });
}

/** A command's body as the project exports it beside its entry point (`runPlanCli`): arguments and output sinks in, exit code out. */
export type InProcessCli<Io> = (
  argv: readonly string[],
  io: Io & { stdout: (t: string) => void; stderr: (t: string) => void },
) => Promise<number>;

let inProcessQueue: Promise<unknown> = Promise.resolve();

/**
 * Runs a command in this process, as `runCli` would run it in its own, for tests where the process is not the point:
 * the same exit code, standard output and standard error, without loading the SDK again. Runs one at a time (a plan
 * resets the Pulumi runtime, so two cannot overlap), even when a test starts several with `Promise.all`; `env` is set
 * for the length of the run and restored after it.
 */
export function runCliInProcess<Io extends object>(
  cli: InProcessCli<Io>,
  args: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  const run = async (): Promise<CliResult> => {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    let stdout = "";
    let stderr = "";
    try {
      const code = await cli(args, { ...io, stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t) });
      return { code, stdout, stderr };
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  };
  const result = inProcessQueue.then(run);
  inProcessQueue = result.catch(() => undefined);
  return result;
}
