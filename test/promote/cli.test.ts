// npm run promote as a command: exit codes, messages without stack traces, and a refused or dry run writing nothing.
import * as fs from "fs";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { runPromoteCli } from "../../promote/cli";
import { PROCESS_TEST_TIMEOUT, runCli, runCliInProcess } from "../cliProcess";
import { loadIndex } from "../harness";
import { DEV_DIGEST, fixtureCopy, fixtureText, readTree } from "./fixture";

const USAGE = "usage: npm run promote -- --from STACK --to STACK [--release FILE] [--dry-run] [--project DIR]\n";
const dirs: string[] = [];

function project(edits: Readonly<Record<string, string>> = {}): string {
  const dir = fixtureCopy(edits);
  dirs.push(dir);
  return dir;
}

/** The command in this process; the launcher and the process's exit code are covered once, by the refusal below. */
const promoteCli = (args: readonly string[]) => runCliInProcess(runPromoteCli, args, { loadProgram: loadIndex });

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("npm run promote (the command line)", () => {
  it("refuses bad arguments with exit 2, the reason and the usage, and writes nothing", { timeout: PROCESS_TEST_TIMEOUT }, async () => {
    // A prod stack runs the app's production profile (config/stackConfig.ts refuses dev's there).
    const prod = `${fixtureText("Pulumi.uat.yaml").replace("environment: uat", "environment: prod")}  face-ocr-platform:api:\n    env:\n      ENVIRONMENT: production\n`;
    const dir = project({ "Pulumi.prod.yaml": prod });
    fs.rmSync(path.join(dir, "Pulumi.uat.yaml"));
    const before = readTree(dir);
    const at = ["--project", dir];
    const results = await Promise.all([
      promoteCli(["--from", "dev", "--to", "dev", ...at]),
      promoteCli(["--from", "dev", "--to", "shared", ...at]),
      promoteCli(["--from", "dev", "--to", "prod", ...at]),
      promoteCli(["--from", "dev", ...at]),
      promoteCli(["--from", "dev", "--to", "uat", ...at]),
      promoteCli(["--from", "dev", "--to", "uat", "--release", path.join(dir, "missing.json"), ...at]),
      promoteCli(["--from", "dev", "--to", "uat", "--force"]),
    ]);
    expect(results.map((r) => [r.code, r.stdout, r.stderr])).toEqual(
      [
        '--from and --to are both "dev": a release moves from one stack to another',
        "shared is the shared stack (role shared): it runs no release; a release moves between environment stacks",
        "a release of dev (environment dev) moves to a stack of environment dev or uat, not to prod (environment prod): releases move dev -> uat -> prod, one step at a time",
        "--to is required",
        'no stack file Pulumi.uat.yaml for stack "uat"; stacks here: dev, prod, shared',
        `--release ${path.join(dir, "missing.json")}: cannot read the file (ENOENT)`,
        "Unknown option '--force'",
      ].map((message) => [2, "", `${message}\n${USAGE}`]),
    );
    expect(readTree(dir)).toEqual(before);
  });

  it(
    "refuses a moving worker tag with exit 1 and leaves uat's file as it was, as its own process",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const moving = fixtureText("Pulumi.dev.yaml").replace(`        digest: ${DEV_DIGEST}\n`, "").replace('tag: "20261130.4"', "tag: dev");
      const dir = project({ "Pulumi.dev.yaml": moving });
      const before = readTree(dir);
      const result = await runCli("promote/cli.ts", ["--from", "dev", "--to", "uat", "--project", dir]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/^promote refused: ray\.gpuWorker\.image of dev is the moving tag "dev" without a digest: .*\n$/);
      expect(readTree(dir)).toEqual(before);
    },
  );

  it(
    "with --dry-run prints the release and the plan diff and writes nothing; without it writes uat's file",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const dir = project();
      const before = readTree(dir);
      const dry = await promoteCli(["--from", "dev", "--to", "uat", "--project", dir, "--dry-run"]);
      expect([dry.code, dry.stderr]).toEqual([0, ""]);
      expect(dry.stdout.split("\n").slice(0, 2)).toEqual(["Release of dev:", '  rayVersion: "2.53.0"']);
      expect(dry.stdout).toContain("\nDry run: Pulumi.uat.yaml not written; the release of dev would write rayVersion, ");
      expect(dry.stdout).toContain('\n    spec.rayClusterConfig.rayVersion: "2.52.0" -> "2.53.0"\n');
      expect(readTree(dir)).toEqual(before);
      const real = await promoteCli(["--from", "dev", "--to", "uat", "--project", dir]);
      expect([real.code, real.stderr]).toEqual([0, ""]);
      expect(
        real.stdout.replace(
          "Wrote the release of dev to Pulumi.uat.yaml:",
          "Dry run: Pulumi.uat.yaml not written; the release of dev would write",
        ),
      ).toBe(dry.stdout);
      expect(readTree(dir)["Pulumi.uat.yaml"]).not.toBe(before["Pulumi.uat.yaml"]);
    },
  );
});
