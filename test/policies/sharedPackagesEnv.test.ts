import { describe, expect, it } from "vitest";
import { sharedPackagesEnv } from "../../policies/rules/sharedPackagesEnv";
import { at, planResource, RAY_SERVICE, rayServiceProps } from "./fixtures";
import { messagesOf, violationsOf } from "./helpers";

const policy = sharedPackagesEnv();
const SPEC = ["spec", "rayClusterConfig", "workerGroupSpecs", 1, "template", "spec"] as const;
const ENV = [...SPEC, "containers", 0, "env"] as const;
const ENV_PATH = 'RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].env';
const IN = '(container "ray-worker" in worker group "gpu-worker-group")';

function rayService() {
  return planResource(RAY_SERVICE, "rayservice", rayServiceProps());
}

describe("shared-packages-env", () => {
  it("passes the GPU worker of Appendix D", async () => {
    expect(await violationsOf(policy, rayService())).toEqual([]);
  });

  it("rejects a worker without LD_LIBRARY_PATH", async () => {
    const rs = rayService();
    at(rs.props, ...ENV).splice(3, 1);
    expect(await messagesOf(policy, rs)).toEqual([
      `${ENV_PATH} ${IN} LD_LIBRARY_PATH is not set, so it lacks "/shared-packages/nvidia/cudnn/lib", but initContainer "install-heavy-deps" installs onnxruntime-gpu and cuDNN 9 into /shared-packages: ` +
        'ONNX Runtime can\'t load cuDNN and silently runs on CPU (deployment guide, Troubleshooting: "ONNX on CPU not GPU"). ' +
        'Set LD_LIBRARY_PATH to "/shared-packages/nvidia/cudnn/lib:/shared-packages/nvidia/cuda_runtime/lib".',
    ]);
  });

  it("rejects an LD_LIBRARY_PATH without the cuDNN directory", async () => {
    const rs = rayService();
    at(rs.props, ...ENV, 3).value = "/shared-packages/nvidia/cuda_runtime/lib";
    expect(await messagesOf(policy, rs)).toEqual([
      `${ENV_PATH}[3].value ${IN} LD_LIBRARY_PATH ("/shared-packages/nvidia/cuda_runtime/lib") has no entry "/shared-packages/nvidia/cudnn/lib", but initContainer "install-heavy-deps" installs onnxruntime-gpu and cuDNN 9 into /shared-packages: ` +
        'ONNX Runtime can\'t load cuDNN and silently runs on CPU (deployment guide, Troubleshooting: "ONNX on CPU not GPU"). ' +
        'Set LD_LIBRARY_PATH to "/shared-packages/nvidia/cudnn/lib:/shared-packages/nvidia/cuda_runtime/lib".',
    ]);
  });

  it("rejects a PYTHONPATH without /shared-packages", async () => {
    const rs = rayService();
    at(rs.props, ...ENV, 2).value = "/app";
    expect(await messagesOf(policy, rs)).toEqual([
      `${ENV_PATH}[2].value ${IN} PYTHONPATH ("/app") has no entry "/shared-packages", but initContainer "install-heavy-deps" installs the heavy packages into /shared-packages: ` +
        'the worker can\'t import them (deployment guide, "Environment Variables on GPU Worker"). Set PYTHONPATH to "/shared-packages:/app".',
    ]);
  });

  it("rejects a worker that does not mount the packages volume", async () => {
    const rs = rayService();
    at(rs.props, ...SPEC, "containers", 0).volumeMounts.splice(2, 1);
    expect(await messagesOf(policy, rs)).toEqual([
      'RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec (worker group "gpu-worker-group"): initContainer "install-heavy-deps" installs onnxruntime-gpu into volume "python-packages" (/shared-packages) but no container mounts that volume, so the worker never sees the packages. ' +
        'Mount "python-packages" at /shared-packages in the Ray container.',
    ]);
  });

  it("rejects an install target that is not a volume", async () => {
    const rs = rayService();
    at(rs.props, ...SPEC, "initContainers", 0).volumeMounts.splice(0, 1);
    expect(await messagesOf(policy, rs)).toEqual([
      'RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.initContainers[0].args[0] (initContainer "install-heavy-deps" in worker group "gpu-worker-group") installs onnxruntime-gpu into /shared-packages, which is not a volume mount of the initContainer: the packages vanish when it exits. ' +
        "Mount the shared emptyDir (python-packages) at /shared-packages in the initContainer and in the Ray container.",
    ]);
  });

  it("follows the worker's own mount path of the volume", async () => {
    const rs = rayService();
    at(rs.props, ...SPEC, "containers", 0, "volumeMounts", 2).mountPath = "/opt/pkgs";
    at(rs.props, ...ENV, 2).value = "/opt/pkgs:/app";
    at(rs.props, ...ENV, 3).value = "/opt/pkgs/nvidia/cudnn/lib";
    expect(await violationsOf(policy, rs)).toEqual([]);
  });

  it("does not apply when nothing installs onnxruntime-gpu", async () => {
    const rs = rayService();
    at(rs.props, ...SPEC, "initContainers", 0).args = ["pip install --target=/shared-packages torch"];
    at(rs.props, ...ENV).splice(2, 2);
    expect(await violationsOf(policy, rs)).toEqual([]);
  });

  it.each(["2Gi", "4Gi", "5000M"])("rejects a packages volume of %s, too small for the install", async (size) => {
    const rs = rayService();
    at(rs.props, ...SPEC, "volumes", 2, "emptyDir").sizeLimit = size;
    expect(await messagesOf(policy, rs)).toEqual([
      `RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.volumes[2].emptyDir.sizeLimit (volume "python-packages" in worker group "gpu-worker-group") is ${size}, ` +
        'but initContainer "install-heavy-deps" installs onnxruntime-gpu and the other heavy packages (~4-5 GB) into it at /shared-packages: ' +
        "the kubelet evicts the pod once the emptyDir outgrows its limit, so the worker never starts. " +
        "Set it to at least 6Gi (this project: `pulumi config set --path ray.gpuWorker.sharedPackagesSizeLimit 10Gi`).",
    ]);
  });

  it("accepts a packages volume of 6Gi or without a size limit", async () => {
    const rs = rayService();
    at(rs.props, ...SPEC, "volumes", 2, "emptyDir").sizeLimit = "6Gi";
    expect(await violationsOf(policy, rs)).toEqual([]);
    delete at(rs.props, ...SPEC, "volumes", 2, "emptyDir").sizeLimit;
    expect(await violationsOf(policy, rs)).toEqual([]);
  });
});

