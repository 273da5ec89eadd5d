import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { PROCESS_TEST_TIMEOUT, runCli } from "../cliProcess";
import { PROJECT_DIR } from "../harness";
import { helmRelease, withSpec } from "./fixtures";

const cache = fs.mkdtempSync(path.join(os.tmpdir(), "schema-cache-"));
process.env.FACE_OCR_CACHE_DIR = cache;
/** The tests load fresh copies of the cache modules; each copy that compiled something adds its own exit handler. */
const exitHandlers = process.listeners("exit");

afterAll(() => {
  delete process.env.FACE_OCR_CACHE_DIR;
  fs.rmSync(cache, { recursive: true, force: true });
  // The copies' handlers would write into the folder just removed: the worker keeps only its own.
  for (const handler of process.listeners("exit")) if (!exitHandlers.includes(handler)) process.removeListener("exit", handler);
});

const brokenHelmRelease = {
  apiVersion: "helm.toolkit.fluxcd.io/v2",
  kind: "HelmRelease",
  metadata: { name: "face-ocr-api", namespace: "default" },
  spec: { interval: 60, chart: { spec: { chart: "microservice", sourceRef: { kind: "HelmRepository", name: "s2t-acr-helm-repo" } } } },
};

async function freshValidate(object: object) {
  vi.resetModules();
  const { validateCustomResource } = await import("../../validation/crdSchemas");
  return validateCustomResource(object);
}

describe("the compiled-schema cache", () => {
  it("gives the same answer from a fresh compile and from the cached validator", async () => {
    const cold = await freshValidate(brokenHelmRelease);
    const files = fs.readdirSync(cache).sort();
    expect(files.map((f) => f.replace(/-[0-9a-f]{24}\./, "-<digest>."))).toEqual([
      "crd-helm.toolkit.fluxcd.io_helmreleases-v2-<digest>.json",
      "validate-helm.toolkit.fluxcd.io-v2-HelmRelease-<digest>.js",
    ]);
    const warm = await freshValidate(brokenHelmRelease);
    expect(cold).toEqual({ known: true, errors: [{ path: "spec.interval", reason: "must be string" }] });
    expect(warm).toEqual(cold);
  });

  it("loads the cached validator without compiling it again, from a cache folder outside the project", async () => {
    const validator = path.join(cache, fs.readdirSync(cache).find((f) => f.startsWith("validate-")) as string);
    const past = new Date("2020-01-01T00:00:00Z");
    fs.utimesSync(validator, past, past);
    expect(await freshValidate(brokenHelmRelease)).toEqual({ known: true, errors: [{ path: "spec.interval", reason: "must be string" }] });
    // A compile would have written the entry again.
    expect(fs.statSync(validator).mtime).toEqual(past);
  });

  it(
    "is all a later run loads: ajv's compiler and code generator only load for a schema that has to be compiled",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const own = fs.mkdtempSync(path.join(os.tmpdir(), "schema-cache-process-"));
      try {
        const entry = path.join(own, "validate.ts");
        fs.writeFileSync(
          entry,
          [
            `const { validateCustomResource } = require(${JSON.stringify(path.join(PROJECT_DIR, "validation", "crdSchemas"))});`,
            `const result = validateCustomResource(${JSON.stringify(brokenHelmRelease)});`,
            "const compiler = Object.keys(require.cache).filter((f) => /ajv[\\/]dist[\\/](core|standalone[\\/]index)\\.js$/.test(f)).length;",
            "console.log(JSON.stringify({ ...result, compiler }));",
            "",
          ].join("\n"),
        );
        const run = () => runCli(entry, [], undefined, { FACE_OCR_CACHE_DIR: path.join(own, "cache") });
        const errors = [{ path: "spec.interval", reason: "must be string" }];
        expect(await run()).toEqual({ code: 0, stdout: `${JSON.stringify({ known: true, errors, compiler: 2 })}\n`, stderr: "" });
        expect(await run()).toEqual({ code: 0, stdout: `${JSON.stringify({ known: true, errors, compiler: 0 })}\n`, stderr: "" });
      } finally {
        fs.rmSync(own, { recursive: true, force: true });
      }
    },
  );

  it("rebuilds a damaged cache entry", async () => {
    const validator = fs.readdirSync(cache).find((f) => f.startsWith("validate-"));
    expect(validator).toBeDefined();
    fs.writeFileSync(path.join(cache, validator as string), "this is not javascript");
    expect(await freshValidate(brokenHelmRelease)).toEqual({ known: true, errors: [{ path: "spec.interval", reason: "must be string" }] });
  });
});

