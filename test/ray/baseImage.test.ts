// Base-image mode: the face-ocr-worker-base Dockerfile generated from the heavy-dependency steps (order, pins, the
// fixes), its content-hash tag, and the GPU group that runs on it (no install initContainer, no python-packages).
import { DockerfileParser, Keyword } from "dockerfile-ast";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE_IMAGE_PACKAGES_DIR, baseImageDockerfile, BaseImageInputs, baseImageTag } from "../../components/ray/baseImage";
import { heavyDependencies, pinnedSteps } from "../../components/ray/heavyDependencies";
import { offlinePlan, OfflinePlanResult } from "../../plan/offlinePlan";
import { fakeDigest } from "../../plan/mocks";
import { loadIndex, PROJECT_DIR } from "../harness";
import { Loose } from "./fixtures";

const inputs = (over: Partial<BaseImageInputs> = {}, pins: Record<string, string> = {}): BaseImageInputs => ({
  rayVersion: "2.52.0",
  pythonTag: "py310",
  cudaTag: over.cudaTag ?? "cu121",
  steps: pinnedSteps(heavyDependencies(over.cudaTag ?? "cu121"), "baseImage", pins),
  ...over,
});
const text = baseImageDockerfile(inputs());
const dockerfile = DockerfileParser.parse(text);
const instructions = dockerfile.getInstructions().map((i) => [i.getKeyword(), i.getArgumentsContent() ?? ""] as const);
// A continued RUN reads as one command; the parser keeps the continuation's indentation.
const runs = instructions.filter(([k]) => k === "RUN").map(([, args]) => args.replace(/\s{2,}/g, " "));
const T = BASE_IMAGE_PACKAGES_DIR;

describe("the base image's Dockerfile", () => {
  it("parses (dockerfile-ast) into known instructions only, FROM the stack's CUDA Ray image", () => {
    const known = new Set<string>(Object.values(Keyword));
    expect(instructions.map(([k]) => k).filter((k) => !known.has(k))).toEqual([]);
    expect(dockerfile.getFROMs().map((f) => [f.getImageName(), f.getImageTag()])).toEqual([["rayproject/ray", "2.52.0-py310-cu121"]]);
    expect(instructions[0][0]).toBe("FROM");
  });

  it("installs the steps in order, every requirement exact, into its own directory as the ray user", () => {
    const pip = `pip install --target=${T} --no-cache-dir`;
    expect(runs.slice(0, 6)).toEqual([
      `mkdir -p ${T} && chown ray:users ${T}`,
      `${pip} torch==2.5.1 torchvision==0.20.1 --index-url https://download.pytorch.org/whl/cu121`,
      `${pip} paddlepaddle-gpu==2.6.2 paddleocr==2.7.3`,
      `${pip} easyocr==1.7.2`,
      `${pip} onnxruntime-gpu==1.20.2 nvidia-cudnn-cu12==9.1.0.70 numpy==1.26.4`,
      `${pip} opencv-python-headless==4.8.1.78`,
    ]);
    const users = instructions.filter(([k]) => k === "USER").map(([, u]) => u);
    expect(users).toEqual(["root", "ray"]);
  });

  it("then the guide's fixes, after every install: numpy re-pinned with --upgrade, protobuf and click removed", () => {
    expect(runs.slice(6, 9)).toEqual([
      `pip install --target=${T} --no-cache-dir --upgrade numpy==1.26.4`,
      `rm -rf ${T}/protobuf* ${T}/google/protobuf* ${T}/google-*.dist-info 2>/dev/null || true`,
      `rm -rf ${T}/click* ${T}/click-*.dist-info 2>/dev/null || true`,
    ]);
  });

  it("then the import checks, with the packages on PYTHONPATH, and cv2 optional", () => {
    expect(runs.slice(9)).toEqual([
      `python -c "import torch; print('PyTorch:', torch.__version__)"`,
      `python -c "import paddle; print('PaddlePaddle:', paddle.__version__)"`,
      `python -c "import onnxruntime; print('ONNX Runtime:', onnxruntime.__version__)"`,
      `python -c "import cv2; print('OpenCV:', cv2.__version__)" || echo "cv2 skipped"`,
    ]);
    const env = dockerfile.getENVs().flatMap((e) => e.getProperties().map((p) => [p.getName(), p.getValue()]));
    expect(env).toEqual([
      ["PYTHONPATH", `${T}:/app`],
      ["LD_LIBRARY_PATH", `${T}/nvidia/cudnn/lib:${T}/nvidia/cuda_runtime/lib`],
    ]);
    const envLine = instructions.findIndex(([k]) => k === "ENV");
    expect(instructions.findIndex(([k, a]) => k === "RUN" && a.startsWith("python -c"))).toBeGreaterThan(envLine);
  });

  it("is refused for a requirement that is not exact", () => {
    const loose = inputs({ steps: pinnedSteps(heavyDependencies("cu121"), "initContainer", {}) });
    expect(() => baseImageDockerfile(loose)).toThrow('base image: heavy dependency "torch" is not pinned exactly (torch)');
  });
});

