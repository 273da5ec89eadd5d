import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { runPolicyCli } from "../../policies/cli";
import { PROCESS_TEST_TIMEOUT, runCli } from "../cliProcess";
import type { PlanResource } from "../../policies/runner";
import { at, find, fixtureStack, HELM_RELEASE, RAY_SERVICE } from "./fixtures";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "policy-cli-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function previewOf(resources: readonly PlanResource[], extra: Record<string, unknown> = {}) {
  return {
    config: {},
    steps: resources.map((r) => ({
      op: "create",
      urn: r.urn,
      newState: { urn: r.urn, type: r.type, custom: true, ...(r.protect ? { protect: true } : {}), inputs: r.props },
    })),
    diagnostics: [],
    changeSummary: { create: resources.length },
    ...extra,
  };
}

let n = 0;
function write(content: unknown): string {
  const file = path.join(tmp, `preview-${n++}.json`);
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

async function cli(args: string[], stdin = "") {
  let stdout = "";
  let stderr = "";
  const code = await runPolicyCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: () => stdin, cwd: tmp });
  return { code, stdout, stderr };
}

function withDevTag() {
  const stack = fixtureStack();
  Object.assign(
    at(find(stack, RAY_SERVICE).props, "spec", "rayClusterConfig", "workerGroupSpecs", 1, "template", "spec", "containers", 0),
    {
      image: "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev",
      imagePullPolicy: "Always",
    },
  );
  return stack;
}

