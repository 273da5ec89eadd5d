import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { runStackContext, stackContext } from "../../scripts/stackContext";
import { PROJECT_DIR } from "../harness";

const USAGE = "usage: npm run stack-context -- --stack STACK\n";

describe("npm run stack-context", () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "stack-context-"));
  const uat = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.uat.yaml"), "utf8");
  const write = (stack: string, text: string) => fs.writeFileSync(path.join(project, `Pulumi.${stack}.yaml`), text);
  write("shared", fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.shared.yaml"), "utf8"));
  write("uat", uat);
  write("eu-uat", uat.replace("context: aks-data-ai-uat", "context: aks-eu-uat"));
  write("spaced", uat.replace("context: aks-data-ai-uat", 'context: "aks data ai"'));
  write("nocluster", uat.replace(/ {2}face-ocr-platform:cluster:\n(?: {4}#.*\n)* {4}context: aks-data-ai-uat\n/, ""));
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  it("prints the cluster.context of each environment stack's file in this project", () => {
    expect(["dev", "uat", "prod"].map((stack) => stackContext(PROJECT_DIR, stack))).toEqual([
      "aks-data-ai-dev",
      "aks-data-ai-uat",
      "aks-data-ai-prod",
    ]);
    expect(runStackContext(["--stack", "eu-uat"], project)).toEqual({ exitCode: 0, stdout: "aks-eu-uat\n", stderr: "" });
  });

  it("refuses the shared stack, which has no cluster", () => {
    expect(runStackContext(["--stack", "shared"], project)).toEqual({
      exitCode: 2,
      stdout: "",
      stderr:
        'stack-context: stack "shared" has role shared and no cluster: the shared stack applies nothing to a cluster, ' +
        "so no job needs its credentials; only environment and standalone stacks have cluster.context\n",
    });
  });

  it("refuses a stack whose config the program would refuse, with the program's message", () => {
    expect(runStackContext(["--stack", "spaced"], project)).toEqual({
      exitCode: 2,
      stdout: "",
      stderr:
        'stack-context: Invalid config for stack "spaced":\n' +
        '  - cluster.context = "aks data ai": expected a kubeconfig context name such as "aks-data-ai-dev" (letters, digits and . _ @ : / -); ' +
        "set it with `pulumi config set --path cluster.context <value>`\n",
    });
    expect(runStackContext(["--stack", "nocluster"], project).stderr).toBe(
      'stack-context: Invalid config for stack "nocluster":\n' +
        '  - cluster.context is missing: an environment stack applies to one cluster: expected its kubeconfig context, such as "aks-data-ai-dev"; ' +
        "set it with `pulumi config set --path cluster.context <value>`\n",
    );
  });

  it("refuses a stack without a stack file, a name that is not a stack's, and bad arguments", () => {
    const missing = runStackContext(["--stack", "staging"], project);
    const listed = /; stacks here: (.*)\n$/.exec(missing.stderr)?.[1].split(", ");
    expect([missing.exitCode, missing.stdout, missing.stderr.split(";")[0], listed?.sort()]).toEqual([
      2,
      "",
      'stack-context: no stack file Pulumi.staging.yaml for stack "staging"',
      ["eu-uat", "nocluster", "shared", "spaced", "uat"],
    ]);
    expect(runStackContext(["--stack", "../uat"], project).stderr).toBe(
      `stack-context: --stack "../uat": expected a stack name of letters, digits, '-', '_' and '.', such as dev\n`,
    );
    expect(runStackContext([], project)).toEqual({ exitCode: 2, stdout: "", stderr: `--stack is required\n${USAGE}` });
    expect(runStackContext(["uat"], project)).toEqual({
      exitCode: 2,
      stdout: "",
      stderr: `Unexpected argument 'uat'. This command does not take positional arguments\n${USAGE}`,
    });
  });
});
