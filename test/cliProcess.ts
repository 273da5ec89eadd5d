/**
 * Runs one of the project's command-line entry points in its own node process, as `npm run plan` (policy,
 * check-app-repo) starts it: through scripts/runCompiled.js, so the test covers the launcher too.
 */
import { execFile } from "child_process";
import * as path from "path";
import { PROJECT_DIR } from "./harness";

/** For a test that starts such processes: on a fresh checkout each compiles what it loads, on a shared machine. */
export const PROCESS_TEST_TIMEOUT = 60_000;

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `entry` relative to the project root (`plan/cli.ts`); `stdin` is written to the process's standard input; `env`
 * is added to this process's environment.
 */
export function runCli(entry: string, args: readonly string[], stdin?: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [path.join(PROJECT_DIR, "scripts", "runCompiled.js"), entry, ...args],
      { cwd: PROJECT_DIR, env: { ...process.env, ...env } },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin ?? "");
  });
}
