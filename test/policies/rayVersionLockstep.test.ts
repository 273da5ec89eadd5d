import { describe, expect, it } from "vitest";
import { rayVersionLockstep } from "../../policies/rules/rayVersionLockstep";
import { at, BUILD_DEFINITION, CONFIG_MAP, find, fixtureStack, HELM_RELEASE, planResource, RAY_SERVICE } from "./fixtures";
import { messagesOf, violationsOf } from "./helpers";

const policy = rayVersionLockstep();
const GROUPS = ["spec", "rayClusterConfig", "workerGroupSpecs"] as const;
const TAIL =
  `Head, workers, initContainer, pipeline RAY_VERSION and the API's ray[client] pin must carry one version, or Ray client and GCS handshakes fail (deployment guide, "Version Constraints"). ` +
  "Derive every place from the stack's `rayVersion` config key (default RAY_VERSION in config/rayVersion.ts): `pulumi config set rayVersion <MAJOR.MINOR.PATCH>`, and fix the place that does not follow it.";

const HEAD_IMAGE =
  'RayService "rayservice" spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].image (rayproject/ray:2.52.0-py310)';
const CPU_IMAGE =
  'RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0].image (rayproject/ray:2.52.0-py310)';
const INIT_IMAGE =
  'RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.initContainers[0].image (rayproject/ray:2.52.0-py310-cu121)';
const RAY_VERSION_FIELD = 'RayService "rayservice" spec.rayClusterConfig.rayVersion';
const WORKER_PIPELINE = 'BuildDefinition "face-ocr-worker" variables[0].value (RAY_VERSION=2.52.0)';
const API_PIPELINE = 'BuildDefinition "face-ocr-api" variables[0].value (RAY_VERSION=2.52.0)';
const API_PIN = 'BuildDefinition "face-ocr-api" variables[1].value (ray[client]==2.52.0)';

