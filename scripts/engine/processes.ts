/**
 * The long-running processes an engine run starts (etcd, kube-apiserver): each one's output goes to a log file in the
 * run folder, and every one is stopped when the run ends, on success, failure, Ctrl-C or SIGTERM.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";

interface Tracked {
  readonly name: string;
  readonly child: ChildProcess;
  readonly log: string;
}

const running: Tracked[] = [];
let handlersInstalled = false;

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", () => stopAllNow());
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nengine: ${signal}, stopping ${running.map((p) => p.name).join(", ") || "nothing"}\n`);
      stopAllNow();
      process.exit(130);
    });
  }
}

/** Starts a process whose output goes to `log`; it is stopped by {@link stopAll} or when this process exits. */
export function startProcess(name: string, command: string, args: readonly string[], log: string): ChildProcess {
  const out = fs.openSync(log, "a");
  // detached: its own process group, so stopping it also stops anything it started.
  const child = spawn(command, args, { stdio: ["ignore", out, out], detached: true });
  fs.closeSync(out);
  return track(name, child, log);
}

/**
 * Stops `child`'s process group with the others, on any exit of this process. `child` must have been spawned with
 * `detached: true` (its own process group: the Pulumi CLI and the plugins it starts, say).
 */
export function track<T extends ChildProcess>(name: string, child: T, log = "(output captured)"): T {
  installHandlers();
  running.push({ name, child, log });
  child.on("exit", () => {
    const i = running.findIndex((p) => p.child === child);
    if (i >= 0) running.splice(i, 1);
  });
  return child;
}

/** The last lines of a process's log, to show why it failed. */
export function logTail(log: string, lines = 15): string {
  try {
    return fs.readFileSync(log, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

function kill(p: Tracked, signal: NodeJS.Signals): void {
  try {
    if (p.child.pid !== undefined) process.kill(-p.child.pid, signal);
  } catch {
    // already gone
  }
}

function stopAllNow(): void {
  for (const p of [...running].reverse()) kill(p, "SIGKILL");
}

/** Stops every process in reverse start order: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopAll(graceMs = 5000): Promise<string[]> {
  const stopped = [...running].reverse();
  for (const p of stopped) {
    kill(p, "SIGTERM");
    const exited = await new Promise<boolean>((resolve) => {
      if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve(true);
      const timer = setTimeout(() => resolve(false), graceMs);
      p.child.once("exit", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!exited) kill(p, "SIGKILL");
  }
  return stopped.map((p) => p.name);
}

/** Names of the processes still running. */
export function runningProcesses(): string[] {
  return running.map((p) => p.name);
}
