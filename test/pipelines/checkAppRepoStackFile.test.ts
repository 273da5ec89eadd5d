import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT_USAGE, runCheckAppRepo, USAGE } from "../../scripts/checkAppRepo";
import { PROJECT_DIR } from "../harness";

let projectDir: string;

beforeEach(() => {
  projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "check-app-repo-stack-"));
});
afterEach(() => {
  fs.rmSync(projectDir, { recursive: true, force: true });
});

describe("check-app-repo reads the stack file as the plan does", () => {
  it.each([
    ["a tab", "config:\n\tface-ocr-platform:role: shared\n", "Pulumi.shared.yaml:2:1: Tabs are not allowed as indentation"],
    ["a duplicate key", "config:\n  environment: dev\n  environment: uat\n", "Pulumi.shared.yaml:3:3: Map keys must be unique"],
    [
      "an alias to nothing",
      "config:\n  environment: *x\n",
      "Pulumi.shared.yaml:2:16: Unresolved alias (the anchor must be set before the alias): x",
    ],
  ])("exits 2 with FILE:LINE:COL on %s, not its skew code or a trace", (_, yaml, message) => {
    fs.writeFileSync(path.join(projectDir, "Pulumi.shared.yaml"), yaml);
    const api = path.join(PROJECT_DIR, "test", "fixtures", "app-repos", "face-ocr-api");
    expect(runCheckAppRepo(["--api", api], projectDir)).toEqual({ exitCode: EXIT_USAGE, stdout: "", stderr: `${message}\n${USAGE}\n` });
  });
});
