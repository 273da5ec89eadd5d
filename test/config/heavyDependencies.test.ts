// ray.gpuWorker.heavyDependencies: the mode and the stack's exact pins, and what each mode refuses.
import { describe, expect, it } from "vitest";
import { heavyDependencies, pinnedSteps, requirementSpec } from "../../components/ray/heavyDependencies";
import { parseStackConfig } from "../../config/parse";
import { heavyDependencyPinIssues } from "../../config/sections/heavyDependencies";
import { EXAMPLE_CLUSTER, MINIMAL_SERVE_APP, minimalStackConfig } from "../harness";

const HEAVY = "torch, torchvision, paddlepaddle-gpu, paddleocr, easyocr, onnxruntime-gpu, nvidia-cudnn-cu12, numpy, opencv-python-headless";

function problems(heavyDependencies: unknown, environment = "prod"): string[] | "ok" {
  const result = parseStackConfig({
    environment,
    cluster: EXAMPLE_CLUSTER,
    registry: { resourceGroupName: "rg-test" },
    ray: { serve: { applications: [MINIMAL_SERVE_APP] }, gpuWorker: { image: { tag: "20260114.3" }, heavyDependencies } },
    // A prod stack runs the app's production profile (config/stackConfig.ts).
    ...(environment === "prod" ? { api: { env: { ENVIRONMENT: "production" } } } : {}),
  });
  return result.ok ? "ok" : result.problems;
}

describe("ray.gpuWorker.heavyDependencies", () => {
  it("defaults to the live initContainer and no stack pins", () => {
    const result = parseStackConfig(minimalStackConfig());
    expect(result.ok && result.config.ray.gpuWorker.heavyDependencies).toEqual({ mode: "initContainer", pins: {} });
  });

  it("takes base-image mode in prod: every step of the list has an exact pin", () => {
    expect(problems({ mode: "baseImage" })).toBe("ok");
  });

  it("refuses another mode, naming the key, the value and what is allowed", () => {
    expect(problems({ mode: "sidecar" })).toEqual([
      'ray.gpuWorker.heavyDependencies.mode = "sidecar": expected "initContainer" or "baseImage"; set it with `pulumi config set --path ray.gpuWorker.heavyDependencies.mode <value>`',
    ]);
  });

  it("refuses a pin that is a range, not one version", () => {
    expect(problems({ mode: "baseImage", pins: { easyocr: ">=1.7" } })).toEqual([
      'ray.gpuWorker.heavyDependencies.pins.easyocr = ">=1.7": expected one exact version such as "1.7.2" (no ==, >= or *); set it with `pulumi config set --path ray.gpuWorker.heavyDependencies.pins.easyocr <value>`',
    ]);
  });

  it("refuses a pin of a package that is not a heavy dependency, with the command that removes it", () => {
    expect(problems({ pins: { requests: "2.32.3" } })).toEqual([
      `ray.gpuWorker.heavyDependencies.pins.requests = "2.32.3": "requests" is not a heavy dependency (components/ray/heavyDependencies.ts lists ${HEAVY}); remove it with \`pulumi config rm --path ray.gpuWorker.heavyDependencies.pins.requests\``,
    ]);
  });

  it("in base-image mode, refuses a requirement without an exact version, naming the key that pins it", () => {
    const requirements = [{ name: "torch", pin: "2.5.1" }, { name: "insightface" }];
    expect(heavyDependencyPinIssues({ mode: "baseImage", pins: {} }, requirements)).toEqual([
      {
        path: ["pins", "insightface"],
        input: undefined,
        message:
          "base-image mode bakes insightface into face-ocr-worker-base, so it needs one exact version; give it a pin in components/ray/heavyDependencies.ts, or for this stack",
      },
    ]);
    expect(heavyDependencyPinIssues({ mode: "baseImage", pins: { insightface: "0.7.3" } }, requirements)).toEqual([]);
    expect(heavyDependencyPinIssues({ mode: "initContainer", pins: {} }, requirements)).toEqual([]);
  });
});

describe("pinnedSteps", () => {
  const specs = (steps: ReturnType<typeof pinnedSteps>) => steps.flatMap((s) => s.requirements.map(requirementSpec));

  it("leaves the initContainer's specifiers as the live script has them, unless the stack pins a package", () => {
    expect(specs(pinnedSteps(heavyDependencies("cu121"), "initContainer", {}))).toEqual(specs(heavyDependencies("cu121")));
    expect(specs(pinnedSteps(heavyDependencies("cu121"), "initContainer", { easyocr: "1.7.1" }))).toContain("easyocr==1.7.1");
  });

  it("makes every requirement exact in base-image mode, a stack pin over the list's", () => {
    expect(specs(pinnedSteps(heavyDependencies("cu121"), "baseImage", { torch: "2.4.1" }))).toEqual([
      "torch==2.4.1",
      "torchvision==0.20.1",
      "paddlepaddle-gpu==2.6.2",
      "paddleocr==2.7.3",
      "easyocr==1.7.2",
      "onnxruntime-gpu==1.20.2",
      "nvidia-cudnn-cu12==9.1.0.70",
      "numpy==1.26.4",
      "opencv-python-headless==4.8.1.78",
    ]);
  });
});