describe("CEL rules from the cached schema", () => {
  it("are evaluated from a fresh conversion and from the cached one alike", async () => {
    const both = withSpec(helmRelease(), { chartRef: { kind: "OCIRepository", name: "face-ocr-api" } });
    const expected = { known: true, errors: [{ path: "spec", reason: "Invalid value: either chart or chartRef must be set" }] };
    fs.rmSync(cache, { recursive: true, force: true });
    expect(await freshValidate(both)).toEqual(expected);
    expect(fs.readdirSync(cache).filter((f) => f.startsWith("crd-helm.toolkit.fluxcd.io_helmreleases-v2-"))).toHaveLength(1);
    expect(await freshValidate(both)).toEqual(expected);
  });
});

describe("the findings of CEL rules", () => {
  it(
    "are kept for a later run, which loads no CEL library for an object it has seen, and evaluates an edited object or a damaged file afresh",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const own = fs.mkdtempSync(path.join(os.tmpdir(), "cel-findings-"));
      try {
        const bothCharts = withSpec(helmRelease(), { chartRef: { kind: "OCIRepository", name: "face-ocr-api" } });
        const entry = path.join(own, "validate.ts");
        fs.writeFileSync(
          entry,
          [
            `const { validateCustomResource } = require(${JSON.stringify(path.join(PROJECT_DIR, "validation", "crdSchemas"))});`,
            "const result = validateCustomResource(JSON.parse(process.argv[2]));",
            'const cel = Object.keys(require.cache).some((f) => f.includes(`${require("path").sep}@bufbuild${require("path").sep}cel${require("path").sep}`));',
            "console.log(JSON.stringify({ ...result, cel }));",
            "",
          ].join("\n"),
        );
        const cacheFolder = path.join(own, "cache");
        const run = (object: object) => runCli(entry, [JSON.stringify(object)], undefined, { FACE_OCR_CACHE_DIR: cacheFolder });
        const refused = { known: true, errors: [{ path: "spec", reason: "Invalid value: either chart or chartRef must be set" }] };
        const output = (result: object, cel: boolean) => ({ code: 0, stdout: `${JSON.stringify({ ...result, cel })}\n`, stderr: "" });

        expect(await run(bothCharts)).toEqual(output(refused, true));
        const file = path.join(cacheFolder, "cel-findings.json");
        expect((JSON.parse(fs.readFileSync(file, "utf8")) as { entries: unknown[] }).entries).toHaveLength(1);
        expect(await run(bothCharts)).toEqual(output(refused, false));
        // Another object is another key; the clean one is kept beside the first.
        expect(await run(helmRelease())).toEqual(output({ known: true, errors: [] }, true));
        expect((JSON.parse(fs.readFileSync(file, "utf8")) as { entries: unknown[] }).entries).toHaveLength(2);
        expect(await run(helmRelease())).toEqual(output({ known: true, errors: [] }, false));

        fs.writeFileSync(file, "{ not json");
        expect(await run(bothCharts)).toEqual(output(refused, true));
        expect((JSON.parse(fs.readFileSync(file, "utf8")) as { entries: unknown[] }).entries).toHaveLength(1);
        // An edited rule is another schema, so another key: the new message, not the kept one.
        const edited = path.join(own, "shared");
        fs.cpSync(path.join(PROJECT_DIR, "..", "shared"), edited, { recursive: true, dereference: true });
        const crd = path.join(edited, "crds", "helm.toolkit.fluxcd.io_helmreleases.yaml");
        fs.writeFileSync(
          crd,
          fs.readFileSync(crd, "utf8").replace("message: either chart or chartRef must be set", "message: fake edited message"),
        );
        expect(
          await runCli(entry, [JSON.stringify(bothCharts)], undefined, { FACE_OCR_CACHE_DIR: cacheFolder, FACE_OCR_SHARED_DIR: edited }),
        ).toEqual(output({ known: true, errors: [{ path: "spec", reason: "Invalid value: fake edited message" }] }, true));
        expect(await run(bothCharts)).toEqual(output(refused, false));

        // JSON of the wrong shape is damage too: the entry is evaluated again and written back whole.
        const stored = JSON.parse(fs.readFileSync(file, "utf8")) as { format: string; entries: [string, unknown][] };
        fs.writeFileSync(file, JSON.stringify({ ...stored, entries: stored.entries.map(([key]) => [key, { path: 1 }]) }));
        expect(await run(bothCharts)).toEqual(output(refused, true));
        expect((JSON.parse(fs.readFileSync(file, "utf8")) as { entries: [string, unknown][] }).entries[0][1]).toEqual(refused.errors);
      } finally {
        fs.rmSync(own, { recursive: true, force: true });
      }
    },
  );
});

