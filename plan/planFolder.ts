/**
 * Writes `<out>/<stack>/` so that a failure never leaves half a plan, and
 * `--out` never deletes what the plan did not write:
 *
 * - the folder carries a marker file; an existing `<out>/<stack>` without it
 *   (a tracked `test/` folder, a user's files) is refused, not replaced;
 * - every file is written into a fresh folder beside it, which then replaces
 *   the old one by rename, so readers see the old plan or the new one;
 * - the replacement happens under a lock, so two plans into one `--out`
 *   each leave a complete folder (the last one wins) instead of a mix.
 */
import * as fs from "fs";
import * as path from "path";
import { makeFolders } from "./makeFolders";
import { PlanInputError } from "./planInputError";

/** Present in every folder the plan wrote; its absence means "not ours". */
export const PLAN_MARKER = ".face-ocr-plan";
const MARKER_TEXT = "Written by `npm run plan`; the next run replaces this whole folder.\n";

/** How long a plan waits for another one to finish replacing the same folder. */
const LOCK_WAIT_MS = 30_000;

export interface PlanFile {
  /** Relative to `<out>/<stack>/`, with `/` separators. */
  readonly path: string;
  readonly content: string;
}

function describe(err: unknown): string {
  const { code, path: where } = err as NodeJS.ErrnoException;
  return `${code ?? (err as Error).message}${where ? ` at ${where}` : ""}`;
}

/** Refuses an existing `<out>/<stack>` that a plan did not write. */
export function assertReplaceable(stackOut: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(stackOut);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    if ((err as NodeJS.ErrnoException).code === "ENOTDIR") {
      throw new PlanInputError(`cannot write the plan under ${stackOut} (--out): ENOTDIR at ${stackOut}`);
    }
    throw new PlanInputError(`cannot write the plan under ${stackOut} (--out): ${describe(err)}`);
  }
  if (!stat.isDirectory() || !fs.existsSync(path.join(stackOut, PLAN_MARKER))) {
    throw new PlanInputError(
      `refusing to replace ${stackOut} (--out): it was not written by npm run plan (no ${PLAN_MARKER} file in it); ` +
        "choose another --out, or move that folder away yourself",
    );
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes `<out>/.<stack>.lock`; a lock left by a process that no longer runs is taken over. */
function withLock<T>(lock: string, fn: () => T): T {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(fs.readFileSync(lock, { encoding: "utf8", flag: "r" }).trim());
      if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new PlanInputError(
          `another plan (pid ${holder}) holds ${lock} (--out); wait for it to finish, or remove the file if it is stale`,
        );
      }
      sleep(50);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** Writes the files as `<out>/<stack>/`, replacing a previous plan's folder whole, or changes nothing. */
export function writePlanFolder(outDir: string, stack: string, files: readonly PlanFile[]): void {
  const stackOut = path.join(outDir, stack);
  assertReplaceable(stackOut);
  const unique = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const staging = path.join(outDir, `.${stack}.new-${unique}`);
  const retired = path.join(outDir, `.${stack}.old-${unique}`);
  try {
    makeFolders(outDir);
    fs.mkdirSync(staging);
    for (const file of files) {
      const target = path.join(staging, ...file.path.split("/"));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      // `wx`: two files of one plan that map to the same path are a bug to report, not to overwrite.
      fs.writeFileSync(target, file.content, { flag: "wx" });
    }
    fs.writeFileSync(path.join(staging, PLAN_MARKER), MARKER_TEXT, { flag: "wx" });
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    if ((err as NodeJS.ErrnoException).code === "EEXIST" && String((err as NodeJS.ErrnoException).path).startsWith(staging)) {
      const relative = path.relative(staging, String((err as NodeJS.ErrnoException).path));
      throw new Error(`two files of the plan map to the same path ${relative}`);
    }
    throw new PlanInputError(`cannot write the plan under ${stackOut} (--out): ${describe(err)}`);
  }
  try {
    withLock(path.join(outDir, `.${stack}.lock`), () => {
      assertReplaceable(stackOut);
      const previous = fs.existsSync(stackOut);
      if (previous) fs.renameSync(stackOut, retired);
      try {
        fs.renameSync(staging, stackOut);
      } catch (err) {
        if (previous) fs.renameSync(retired, stackOut);
        throw err;
      }
    });
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (err instanceof PlanInputError) throw err;
    throw new PlanInputError(`cannot write the plan under ${stackOut} (--out): ${describe(err)}`);
  }
  // The old plan is out of the way; a part of it that cannot be deleted (a read-only folder) stays hidden beside it.
  try {
    fs.rmSync(retired, { recursive: true, force: true });
  } catch {
    // Nothing of the new plan depends on it.
  }
}
