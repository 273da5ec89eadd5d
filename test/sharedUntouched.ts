/**
 * vitest's global setup: the shared material (../shared, or FACE_OCR_SHARED_DIR) is only read by the tests. A test
 * that edits a copy of it must make a real copy: `fs.cpSync` of a symlinked shared folder copies the link, and the
 * edit then lands in the shared material itself (and every later plan and engine run reads the edited CRD). A run
 * whose tests changed a file there fails, naming the files.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { sharedDir } from "../validation/paths";

function digests(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const name of fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    const file = path.join(dir, name);
    if (fs.statSync(file).isFile()) found.set(name, createHash("sha1").update(fs.readFileSync(file)).digest("hex"));
  }
  return found;
}

export function setup(): () => void {
  const dir = sharedDir();
  const before = fs.existsSync(dir) ? digests(dir) : new Map<string, string>();
  return () => {
    const after = fs.existsSync(dir) ? digests(dir) : new Map<string, string>();
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((name) => before.get(name) !== after.get(name));
    if (changed.length > 0) {
      // vitest reports a teardown's exception but still exits 0, so the failure is set here.
      process.stderr.write(`the tests changed the shared material in ${dir}; restore it from its copy: ${changed.join(", ")}\n`);
      process.exitCode = 1;
    }
  };
}