describe("ray-version-lockstep", () => {
  it("passes a stack where every place carries 2.52.0 and py310", async () => {
    expect(await violationsOf(policy, fixtureStack())).toEqual([]);
  });

  it("reports one violation listing every place when a worker group runs another Ray", async () => {
    const stack = fixtureStack();
    at(find(stack, RAY_SERVICE).props, ...GROUPS, 0, "template", "spec", "containers", 0).image = "rayproject/ray:2.51.0-py310";
    const violations = await violationsOf(policy, stack);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toEqual({
      policyName: "ray-version-lockstep",
      enforcementLevel: "mandatory",
      urn: undefined,
      message:
        `Ray version skew: 2 different Ray versions across 7 places: 2.52.0 at ${RAY_VERSION_FIELD}; ${HEAD_IMAGE}; ${INIT_IMAGE}; ${WORKER_PIPELINE}; ${API_PIPELINE}; ${API_PIN} | ` +
        `2.51.0 at RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0].image (rayproject/ray:2.51.0-py310). ${TAIL}`,
    });
  });

  it("catches a skewed initContainer image", async () => {
    const stack = fixtureStack();
    at(find(stack, RAY_SERVICE).props, ...GROUPS, 1, "template", "spec", "initContainers", 0).image = "rayproject/ray:2.53.0-py310-cu121";
    expect(await messagesOf(policy, stack)).toEqual([
      `Ray version skew: 2 different Ray versions across 7 places: 2.52.0 at ${RAY_VERSION_FIELD}; ${HEAD_IMAGE}; ${CPU_IMAGE}; ${WORKER_PIPELINE}; ${API_PIPELINE}; ${API_PIN} | ` +
        `2.53.0 at RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.initContainers[0].image (rayproject/ray:2.53.0-py310-cu121). ${TAIL}`,
    ]);
  });

  it("catches a pipeline RAY_VERSION off by a patch", async () => {
    const stack = fixtureStack();
    at(find(stack, BUILD_DEFINITION, "face-ocr-worker").props, "variables", 0).value = "2.52.1";
    expect(await messagesOf(policy, stack)).toEqual([
      `Ray version skew: 2 different Ray versions across 7 places: 2.52.0 at ${RAY_VERSION_FIELD}; ${HEAD_IMAGE}; ${CPU_IMAGE}; ${INIT_IMAGE}; ${API_PIPELINE}; ${API_PIN} | ` +
        `2.52.1 at BuildDefinition "face-ocr-worker" variables[0].value (RAY_VERSION=2.52.1). ${TAIL}`,
    ]);
  });

  it("catches rayClusterConfig.rayVersion that differs from the images", async () => {
    const stack = fixtureStack();
    at(find(stack, RAY_SERVICE).props, "spec", "rayClusterConfig").rayVersion = "2.50.0";
    expect(await messagesOf(policy, stack)).toEqual([
      `Ray version skew: 2 different Ray versions across 7 places: 2.52.0 at ${HEAD_IMAGE}; ${CPU_IMAGE}; ${INIT_IMAGE}; ${WORKER_PIPELINE}; ${API_PIPELINE}; ${API_PIN} | 2.50.0 at ${RAY_VERSION_FIELD}. ${TAIL}`,
    ]);
  });

  it("finds ray[client]== pins in any string, such as a HelmRelease env value", async () => {
    const stack = fixtureStack();
    at(find(stack, HELM_RELEASE).props, "spec", "values", "env").EXTRA_PIP = "pip install ray[client]==2.51.0 httpx";
    const [message] = await messagesOf(policy, stack);
    expect(message).toContain('| 2.51.0 at HelmRelease "face-ocr-api" spec.values.env.EXTRA_PIP (ray[client]==2.51.0).');
  });

  it("finds Ray images and RAY_VERSION build arguments inside longer strings", async () => {
    const stack = [
      ...fixtureStack(),
      planResource(CONFIG_MAP, "build-args", {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "build-args" },
        data: { args: "--build-arg RAY_VERSION=2.52.0", dockerfile: "FROM docker.io/rayproject/ray:2.49.0-py310-cu121\nUSER ray" },
      }),
    ];
    const [message] = await messagesOf(policy, stack);
    expect(message).toContain('ConfigMap "build-args" data.args (RAY_VERSION=2.52.0)');
    expect(message).toContain('| 2.49.0 at ConfigMap "build-args" data.dockerfile (docker.io/rayproject/ray:2.49.0-py310-cu121).');
  });

  it("flags a Python tag that differs between groups, separately from the Ray version", async () => {
    const stack = fixtureStack();
    at(find(stack, RAY_SERVICE).props, ...GROUPS, 0, "template", "spec", "containers", 0).image = "rayproject/ray:2.52.0-py311";
    expect(await messagesOf(policy, stack)).toEqual([
      `Python tag differs between Ray images: py310 at ${HEAD_IMAGE}; ${INIT_IMAGE} | py311 at RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0].image (rayproject/ray:2.52.0-py311). ` +
        "Every Ray node and the Ray client must run the same Python minor version. Build every Ray image from the stack's `pythonTag` config key (default DEFAULT_PYTHON_TAG in config/rayVersion.ts): `pulumi config set pythonTag <py3XX>`.",
    ]);
  });

  it("flags a Ray image whose tag names no version", async () => {
    const stack = fixtureStack();
    at(find(stack, RAY_SERVICE).props, "spec", "rayClusterConfig", "headGroupSpec", "template", "spec", "containers", 0).image =
      "rayproject/ray:latest";
    expect(await messagesOf(policy, stack)).toEqual([
      'RayService "rayservice" spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].image uses Ray image "rayproject/ray:latest", whose tag names no exact Ray version, so it can\'t be checked against the rest of the stack. ' +
        "Use a tag of the form rayproject/ray:<MAJOR.MINOR.PATCH>-<py3XX>[-<cuXXX>] composed from the stack's `rayVersion` and `pythonTag` config (config/imageRef.ts rayImage()).",
    ]);
  });

  it("ignores values it can't see: masked secrets and unknowns", async () => {
    const stack = fixtureStack();
    at(find(stack, BUILD_DEFINITION, "face-ocr-worker").props, "variables", 0).value = "[secret]";
    at(find(stack, RAY_SERVICE).props, "spec", "rayClusterConfig").rayVersion = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    at(find(stack, RAY_SERVICE).props, ...GROUPS, 0, "template", "spec", "containers", 0).image = "[unknown]";
    expect(await violationsOf(policy, stack)).toEqual([]);
  });

  it("does not mistake other ray-named packages or documentation links for pins or images", async () => {
    const stack = fixtureStack();
    at(find(stack, HELM_RELEASE).props, "spec", "values", "env").NOTES =
      "xray==1.0 ray-cpp==2.40.0 https://hub.docker.com/r/rayproject/ray";
    expect(await violationsOf(policy, stack)).toEqual([]);
  });

  it("reports a CUDA tag skew between the CUDA Ray image and the PyTorch wheel index", async () => {
    const stack = fixtureStack();
    const init = at(find(stack, RAY_SERVICE).props, ...GROUPS, 1, "template", "spec", "initContainers", 0);
    init.args[0] = (init.args[0] as string).replace("download.pytorch.org/whl/cu121", "download.pytorch.org/whl/cu118");
    expect(await messagesOf(policy, stack)).toEqual([
      `CUDA tag differs between the CUDA Ray images and the PyTorch wheel index: cu121 at ${INIT_IMAGE} | ` +
        'cu118 at RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.initContainers[0].args[0] (PyTorch index cu118). ' +
        "PyTorch's wheels must be built for the CUDA the GPU images carry, or torch can't initialise CUDA on the worker. " +
        "Derive both from the stack's `cudaTag` config key (default DEFAULT_CUDA_TAG in config/rayVersion.ts): `pulumi config set cudaTag <cuXXX>`.",
    ]);
  });

  it.each([
    ["another Ray project repository", "rayproject/ray-ml:2.51.0-py310-gpu"],
    ["a registry mirror path", "myacr.azurecr.io/dockerhub/rayproject/ray:2.51.0-py310"],
    ["a registry host with a digest", `myacr.azurecr.io/rayproject/ray:2.51.0-py310@sha256:${"b".repeat(64)}`],
  ])("sees a skewed Ray image from %s", async (_, image) => {
    const stack = fixtureStack();
    at(find(stack, RAY_SERVICE).props, ...GROUPS, 0, "template", "spec", "containers", 0).image = image;
    expect(await messagesOf(policy, stack)).toEqual([
      `Ray version skew: 2 different Ray versions across 7 places: 2.52.0 at ${RAY_VERSION_FIELD}; ${HEAD_IMAGE}; ${INIT_IMAGE}; ${WORKER_PIPELINE}; ${API_PIPELINE}; ${API_PIN} | ` +
        `2.51.0 at RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0].image (${image}). ${TAIL}`,
    ]);
  });
});