describe("shared-packages-env, with the packages in the image (base-image mode)", () => {
  it("rejects package paths left on the python-packages emptyDir once no initContainer fills it", async () => {
    const rs = rayService();
    at(rs.props, ...SPEC).initContainers = [];
    const unfilled = (name: string, index: number, entry: string) =>
      `${ENV_PATH}[${index}].value ${IN} ${name} names ${entry}, on emptyDir volume "python-packages", which no initContainer fills: it is empty when the container starts, ` +
      "so nothing is found there, and it hides whatever the image has at that path (a base image's packages). " +
      `With the packages in the image, point ${name} at the image's directory and drop the volume (ray.gpuWorker.heavyDependencies.mode: baseImage does both); ` +
      "otherwise install into the volume from an initContainer.";
    expect(await messagesOf(policy, rs)).toEqual([
      unfilled("PYTHONPATH", 2, "/shared-packages"),
      unfilled("LD_LIBRARY_PATH", 3, "/shared-packages/nvidia/cudnn/lib"),
    ]);
  });

  it("passes paths into the image's own directory, on no volume", async () => {
    const rs = rayService();
    const spec = at(rs.props, ...SPEC);
    spec.initContainers = [];
    spec.volumes = spec.volumes.filter((v: { name: string }) => v.name !== "python-packages");
    spec.containers[0].volumeMounts = spec.containers[0].volumeMounts.filter((m: { name: string }) => m.name !== "python-packages");
    spec.containers[0].env[2].value = "/opt/face-ocr/packages:/app";
    spec.containers[0].env[3].value = "/opt/face-ocr/packages/nvidia/cudnn/lib:/opt/face-ocr/packages/nvidia/cuda_runtime/lib";
    expect(await violationsOf(policy, rs)).toEqual([]);
  });
});
