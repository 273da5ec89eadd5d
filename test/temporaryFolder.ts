/**
 * vitest's global setup: the tests' temporary files go to a folder of their own (TMPDIR, which os.tmpdir() and the
 * processes the tests start read), and a run that leaves anything in it fails, naming what was left. A test that
 * makes a scratch folder removes it; this catches the one that forgets, on the run that adds it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "face-ocr-tests-"));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    const left = fs.readdirSync(dir).sort();
    fs.rmSync(dir, { recursive: true, force: true });
    if (left.length > 0) {
      // vitest reports a teardown's exception but still exits 0, so the failure is set here.
      process.stderr.write(
        `the tests left ${left.length} file(s) in their temporary folder; remove them in the test that makes them: ${left.join(", ")}\n`,
      );
      process.exitCode = 1;
    }
  };
}