describe("npm run policy", () => {
  it("passes a clean preview, reading the stack's policy config from the URNs", async () => {
    const file = write(previewOf(fixtureStack()));
    const { code, stdout, stderr } = await cli([file]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toBe(
      `Policy pack face-ocr-platform on ${file}: 7 resources, stack dev (from the URNs), policy config ${path.relative(tmp, path.resolve(__dirname, "../../policies/config/dev.json"))}\n` +
        "Policies: 10 run, 0 mandatory and 0 advisory violations\n",
    );
  });

  it("exits 1 and prints each mandatory violation with its URN", async () => {
    const stack = fixtureStack();
    at(find(stack, HELM_RELEASE).props, "spec", "values", "env").CHROMA_TOKEN = "not-a-real-token";
    const { code, stdout } = await cli([write(previewOf(stack))]);
    expect(code).toBe(1);
    expect(stdout).toContain("Policies: 10 run, 1 mandatory and 0 advisory violations\n");
    expect(stdout).toContain(
      '  [mandatory] no-plaintext-secrets: HelmRelease "face-ocr-api" spec.values.env.CHROMA_TOKEN is a token/key/password/secret-named value',
    );
    expect(stdout).toContain(
      "      at urn:pulumi:dev::face-ocr-platform::kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease::face-ocr-api\n",
    );
    expect(stdout).not.toContain("not-a-real-token");
  });

  it("picks the policy config with --stack: a :dev tag passes dev and fails prod", async () => {
    const file = write(previewOf(withDevTag()));
    expect((await cli([file, "--stack", "dev"])).code).toBe(0);
    const prod = await cli([file, "--stack", "prod"]);
    expect(prod.code).toBe(1);
    expect(prod.stdout).toContain('[mandatory] no-mutable-images: RayService "rayservice"');
  });

  it("takes a policy config file with --config, like --policy-pack-config", async () => {
    const config = path.join(tmp, "lenient.json");
    fs.writeFileSync(config, JSON.stringify({ "no-mutable-images": { environment: "prod", enforcementLevel: "advisory" } }));
    const { code, stdout } = await cli([write(previewOf(withDevTag())), "--config", "lenient.json"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Policies: 10 run, 0 mandatory and 1 advisory violations");
  });

  it("reads the preview from stdin with -", async () => {
    const { code, stdout } = await cli(["-", "--stack", "dev"], JSON.stringify(previewOf(fixtureStack())));
    expect(code).toBe(0);
    expect(stdout).toContain("on stdin: 7 resources, stack dev,");
  });

  it("treats [secret] as masked, not as a plaintext secret", async () => {
    const stack = fixtureStack();
    at(find(stack, HELM_RELEASE).props, "spec", "values", "env").CHROMA_TOKEN = "[secret]";
    expect((await cli([write(previewOf(stack))])).code).toBe(0);
  });

  it("counts a replaced resource once and ignores deleted ones (pulumi preview --json --show-replacement-steps)", async () => {
    const stack = fixtureStack();
    at(find(stack, HELM_RELEASE).props, "spec", "values", "env").CHROMA_TOKEN = "not-a-real-token";
    const doc = previewOf(stack);
    const hr = doc.steps.find((s) => s.newState.type === HELM_RELEASE)!;
    doc.steps.push({ ...hr, op: "create-replacement" }, { ...hr, op: "delete-replaced" });
    const { stdout } = await cli([write(doc)]);
    expect(stdout).toContain("1 mandatory and 0 advisory violations");
  });

  it("warns when the preview leaves unchanged resources out", async () => {
    const { stderr } = await cli([write(previewOf(fixtureStack(), { changeSummary: { create: 7, same: 12 } }))]);
    expect(stderr).toBe(
      "warning: the preview leaves out 12 unchanged resources; cross-resource checks (ray-version-lockstep) see only the changed ones. Save it with `pulumi preview --json --show-sames`.\n",
    );
  });

  describe("exits 2 on a preview it cannot evaluate, instead of passing it having checked nothing", () => {
    const hint = "pass the JSON of a preview that succeeded, saved with `pulumi preview --json --show-sames`";

    it("no steps", async () => {
      const file = write(previewOf([]));
      const { code, stdout, stderr } = await cli([file, "--stack", "dev"]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toBe(`${file} has no steps: no resource could be read, so no policy can be evaluated; ${hint}\n`);
    });

    it("no steps because a preview without --show-sames left every unchanged resource out", async () => {
      const file = write(previewOf([], { changeSummary: { same: 12 } }));
      const { code, stderr } = await cli([file, "--stack", "dev"]);
      expect(code).toBe(2);
      expect(stderr).toBe(
        `${file} has no steps (its changeSummary counts 12 unchanged resources it leaves out): no resource could be read, so no policy can be evaluated; ${hint}\n`,
      );
    });

    it("steps without newState", async () => {
      const doc = previewOf(fixtureStack());
      const stripped = { ...doc, steps: doc.steps.map(({ op, urn }) => ({ op, urn })) };
      const file = write(stripped);
      const { code, stdout, stderr } = await cli([file, "--stack", "dev"]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toBe(
        `${file}: 7 of 7 steps have no newState (first: ${doc.steps[0].urn}), so the policies cannot read those resources; ${hint}\n`,
      );
    });

    it("one step without newState among readable ones", async () => {
      const doc = previewOf(fixtureStack());
      const hr = doc.steps.find((s) => s.newState.type === HELM_RELEASE)!;
      const steps: Record<string, unknown>[] = doc.steps.map((s) => (s === hr ? { op: "update", urn: s.urn } : s));
      const file = write({ ...doc, steps });
      const { code, stderr } = await cli([file, "--stack", "dev"]);
      expect(code).toBe(2);
      expect(stderr).toBe(
        `${file}: 1 of 7 steps have no newState (first: ${hr.urn}), so the policies cannot read that resource; ${hint}\n`,
      );
    });

    it("only deletions", async () => {
      const doc = previewOf(fixtureStack().slice(0, 2));
      const file = write({ ...doc, steps: doc.steps.map(({ urn }) => ({ op: "delete", urn })) });
      const { code, stderr } = await cli([file, "--stack", "dev"]);
      expect(code).toBe(2);
      expect(stderr).toBe(`${file} has 2 steps, all deletions: no resource could be read, so no policy can be evaluated; ${hint}\n`);
    });

    it("a preview of another program: reported as such, never passed", async () => {
      const doc = JSON.parse(JSON.stringify(previewOf(fixtureStack())).replaceAll("::face-ocr-platform::", "::billing-service::"));
      const file = write(doc);
      const { code, stdout, stderr } = await cli([file, "--stack", "dev"]);
      expect([code, stdout]).toEqual([2, ""]);
      expect(stderr).toBe(
        `${file} is a preview of project "billing-service" (${doc.steps[0].urn}), not of face-ocr-platform: these policies are written for this program's resources ` +
          "and would pass another program without checking it; pass a preview of this program (`pulumi preview --json --show-sames` in this repository)\n",
      );
    });

    it("but a deletion without newState next to readable resources is fine: there is nothing to check in it", async () => {
      const doc = previewOf(fixtureStack());
      const steps: Record<string, unknown>[] = [
        ...doc.steps,
        { op: "delete", urn: "urn:pulumi:dev::face-ocr-platform::kubernetes:core/v1:ConfigMap::old" },
      ];
      const { code, stdout } = await cli([write({ ...doc, steps })]);
      expect(code).toBe(0);
      expect(stdout).toContain(": 7 resources, stack dev (from the URNs)");
    });
  });

  it.each([
    ["a missing file", ["missing.json"], /^can't read .*missing\.json: ENOENT/],
    [
      "text that is not JSON",
      [write("Previewing update (dev):")],
      /is not JSON \(.*\); pass the output of `pulumi preview --json` or the offline plan's out\/<stack>\/preview.json\n$/,
    ],
    [
      "JSON without steps",
      [write({ resources: [] })],
      /is not a preview document: expected an object with a "steps" array, as `pulumi preview --json` prints\n$/,
    ],
    ["a missing --config file", [write(previewOf([])), "--config", "nope.json"], /^can't read policy config .*nope\.json: no such file\n$/],
    [
      "an unknown policy in the config",
      [write(previewOf([])), "--config", write({ "no-latest": "mandatory" })],
      /"no-latest" is not a policy of this pack; known: ray-version-lockstep, /,
    ],
    [
      "a bad enforcement level",
      [write(previewOf([])), "--config", write({ "pip-pins-quoted": "warn" })],
      /"pip-pins-quoted" has enforcement level "warn"; use advisory, mandatory or disabled\n$/,
    ],
    ["an unknown option", ["--stak", "dev", "x.json"], /Unknown option '--stak'/],
    ["no file", [], /^expected one preview file \(or - for stdin\), got 0\n/],
  ])("exits 2 on %s", async (_what, args, message) => {
    const { code, stderr } = await cli(args as string[]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message as RegExp);
  });
});

describe("npm run policy as a command", () => {
  it(
    "exits 0 on a clean preview file and 1 on a violation read from stdin, printing what runPolicyCli prints",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const file = write(previewOf(fixtureStack()));
      const stack = fixtureStack();
      at(find(stack, HELM_RELEASE).props, "spec", "values", "env").CHROMA_TOKEN = "not-a-real-token";
      const [clean, leaked] = await Promise.all([
        runCli("policies/cli.ts", [file]),
        runCli("policies/cli.ts", ["-", "--stack", "dev"], JSON.stringify(previewOf(stack))),
      ]);
      expect(clean).toEqual({
        code: 0,
        stdout:
          `Policy pack face-ocr-platform on ${file}: 7 resources, stack dev (from the URNs), policy config policies/config/dev.json\n` +
          "Policies: 10 run, 0 mandatory and 0 advisory violations\n",
        stderr: "",
      });
      expect(leaked.code).toBe(1);
      expect(leaked.stderr).toBe("");
      expect(leaked.stdout).toContain(
        "Policy pack face-ocr-platform on stdin: 7 resources, stack dev, policy config policies/config/dev.json\n",
      );
      expect(leaked.stdout).toContain("Policies: 10 run, 1 mandatory and 0 advisory violations\n");
      expect(leaked.stdout).not.toContain("not-a-real-token");
    },
  );
});
