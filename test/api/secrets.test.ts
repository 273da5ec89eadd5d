// Secrets by reference: DATABASE_URL (with the DB password), CHROMA_TOKEN and DOSASHOP_KEY enter as
// `pulumi config set --secret`, stay secret Outputs, land in one Kubernetes Secret and reach the chart
// through HelmRelease valuesFrom. None of them may appear in clear in what Pulumi records or the plan writes.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadStackConfig } from "../../config/load";
import { offlinePlan } from "../../plan/offlinePlan";
import { runProgram } from "../../plan/runProgram";
import { SECRET_MASK } from "../../plan/secrets";
import { buildPlanConfig } from "../../plan/stackConfigFile";
import { loadIndex, overridesFrom, PROJECT_DIR, RecordedRun, runStack } from "../harness";
import { FAKE_AWKWARD_PASSWORD, FAKE_SECRETS, inputsOf, leakForms, Loose, TYPES } from "./fixtures";

const FAKES = Object.values(FAKE_SECRETS);

describe("recorded inputs and outputs", () => {
  let run: RecordedRun;
  beforeAll(async () => {
    run = await runStack({ secrets: FAKE_SECRETS });
  });

  it("the fake secrets did reach the program (so the absence checks below mean something)", () => {
    const stringData = run.one(TYPES.secret, "api-secret-env").plainInputs.stringData as Record<string, string>;
    expect(Object.values(stringData).join("\n")).toContain(FAKE_SECRETS.databasePassword);
    expect(Object.values(stringData)).toEqual(expect.arrayContaining([FAKE_SECRETS.chromaToken, FAKE_SECRETS.dosashopKey]));
  });

  it("no fake secret appears in clear in any resource's recorded inputs or in the stack outputs", () => {
    const recorded = JSON.stringify({ inputs: run.resources.map((r) => r.inputs), outputs: run.outputs });
    for (const leak of leakForms(FAKES)) expect(recorded).not.toContain(leak);
  });

  it("the Secret's values are recorded as [secret]", () => {
    expect(inputsOf(run.one(TYPES.secret, "api-secret-env")).stringData).toBe(SECRET_MASK);
  });

  it("the HelmRelease holds no secret at all, masked or not: it stays readable in the plan", () => {
    const release = run.one(TYPES.helmRelease);
    expect(JSON.stringify(release.inputs)).not.toContain(SECRET_MASK);
    expect(release.plainInputs).toEqual(release.inputs);
  });

  it("the Secret is in the HelmRelease's namespace (helm-controller reads valuesFrom only there) and every valuesFrom Secret is that one", () => {
    const secret = run.one(TYPES.secret, "api-secret-env").plainInputs as Loose;
    const release = inputsOf(run.one(TYPES.helmRelease));
    expect(secret.metadata.namespace).toBe(release.metadata.namespace);
    const secretRefs = release.spec.valuesFrom.filter((v: { kind: string }) => v.kind === "Secret");
    expect(new Set(secretRefs.map((v: { name: string }) => v.name))).toEqual(new Set([secret.metadata.name]));
    expect(secretRefs.map((v: { valuesKey: string }) => v.valuesKey).sort()).toEqual(Object.keys(secret.stringData).sort());
    expect(run.one(TYPES.helmRelease).dependencies).toContain(run.one(TYPES.secret, "api-secret-env").urn);
  });

  it("a password with URL-special characters is percent-encoded in DATABASE_URL, and leaks in neither form", async () => {
    const awkward = await runStack({ secrets: { ...FAKE_SECRETS, databasePassword: FAKE_AWKWARD_PASSWORD } });
    const stringData = awkward.one(TYPES.secret, "api-secret-env").plainInputs.stringData as Record<string, string>;
    expect(stringData.DATABASE_URL).toBe(
      "postgresql://postgres:fake-p%40ss%3Aw%2Frd%3F%23%25%2C123@postgres.cyber.svc.cluster.local:5432/face-ocr-db",
    );
    expect(new URL(stringData.DATABASE_URL).password).toBe(encodeURIComponent(FAKE_AWKWARD_PASSWORD));
    expect(decodeURIComponent(new URL(stringData.DATABASE_URL).password)).toBe(FAKE_AWKWARD_PASSWORD);
    const recorded = JSON.stringify({ inputs: awkward.resources.map((r) => r.inputs), outputs: awkward.outputs });
    for (const leak of leakForms([FAKE_AWKWARD_PASSWORD])) expect(recorded).not.toContain(leak);
  });
});

