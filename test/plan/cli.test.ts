import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { runPlanCli } from "../../plan/cli";
import { PROCESS_TEST_TIMEOUT, runCli, runCliInProcess } from "../cliProcess";
import { loadIndex, PROJECT_DIR } from "../harness";

/** The command run in this process: the same code, output and exit code as `npm run plan`, without a node process each. */
function plan(args: string[], outDir: string, env: NodeJS.ProcessEnv = {}) {
  return runCliInProcess(runPlanCli, ["--out", outDir, ...args], { loadProgram: loadIndex }, env);
}

/** The command in its own node process, through the launcher `npm run plan` uses: exit code and output as a shell sees them. */
function planProcess(args: string[], outDir: string) {
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
      const [flag, stack] = await Promise.all([planProcess(["--verbose"], outDir), planProcess(["--stack", "nope"], outDir)]);
      const usage = "usage: npm run plan -- [--stack NAME] [--config KEY=VALUE]... [--secret KEY=VALUE]... [--out DIR] [--baseline DIR]\n";
      expect(flag).toEqual({ code: 2, stdout: "", stderr: `Unknown option '--verbose'\n${usage}` });
      expect(stack).toEqual({
        code: 2,
        stdout: "",
        stderr: `no stack file Pulumi.nope.yaml for stack "nope"; stacks here: dev, prod, shared, uat\n${usage}`,
      });
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });

  it("--baseline labels the RayService change against an earlier plan and writes it next to preview.json; an unreadable baseline is exit 2", async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    try {
      const base = path.join(outDir, "base");
      const missing = path.join(outDir, "nowhere");
      const [first, bad] = await Promise.all([plan([], base), plan(["--baseline", missing], path.join(outDir, "bad"))]);
      expect(first.code).toBe(0);
      expect(bad).toEqual({
        code: 2,
        stdout: "",
        stderr: `--baseline: cannot read ${missing} (ENOENT); save one with \`pulumi preview --json --stack <stack> > preview.json\`, or pass an offline plan's out/<stack>/\n`,
      });
      const next = await plan(["--baseline", path.join(base, "dev"), "--config", "ray.gpuWorker.replicas=2"], path.join(outDir, "next"));
      expect(next.code).toBe(0);
      const kuberay = next.stdout.slice(next.stdout.indexOf("\nKubeRay:\n"));
      const impactFile = path.join(outDir, "next", "dev", "ray-upgrade-impact.json");
      expect(kuberay.split("\n").slice(3)).toEqual([
        `  Against the baseline ${path.join(base, "dev")}:`,
        "    RayService ray/rayservice (ray-service): no effect on running pods",
        "      no effect on running pods spec.rayClusterConfig.workerGroupSpecs[1].replicas: excluded from KubeRay's cluster hash: the running RayCluster is not updated",
        `    (written to ${impactFile})`,
        "",
      ]);
      const written = JSON.parse(fs.readFileSync(impactFile, "utf8"));
      expect(written.rayServices.map((r: { class: string; label: string }) => [r.class, r.label])).toEqual([
        ["no-effect", "no effect on running pods"],
      ]);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }, 180_000);

  it("never shows what was given after --secret, whatever the mistake", async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    try {
      const attempts = [
        ["--secret", "chromaToken", "S3CRET-1"],
        ["--secret", "S3CRET-2"],
        ["--secret=S3CRET-3"],
        ["--secret", "chromaToken=x", "--S3CRET-4"],
        ["--secret", "chromaToken=x", "S3CRET-5=y"],
      ];
      const results = await Promise.all(attempts.map((a) => plan(a, outDir)));
      expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
      for (const r of results) expect(r.stderr + r.stdout).not.toMatch(/S3CRET/);
      expect(results[0].stderr).toBe(
        "Unexpected argument '[not shown]'. This command does not take positional arguments\nusage: npm run plan -- [--stack NAME] [--config KEY=VALUE]... [--secret KEY=VALUE]... [--out DIR] [--baseline DIR]\n",
      );
      expect(results[1].stderr.split("\n")[0]).toBe(
        "--secret: expected KEY=VALUE, e.g. --secret chromaToken=<value> (the argument is not shown: it may hold the secret)",
      );
      expect(fs.readdirSync(outDir)).toEqual([]);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }, 90_000);

  it("exits 2 naming the file and the fault when the shared material is missing or damaged", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "plan-shared-"));
    const outDir = path.join(root, "out");
    const copy = (name: string) => {
      const dir = path.join(root, name);
      // A real copy even when ../shared is a symbolic link: the cases below delete and damage files of the copy.
      fs.cpSync(path.resolve(PROJECT_DIR, "..", "shared"), dir, { recursive: true, dereference: true });
      return dir;
    };
    try {
      const noCrds = copy("no-crds");
      fs.rmSync(path.join(noCrds, "crds"), { recursive: true });
      const truncated = copy("truncated");
      const schema = path.join(truncated, "schemas", "azuredevops.schema.json");
      fs.writeFileSync(schema, fs.readFileSync(schema, "utf8").slice(0, 5000));
      const sharedFile = path.join(root, "shared-file");
      fs.writeFileSync(sharedFile, "not a folder\n");
      const corrupt = copy("corrupt-crd");
      const crd = path.join(corrupt, "crds", "ray.io_rayservices.yaml");
      fs.writeFileSync(crd, "\u0000\u0001 garbage\n");
      // The Azure DevOps objects are the shared stack's: its plan is the one that reads their provider schema.
      const shared = ["--stack", "shared"];
      const cases: [string, string, string[]][] = [
        [path.join(root, "missing"), `${path.join(root, "missing")}: missing (expected the shared folder of upstream schemas)`, []],
        [noCrds, `${path.join(noCrds, "crds")}: missing (expected a folder of upstream CustomResourceDefinitions)`, []],
        [truncated, `${schema}: not valid JSON, truncated or damaged (Unterminated string in JSON at position 5000)`, shared],
        [sharedFile, `${sharedFile}: a file, not a directory (expected the shared folder of upstream schemas)`, []],
        [
          corrupt,
          `${crd}: not a CustomResourceDefinition (no kind: CustomResourceDefinition, spec.group and spec.names.kind at its top)`,
          [],
        ],
      ];
      const results = await Promise.all(cases.map(([dir, , args]) => plan(args, outDir, { FACE_OCR_SHARED_DIR: dir })));
      expect(results).toEqual(
        cases.map(([dir, problem]) => ({
          code: 2,
          stdout: "",
          stderr:
            `${problem}. The plan validates against the upstream schemas in ${dir} ` +
            "(the shared folder beside the project, or FACE_OCR_SHARED_DIR); restore it from the shared copy.\n",
        })),
      );
      expect(fs.existsSync(outDir)).toBe(false);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 90_000);
});
