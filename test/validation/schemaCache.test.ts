import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { helmRelease, withSpec } from "./fixtures";

const cache = fs.mkdtempSync(path.join(os.tmpdir(), "schema-cache-"));
process.env.FACE_OCR_CACHE_DIR = cache;

afterAll(() => {
  delete process.env.FACE_OCR_CACHE_DIR;
  fs.rmSync(cache, { recursive: true, force: true });
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
