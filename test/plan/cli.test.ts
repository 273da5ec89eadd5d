import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { PROCESS_TEST_TIMEOUT, runCli } from "../cliProcess";

function plan(args: string[], outDir: string) {
  return runCli("plan/cli.ts", ["--out", outDir, ...args]);
}

describe("npm run plan (the command line)", () => {
  it(
    "rejects a bad rayVersion with one paragraph naming the key, exit code 2 and no stack trace",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
      try {
        const results = await Promise.all(["latest", "2.52", ""].map((v) => plan(["--config", `rayVersion=${v}`], outDir)));
        expect(results.map((r) => r.code)).toEqual([2, 2, 2]);
        expect(results.map((r) => r.stderr)).toEqual(
          ["latest", "2.52", ""].map(
            (v) =>
              `Invalid config for stack "dev":\n  - rayVersion = "${v}": expected an exact Ray version MAJOR.MINOR.PATCH, such as "2.52.0"; set it with \`pulumi config set rayVersion <value>\`\n`,
          ),
        );
        for (const r of results) expect(r.stdout).toBe("");
        expect(fs.readdirSync(outDir)).toEqual([]);
      } finally {
        fs.rmSync(outDir, { recursive: true, force: true });
      }
    },
  );

  it("rejects unknown flags and stacks with usage and exit code 2", { timeout: PROCESS_TEST_TIMEOUT }, async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    try {
      const [flag, stack] = await Promise.all([plan(["--verbose"], outDir), plan(["--stack", "nope"], outDir)]);
      const usage = "usage: npm run plan -- [--stack NAME] [--config KEY=VALUE]... [--secret KEY=VALUE]... [--out DIR]\n";
      expect(flag).toEqual({ code: 2, stdout: "", stderr: `Unknown option '--verbose'\n${usage}` });
      expect(stack).toEqual({ code: 2, stdout: "", stderr: `no stack file Pulumi.nope.yaml for stack "nope"; stacks here: dev\n${usage}` });
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});
