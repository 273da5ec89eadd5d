import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it, vi } from "vitest";

const cache = fs.mkdtempSync(path.join(os.tmpdir(), "cel-cache-"));
process.env.FACE_OCR_CACHE_DIR = cache;

afterAll(() => {
  delete process.env.FACE_OCR_CACHE_DIR;
  fs.rmSync(cache, { recursive: true, force: true });
});

const bothChartAndChartRef = {
  apiVersion: "helm.toolkit.fluxcd.io/v2",
  kind: "HelmRelease",
  metadata: { name: "face-ocr-api", namespace: "default" },
  spec: {
    interval: "1m",
    chart: { spec: { chart: "microservice", sourceRef: { kind: "HelmRepository", name: "s2t-acr-helm-repo" } } },
    chartRef: { kind: "OCIRepository", name: "face-ocr-api" },
  },
};

async function freshValidate(object: object) {
  vi.resetModules();
  const { validateCustomResource } = await import("../../validation/crdSchemas");
  return validateCustomResource(object);
}

describe("CEL rules and the schema cache", () => {
  it("evaluates the rules from a freshly converted schema and from the cached conversion alike", async () => {
    const expected = { known: true, errors: [{ path: "spec", reason: "Invalid value: either chart or chartRef must be set" }] };
    expect(await freshValidate(bothChartAndChartRef)).toEqual(expected);
    expect(fs.readdirSync(cache).filter((f) => f.startsWith("crd-helm.toolkit.fluxcd.io_helmreleases-v2-"))).toHaveLength(1);
    expect(await freshValidate(bothChartAndChartRef)).toEqual(expected);
  });
});
