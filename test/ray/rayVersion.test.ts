// One Ray version: a per-stack rayVersion override moves every Ray image of the RayService and
// rayClusterConfig.rayVersion, and nothing else. Likewise one CUDA tag: the initContainer's image and PyTorch's wheels.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as YAML from "yaml";
import { fakeDigest } from "../../plan/mocks";
import { runPlanCli } from "../../plan/cli";
import { runCliInProcess } from "../cliProcess";
import { loadIndex, runStack } from "../harness";
import { imagesIn, Loose, rayServiceOf, withoutImagesAndRayVersion } from "./fixtures";

let current: Loose;
let bumped: Loose;

beforeAll(async () => {
  current = rayServiceOf(await runStack());
  bumped = rayServiceOf(await runStack({ config: { rayVersion: "2.53.0" } }));
});

describe("rayVersion override", () => {
  it("the default stack renders the guide's three Ray images in ray-service.yaml and rayVersion at 2.52.0", () => {
    expect(imagesIn(current.spec)).toEqual([
      { path: ".rayClusterConfig.headGroupSpec.template.spec.containers[0].image", image: "rayproject/ray:2.52.0-py310" },
      { path: ".rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0].image", image: "rayproject/ray:2.52.0-py310" },
      {
        path: ".rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].image",
        image: `cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev@${fakeDigest("cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev")}`,
      },
      { path: ".rayClusterConfig.workerGroupSpecs[1].template.spec.initContainers[0].image", image: "rayproject/ray:2.52.0-py310-cu121" },
    ]);
    expect(current.spec.rayClusterConfig.rayVersion).toBe("2.52.0");
  });

  it("moves every Ray image and rayVersion to 2.53.0; the worker image (built by the pipeline) stays", () => {
    expect(imagesIn(bumped.spec)).toEqual([
      { path: ".rayClusterConfig.headGroupSpec.template.spec.containers[0].image", image: "rayproject/ray:2.53.0-py310" },
      { path: ".rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0].image", image: "rayproject/ray:2.53.0-py310" },
      {
        path: ".rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].image",
        image: `cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev@${fakeDigest("cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev")}`,
      },
      { path: ".rayClusterConfig.workerGroupSpecs[1].template.spec.initContainers[0].image", image: "rayproject/ray:2.53.0-py310-cu121" },
    ]);
    expect(bumped.spec.rayClusterConfig.rayVersion).toBe("2.53.0");
  });

  it("changes nothing else", () => {
    expect(withoutImagesAndRayVersion(bumped)).toEqual(withoutImagesAndRayVersion(current));
    expect(bumped).not.toEqual(current);
  });
});

describe("cudaTag override", () => {
  it("moves the initContainer's Ray image and PyTorch's wheel index together; no cu121 is left in the RayService", async () => {
    const cu124 = rayServiceOf(await runStack({ config: { cudaTag: "cu124" } }));
    const gpu = cu124.spec.rayClusterConfig.workerGroupSpecs[1];
    expect(gpu.template.spec.initContainers[0].image).toBe("rayproject/ray:2.52.0-py310-cu124");
    const script: string = gpu.template.spec.initContainers[0].args[0];
    expect(script).toContain("# [1/6] PyTorch + CUDA 12.4\n");
    expect(script).toContain(
      "pip install --target=/shared-packages --no-cache-dir \\\n  torch torchvision --index-url https://download.pytorch.org/whl/cu124\n",
    );
    expect(JSON.stringify(cu124)).not.toContain("cu121");
    expect(JSON.stringify(current)).toContain("/whl/cu121");
  });
});

describe("npm run plan -- --config rayVersion=2.53.0", () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-plan-"));
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  // The command's own code (plan/cli.ts), run in this process: test/plan/cli.test.ts starts it as a process.
  it("plans cleanly and renders no 2.52.0 anywhere in the RayService", async () => {
    const result = await runCliInProcess(runPlanCli, ["--config", "rayVersion=2.53.0", "--out", outDir], { loadProgram: loadIndex });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);

    const manifest = fs.readFileSync(path.join(outDir, "dev", "manifests", "ray", "rayservice-rayservice.yaml"), "utf8");
    expect(manifest).not.toContain("2.52.0");
    expect(manifest.match(/2\.53\.0/g)).toHaveLength(4);

    const preview = JSON.parse(fs.readFileSync(path.join(outDir, "dev", "preview.json"), "utf8")) as Loose;
    const steps = preview.steps.filter((s: Loose) => s.newState.type === "kubernetes:ray.io/v1:RayService");
    expect(steps).toHaveLength(1);
    const inputs = JSON.stringify(steps[0].newState.inputs);
    expect(inputs).not.toContain("2.52.0");
    expect(YAML.parse(manifest)).toEqual(steps[0].newState.inputs);
  }, 60_000);
});