describe("the offline plan, end to end", () => {
  let outDir: string;
  beforeAll(() => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), "face-ocr-api-plan-"));
  });
  afterAll(() => {
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  function filesUnder(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? filesUnder(full) : [full];
    });
  }

  it("writes no fake secret, in any form, anywhere under the out dir", async () => {
    const result = await offlinePlan({
      projectDir: PROJECT_DIR,
      stack: "dev",
      overrides: overridesFrom({ secrets: FAKE_SECRETS }),
      outDir,
      program: await loadIndex(),
    });
    if (result.kind !== "planned") throw new Error(`the plan did not run: ${result.message}`);
    const files = filesUnder(outDir);
    // The plan did write the API release: the check below is over real output.
    const relative = files.map((f) => path.relative(outDir, f));
    expect(relative).toEqual(
      expect.arrayContaining([
        "dev/preview.json",
        "dev/manifests/default/helmrelease-face-ocr-api.yaml",
        "dev/manifests/default/secret-face-ocr-api-secret-env.yaml",
      ]),
    );
    for (const file of files) {
      const text = fs.readFileSync(file, "utf8");
      for (const leak of leakForms(FAKES)) expect(text, `${path.relative(outDir, file)} holds a secret`).not.toContain(leak);
    }
    expect(fs.readFileSync(path.join(outDir, "dev/manifests/default/secret-face-ocr-api-secret-env.yaml"), "utf8")).toContain(SECRET_MASK);
  });
});

describe("a missing secret under a real run", () => {
  it("stops with the exact `pulumi config set --secret` command, naming every missing key", async () => {
    // buildPlanConfig fills missing secrets with placeholders, as the offline plan must; a real `pulumi up`
    // has no such fallback, so take the placeholders out again.
    const planConfig = buildPlanConfig(PROJECT_DIR, "dev", []);
    const config = { ...planConfig.config };
    for (const key of planConfig.placeholders) delete config[key];
    const secretKeys = planConfig.secretKeys.filter((k) => !planConfig.placeholders.includes(k));
    expect(planConfig.placeholders).toEqual(
      expect.arrayContaining(["face-ocr-platform:chromaToken", "face-ocr-platform:databasePassword", "face-ocr-platform:dosashopKey"]),
    );

    const run = runProgram({ stack: "dev", config, secretKeys, program: () => loadStackConfig() });
    await expect(run).rejects.toThrow(
      "  - databasePassword is missing (password of the face-ocr-api PostgreSQL user; composed into DATABASE_URL); " +
        "set it with `pulumi config set --secret databasePassword <value> --stack dev`",
    );
    await expect(run).rejects.toThrow(
      "  - chromaToken is missing (face-ocr-api CHROMA_TOKEN, the ChromaDB auth token); set it with `pulumi config set --secret chromaToken <value> --stack dev`",
    );
    await expect(run).rejects.toThrow(
      "  - dosashopKey is missing (face-ocr-api DOSASHOP_KEY, the DOSASHOP blob storage key); set it with `pulumi config set --secret dosashopKey <value> --stack dev`",
    );
    await expect(run).rejects.toThrow(/^Invalid config for stack "dev":/);
  });

  it("with only the database password missing, names only that key", async () => {
    const planConfig = buildPlanConfig(PROJECT_DIR, "dev", overridesFrom({ secrets: FAKE_SECRETS }));
    const config = { ...planConfig.config };
    delete config["face-ocr-platform:databasePassword"];
    const run = runProgram({ stack: "dev", config, secretKeys: planConfig.secretKeys, program: () => loadStackConfig() });
    const error = await run.then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error?.message.split("\n").filter((l) => l.includes("pulumi config set --secret"))).toEqual([
      "  - databasePassword is missing (password of the face-ocr-api PostgreSQL user; composed into DATABASE_URL); " +
        "set it with `pulumi config set --secret databasePassword <value> --stack dev`",
    ]);
  });
});
