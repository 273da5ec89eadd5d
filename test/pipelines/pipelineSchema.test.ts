import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_OK, offlinePlan } from "../../plan/offlinePlan";
import {
  AzurePipelinesSchema,
  compileAzurePipelinesSchema,
  expandTemplateInsertions,
  parsePipelineYaml,
  validatePipelineYaml,
} from "../../validation/azurePipelinesSchema";
import { loadIndex, PROJECT_DIR } from "../harness";

// Microsoft's schema takes seconds to compile: once for this file (and once per machine, with the module cache).
let schema: AzurePipelinesSchema;
beforeAll(() => {
  schema = compileAzurePipelinesSchema();
}, 120_000);

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "pipeline-schema-"));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

const platformYaml = fs.readFileSync(path.join(PROJECT_DIR, "azure-pipelines.yml"), "utf8");

/** The platform pipeline with one edit; throws if the text to replace is not there, so a test cannot pass on an unedited file. */
function platformWith(from: string | RegExp, to: string): string {
  const edited = platformYaml.replace(from, to);
  if (edited === platformYaml) throw new Error(`azure-pipelines.yml has no ${String(from)}`);
  return edited;
}

describe("pipeline YAML the program writes or owns, against Microsoft's schema", () => {
  it("accepts the platform's own azure-pipelines.yml", () => {
    expect(validatePipelineYaml(schema, platformYaml)).toEqual([]);
  });

  // The shared stack owns the build pipelines, so its plan writes their YAML (an environment stack's writes none).
  it("accepts every app pipeline the shared stack's plan writes under out/shared/app-repos", async () => {
    const result = await offlinePlan({ projectDir: PROJECT_DIR, stack: "shared", overrides: [], outDir, program: await loadIndex() });
    expect(result.exitCode).toBe(EXIT_OK);
    const appRepos = path.join(outDir, "shared", "app-repos");
    const files = fs
      .readdirSync(appRepos, { recursive: true, encoding: "utf8" })
      .filter((f) => /azure-pipelines\.ya?ml$/.test(f))
      .sort();
    expect(files).toEqual([path.join("face-ocr-api", "azure-pipelines.yaml"), path.join("face-ocr-worker", "azure-pipelines.yaml")]);
    for (const file of files) {
      expect({ file, findings: validatePipelineYaml(schema, fs.readFileSync(path.join(appRepos, file), "utf8")) }).toEqual({
        file,
        findings: [],
      });
    }
  }, 60_000);

  it("accepts the app repositories' copies that check-app-repo's tests start from", () => {
    const fixtures = path.join(PROJECT_DIR, "test", "fixtures", "app-repos");
    const repos = fs
      .readdirSync(fixtures, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(repos).toEqual(["face-ocr-api", "face-ocr-worker"]);
    for (const repo of repos) {
      const text = fs.readFileSync(path.join(fixtures, repo, "azure-pipelines.yaml"), "utf8");
      expect({ repo, findings: validatePipelineYaml(schema, text) }).toEqual({ repo, findings: [] });
    }
  });
});

describe("a broken pipeline", () => {
  it("fails an unknown key in a step at the step's path", () => {
    const text = platformWith("displayName: Node $(NODE_VERSION)", "displayNam: Node $(NODE_VERSION)");
    expect(validatePipelineYaml(schema, text)).toEqual([
      { path: "stages[0].jobs[0].steps[2].displayNam", reason: "unknown field (not in the schema)" },
    ]);
  });

  it("fails an unknown task input", () => {
    const text = platformWith("versionSpec: $(NODE_VERSION)", "versionSpecc: $(NODE_VERSION)");
    expect(validatePipelineYaml(schema, text)).toEqual([
      { path: "stages[0].jobs[0].steps[2].inputs.versionSpecc", reason: "unknown field (not in the schema)" },
    ]);
  });

  it("fails a trigger of the wrong type, naming every form a trigger may take", () => {
    const text = platformWith(/^trigger:\n(?: {2}.*\n)+/m, "trigger:\n  - name: main\n");
    expect(validatePipelineYaml(schema, text)).toEqual([{ path: "trigger[0]", reason: "must be string" }]);
    const scalar = platformWith(/^trigger:\n(?: {2}.*\n)+/m, "trigger: main\n");
    expect(validatePipelineYaml(schema, scalar)).toEqual([
      { path: "trigger", reason: 'must match pattern "^none$" or must be array or must be object' },
    ]);
  });

  it("fails an unknown top-level key", () => {
    expect(validatePipelineYaml(schema, platformWith(/^pool:$/m, "pools:"))).toEqual([
      { path: "pools", reason: "unknown field (not in the schema)" },
    ]);
  });

  it("reads scalars as Azure Pipelines does, as strings: `batch: false` is a boolean, `batch: sometimes` is not", () => {
    expect(parsePipelineYaml("trigger:\n  batch: true\nsteps:\n  - script: x\n    retryCountOnTaskFailure: 2\n")).toEqual({
      trigger: { batch: "true" },
      steps: [{ script: "x", retryCountOnTaskFailure: "2" }],
    });
    expect(validatePipelineYaml(schema, platformWith("batch: false", "batch: sometimes"))).toEqual([
      {
        path: "trigger.batch",
        reason: [
          'must match pattern "^true$"',
          'must match pattern "^y$"',
          'must match pattern "^yes$"',
          'must match pattern "^on$"',
          'must match pattern "^false$"',
          'must match pattern "^n$"',
          'must match pattern "^no$"',
          'must match pattern "^off$"',
        ].join(" or "),
      },
    ]);
  });

  it("fails text that is not YAML", () => {
    expect(validatePipelineYaml(schema, "steps: [\n")).toEqual([
      { path: "", reason: expect.stringMatching(/^not valid YAML: Flow sequence in block collection must be sufficiently indented/) },
    ]);
  });
});

describe("the compiled schema", () => {
  it("is cached as a module that gives the same findings as a fresh compile", () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "pipeline-schema-cache-"));
    const previous = process.env.FACE_OCR_CACHE_DIR;
    process.env.FACE_OCR_CACHE_DIR = cache;
    try {
      const fresh = compileAzurePipelinesSchema();
      expect(fs.readdirSync(cache).map((f) => f.replace(/-[0-9a-f]{24}\./, "-<digest>."))).toEqual([
        "validate-azure-pipelines-<digest>.js",
      ]);
      const cached = compileAzurePipelinesSchema();
      expect(cached.pipeline).not.toBe(fresh.pipeline);
      expect(cached.forms).toHaveLength(fresh.forms.length);
      const broken = platformWith("displayName: Node $(NODE_VERSION)", "displayNam: Node $(NODE_VERSION)");
      for (const text of [platformYaml, broken]) expect(validatePipelineYaml(cached, text)).toEqual(validatePipelineYaml(fresh, text));
      expect(validatePipelineYaml(cached, broken)).toEqual([
        { path: "stages[0].jobs[0].steps[2].displayNam", reason: "unknown field (not in the schema)" },
      ]);
    } finally {
      if (previous === undefined) delete process.env.FACE_OCR_CACHE_DIR;
      else process.env.FACE_OCR_CACHE_DIR = previous;
      fs.rmSync(cache, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("template expressions", () => {
  it("splices an insertion's steps into the list it stands in, so each body step is validated", () => {
    expect(
      expandTemplateInsertions({
        steps: [{ script: "a" }, { "${{ each s in parameters.stacks }}": [{ script: "b ${{ s }}" }, { script: "c" }] }, { script: "d" }],
      }),
    ).toEqual({ steps: [{ script: "a" }, { script: "b ${{ s }}" }, { script: "c" }, { script: "d" }] });
    const broken = platformWith("displayName: pulumi preview (${{ stack }})", "displayname: pulumi preview (${{ stack }})");
    expect(validatePipelineYaml(schema, broken)).toEqual([
      { path: "stages[1].jobs[0].steps[1].displayname", reason: "unknown field (not in the schema)" },
    ]);
  });

  it("merges an insertion inside a mapping into that mapping, and refuses one whose body is not a mapping", () => {
    expect(expandTemplateInsertions({ variables: { A: "1", "${{ if eq(parameters.x, true) }}": { B: "2" } } })).toEqual({
      variables: { A: "1", B: "2" },
    });
    expect(validatePipelineYaml(schema, "variables:\n  ${{ if true }}:\n    - name: A\n      value: b\nsteps:\n  - script: x\n")).toEqual([
      { path: "", reason: "variables.${{ if true }}: a template insertion inside a mapping must hold a mapping" },
    ]);
  });

  it("validates a value that is an expression as the string it is before expansion", () => {
    const text = "parameters:\n  - name: cmd\n    type: string\n    default: x\nsteps:\n  - script: ${{ parameters.cmd }}\n";
    expect(validatePipelineYaml(schema, text)).toEqual([]);
  });
});
