/** Scratch copies of test/fixtures/promote (a project folder with a dev and a uat stack), so a test may write into them. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ProgramRun, RecordedResource } from "../../plan/runProgram";
import { PROJECT_DIR } from "../harness";

export const FIXTURE_DIR = path.join(PROJECT_DIR, "test/fixtures/promote");

/** The worker builds the fixture's stack files pin (made up). */
export const DEV_DIGEST = `sha256:${"feedface".repeat(8)}`;
export const UAT_DIGEST = `sha256:${"0ddba11c0ffee".repeat(5).slice(0, 64)}`;

export function fixtureText(file: string): string {
  return fs.readFileSync(path.join(FIXTURE_DIR, file), "utf8");
}

/** A copy of the fixture project; `edits` replace a file's text (relative path to new text). */
export function fixtureCopy(edits: Readonly<Record<string, string>> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "promote-fixture-"));
  fs.cpSync(FIXTURE_DIR, dir, { recursive: true });
  for (const [file, text] of Object.entries(edits)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

/** Every file of a folder, by relative path. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = fs.readFileSync(file, "utf8");
  }
  return out;
}

/** A hand-made resource of a uat plan. */
export function resource(type: string, name: string, inputs: Record<string, unknown>): RecordedResource {
  return {
    urn: `urn:pulumi:uat::face-ocr-platform::${type}::${name}`,
    type,
    name,
    custom: true,
    protect: false,
    dependencies: [],
    inputs,
    plainInputs: inputs,
  };
}

/** A hand-made uat plan: its Stack resource, then `resources`. */
export function run(resources: RecordedResource[], outputs: Record<string, unknown> = {}): ProgramRun {
  const stack = { ...resource("pulumi:pulumi:Stack", "face-ocr-platform-uat", {}), custom: false };
  return { project: "face-ocr-platform", stack: "uat", resources: [stack, ...resources], outputs, invokes: [] };
}

/** What the fixture's uat file reads after the dev release: written out by hand from the two files. */
export const UAT_AFTER_DEV_RELEASE = fixtureText("Pulumi.uat.yaml").replace(
  '        tag: "20261120.2" # the tag it was built as\n' +
    "        digest: sha256:0ddba11c0ffee0ddba11c0ffee0ddba11c0ffee0ddba11c0ffee0ddba11c0ffe # what uat runs\n",
  '        tag: "20261130.4" # the tag it was built as\n' +
    `        digest: ${DEV_DIGEST} # what uat runs\n` +
    "      heavyDependencies:\n" +
    "        mode: initContainer\n" +
    "        pins:\n" +
    "          easyocr: 1.7.1\n" +
    "  face-ocr-platform:rayVersion: 2.53.0\n" +
    "  face-ocr-platform:pythonTag: py310\n" +
    "  face-ocr-platform:cudaTag: cu124\n" +
    "  face-ocr-platform:api:\n" +
    "    imageAutomation:\n" +
    "      tagPattern: ^\\d+\\.\\d+\\.\\d+(-alpha\\.\\d+)?$\n" +
    '      semverRange: ">=1.2.0-0"\n',
);