describe("the base image's tag", () => {
  const tag = baseImageTag(inputs());

  it("is the Ray image's tag and 12 hex digits of a hash of what it installs, and names itself in the Dockerfile", () => {
    expect(tag).toMatch(/^2\.52\.0-py310-cu121-[0-9a-f]{12}$/);
    expect(text).toContain(`org.opencontainers.image.version="${tag}"`);
  });

  it("changes with a pin, the Ray version, the Python tag or the CUDA tag, and with nothing else", () => {
    expect(baseImageTag(inputs())).toBe(tag);
    const others = [
      baseImageTag(inputs({}, { easyocr: "1.7.1" })),
      baseImageTag(inputs({ rayVersion: "2.53.0" })),
      baseImageTag(inputs({ pythonTag: "py311" })),
      baseImageTag(inputs({ cudaTag: "cu124" })),
    ];
    expect(new Set([tag, ...others]).size).toBe(5);
  });
});

describe("the GPU group in base-image mode (npm run plan -- --config ray.gpuWorker.heavyDependencies.mode=baseImage)", () => {
  let result: Extract<OfflinePlanResult, { kind: "planned" }>;
  // The shared stack owns the worker's pipelines, so its plan writes the base's files; dev's runs on the base.
  let shared: Extract<OfflinePlanResult, { kind: "planned" }>;
  let group: Loose;
  const WORKER = "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev";

  beforeAll(async () => {
    const program = await loadIndex();
    // One at a time: the mock runtime is one per process.
    const plans: Extract<OfflinePlanResult, { kind: "planned" }>[] = [];
    for (const stack of ["dev", "shared"]) {
      const planned = await offlinePlan({
        projectDir: PROJECT_DIR,
        stack,
        overrides: [{ key: "ray.gpuWorker.heavyDependencies.mode", value: "baseImage", secret: false }],
        program,
      });
      if (planned.kind !== "planned") throw new Error(planned.message);
      plans.push(planned);
    }
    [result, shared] = plans;
    const rayService = result.run.resources.find((r) => r.type === "kubernetes:ray.io/v1:RayService") as { inputs: Loose };
    group = (rayService.inputs.spec.rayClusterConfig.workerGroupSpecs as Loose[]).find((g) => g.groupName === "gpu-worker-group");
  });

  it("is valid against the CRD and breaks no policy", () => {
    expect([result.exitCode, result.schema.findings, result.policy.violations]).toEqual([0, [], []]);
  });

  it("has no install initContainer: only download-models, on the worker image, writing only the model cache", () => {
    const image = `${WORKER}@${fakeDigest(WORKER)}`;
    expect(group.template.spec.initContainers.map((c: Loose) => [c.name, c.image, c.imagePullPolicy, c.volumeMounts])).toEqual([
      ["download-models", image, "IfNotPresent", [{ mountPath: "/tmp/models", name: "model-cache" }]],
    ]);
    const script: string = group.template.spec.initContainers[0].args[0];
    expect(script).not.toContain("pip install");
    expect(script).toContain('wget -q -O "/tmp/models/w600k_r50.onnx.part-$HOSTNAME"');
  });

  it("has no python-packages emptyDir, and the worker's paths follow the base image's layout", () => {
    expect(group.template.spec.volumes.map((v: Loose) => v.name)).toEqual(["log-volume", "model-cache"]);
    const [worker] = group.template.spec.containers;
    expect(worker.volumeMounts.map((m: Loose) => m.mountPath)).toEqual(["/tmp/ray", "/tmp/models"]);
    expect(worker.env.filter((e: Loose) => ["PYTHONPATH", "LD_LIBRARY_PATH"].includes(e.name))).toEqual([
      { name: "PYTHONPATH", value: `${T}:/app` },
      { name: "LD_LIBRARY_PATH", value: `${T}/nvidia/cudnn/lib:${T}/nvidia/cuda_runtime/lib` },
    ]);
  });

  it("writes the base's Dockerfile and pipeline into the worker repository's base/, from the shared stack", () => {
    expect(Object.keys(shared.generatedFiles).filter((f) => f.startsWith("app-repos/face-ocr-worker/"))).toEqual([
      "app-repos/face-ocr-worker/azure-pipelines.yaml",
      "app-repos/face-ocr-worker/base/Dockerfile",
      "app-repos/face-ocr-worker/base/azure-pipelines.yaml",
    ]);
    expect(shared.generatedFiles["app-repos/face-ocr-worker/base/Dockerfile"]).toBe(text);
    expect(Object.keys(result.generatedFiles).filter((f) => f.startsWith("app-repos/"))).toEqual([]);
  });
});
