// docs/api.md names stack outputs, plan files, config keys and a command: each one must exist, so the adoption steps
// can be followed as written.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { adopt } from "../../adopt/adopt";
import { stackConfigFromStrings } from "../../config/parse";
import { secretKeyNames } from "../../config/secrets";
import { offlinePlan } from "../../plan/offlinePlan";
import { buildPlanConfig } from "../../plan/stackConfigFile";
import { loadIndex, overridesFrom, PROJECT_DIR, SINGLE_STACK_DIR } from "../harness";

const DOC = fs.readFileSync(path.join(PROJECT_DIR, "docs/api.md"), "utf8");
const PROJECT = "face-ocr-platform";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "api-docs-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function devConfig(config: Record<string, unknown> = {}) {
  const plan = buildPlanConfig(PROJECT_DIR, "dev", overridesFrom({ config }));
  return stackConfigFromStrings(plan.config, PROJECT, plan.secretKeys, "dev");
}

describe("docs/api.md", () => {
  it("names only stack outputs, generated files and plan files that the dev plan produces", async () => {
    const result = await offlinePlan({ projectDir: PROJECT_DIR, stack: "dev", overrides: [], outDir: tmp, program: await loadIndex() });
    if (result.kind !== "planned") throw new Error(result.message);
    const outputs = result.run.outputs;

    const named = [...DOC.matchAll(/pulumi stack output (\w+)/g)].map((m) => m[1]);
    expect(named).toContain("generatedFiles");
    for (const output of named) expect(Object.keys(outputs), `pulumi stack output ${output}`).toContain(output);

    const generated = outputs.generatedFiles as Record<string, string>;
    const keys = [...DOC.matchAll(/"(gitops\/draft-deployment\/[^"]+)"/g)].map((m) => m[1]);
    expect(keys).toEqual(["gitops/draft-deployment/dev/face-ocr-api-image-tag.yaml"]);
    for (const key of keys) expect(Object.keys(generated)).toContain(key);

    const files = [...new Set([...DOC.matchAll(/\bout\/dev\/([\w./-]+\.ya?ml)\b/g)].map((m) => m[1]))];
    expect(files).toEqual(["manifests/default/helmrelease-face-ocr-api.yaml", "gitops/draft-deployment/dev/face-ocr-api-image-tag.yaml"]);
    for (const file of files) expect(fs.existsSync(path.join(tmp, "dev", file)), `out/dev/${file}`).toBe(true);
    expect(fs.readFileSync(path.join(tmp, "dev", "gitops/draft-deployment/dev/face-ocr-api-image-tag.yaml"), "utf8")).toBe(
      generated["gitops/draft-deployment/dev/face-ocr-api-image-tag.yaml"],
    );
  });

  it("names only secret keys that config/secrets.ts reads", () => {
    const named = [...DOC.matchAll(/pulumi config set --secret ([\w|]+)/g)].flatMap((m) => m[1].split("|"));
    expect(named.length).toBeGreaterThan(0);
    for (const key of named.filter((k) => k !== "KEY")) expect(secretKeyNames(), key).toContain(key);
  });

  it("sets only api config paths the schema accepts, with the values it shows", () => {
    const commands = [...DOC.matchAll(/pulumi config set --path (api\.[\w.]+) (?:\\\n\s*)?([^\s`\\]+)/g)].map((m) => [m[1], m[2]] as const);
    expect(commands.map(([key]) => key)).toEqual([
      "api.env.CHROMA_COLLECTION",
      "api.env.JOB_TTL_SECONDS",
      "api.extraEnv.LOG_LEVEL",
      "api.extraEnv.WORKERS",
      "api.helmRepository.mode",
      "api.imageAutomation.initialTag",
    ]);
    for (const [key, shown] of commands) {
      // The initial tag is read from the cluster; use a tag of the pipeline's shape.
      const value = shown.startsWith('"$(') ? "1.0.0-alpha.1770916300" : shown;
      const result = devConfig({ [key]: value });
      expect(result.ok ? [] : result.problems, `pulumi config set --path ${key} ${shown}`).toEqual([]);
    }
  });

  it("imports from the file npm run adopt writes: the namespace and the release under the component api", async () => {
    expect(DOC).toContain("`pulumi import --file out/dev/import.json`");
    const adopted = await adopt({
      projectDir: SINGLE_STACK_DIR,
      stack: "dev",
      liveDir: path.join(PROJECT_DIR, "test/fixtures/live"),
      program: await loadIndex(),
    });
    expect(adopted.importPlan.file.resources.filter((r) => r.parent === "api").map((r) => [r.type, r.id])).toEqual([
      ["kubernetes:core/v1:Namespace", "cyber"],
      ["kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease", "default/face-ocr-api"],
    ]);
  }, 60_000);
});