describe("the findings cache in one process", () => {
  it("adds one exit handler however many cache folders and objects it sees, and writes each folder's file at exit with all its entries", async () => {
    // A fresh copy of the module: nothing unwritten yet.
    vi.resetModules();
    const { cachedCelFindings } = await import("../../validation/celFindingsCache");
    const folders = Array.from({ length: 12 }, () => fs.mkdtempSync(path.join(os.tmpdir(), "cel-findings-folder-")));
    const previous = process.env.FACE_OCR_CACHE_DIR;
    const listeners = process.listeners("exit");
    try {
      // The first folder is used again after the others, with another object: both of its entries are kept.
      [...folders, folders[0]].forEach((folder, i) => {
        process.env.FACE_OCR_CACHE_DIR = folder;
        expect(cachedCelFindings("fake-schema-digest", { n: i }, () => [{ path: "spec", reason: `fake ${i}` }])).toEqual([
          { path: "spec", reason: `fake ${i}` },
        ]);
      });
      const added = process.listeners("exit").filter((l) => !listeners.includes(l));
      expect(added).toHaveLength(1);
      (added[0] as () => void)();
      process.removeListener("exit", added[0]);
      expect(
        folders.map(
          (f) => (JSON.parse(fs.readFileSync(path.join(f, "cel-findings.json"), "utf8")) as { entries: unknown[] }).entries.length,
        ),
      ).toEqual(folders.map((_, i) => (i === 0 ? 2 : 1)));
    } finally {
      process.env.FACE_OCR_CACHE_DIR = previous;
      for (const f of folders) fs.rmSync(f, { recursive: true, force: true });
    }
  });
});

describe("the compiled azuredevops validators", () => {
  const BRANCH_POLICY = "azuredevops:index/branchPolicyBuildValidation:BranchPolicyBuildValidation";
  const idAsString = { projectId: "p", settings: { buildDefinitionId: "9001", displayName: "x", scopes: [{ repositoryId: "r" }] } };

  async function freshValidateInputs(token: string, inputs: object) {
    vi.resetModules();
    const { validateAzureDevOpsInputs } = await import("../../validation/azureDevOpsSchema");
    return validateAzureDevOpsInputs(token, inputs);
  }

  it("are cached under the resource's token, keyed by the schema file, and answer alike from the cache", async () => {
    const cold = await freshValidateInputs(BRANCH_POLICY, idAsString);
    expect(cold).toEqual({ known: true, errors: [{ path: "settings.buildDefinitionId", reason: "must be integer" }] });
    const entries = fs.readdirSync(cache).filter((f) => f.startsWith("validate-azuredevops-"));
    expect(entries.map((f) => f.replace(/-[0-9a-f]{24}\./, "-<digest>."))).toEqual([
      "validate-azuredevops-resource-azuredevops_index_branchPolicyBuildValidation_BranchPolicyBuildValidation-<digest>.js",
    ]);
    const entry = path.join(cache, entries[0]);
    const past = new Date("2020-01-01T00:00:00Z");
    fs.utimesSync(entry, past, past);
    expect(await freshValidateInputs(BRANCH_POLICY, idAsString)).toEqual(cold);
    expect(fs.statSync(entry).mtime).toEqual(past);
  });

  it("are not cached for a token the schema does not define", async () => {
    const before = fs.readdirSync(cache).length;
    expect(await freshValidateInputs("azuredevops:index/nope:Nope", {})).toEqual({ known: false, errors: [] });
    expect(fs.readdirSync(cache)).toHaveLength(before);
  });
});
