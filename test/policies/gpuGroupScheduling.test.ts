import { describe, expect, it } from "vitest";
import { gpuGroupScheduling } from "../../policies/rules/gpuGroupScheduling";
import { at, DEPLOYMENT, planResource, RAY_SERVICE, rayServiceProps } from "./fixtures";
import { messagesOf, violationsOf } from "./helpers";

const policy = gpuGroupScheduling();
const GPU_GROUP = ["spec", "rayClusterConfig", "workerGroupSpecs", 1] as const;
const WHERE = 'RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1] (worker group "gpu-worker-group")';
const GPUS_KEY = " In this stack set `ray.gpuWorker.gpus`, which sets num-gpus and the nvidia.com/gpu limit and request together.";

function rayService() {
  return planResource(RAY_SERVICE, "rayservice", rayServiceProps());
}

describe("gpu-group-scheduling", () => {
  it("passes the GPU group of Appendix D", async () => {
    expect(await violationsOf(policy, rayService())).toEqual([]);
  });

  it("rejects a GPU group whose Ray container has no GPU limit", async () => {
    const rs = rayService();
    const resources = at(rs.props, ...GPU_GROUP, "template", "spec", "containers", 0, "resources");
    delete resources.limits["nvidia.com/gpu"];
    delete resources.requests["nvidia.com/gpu"];
    expect(await messagesOf(policy, rs)).toEqual([
      `${WHERE} rayStartParams["num-gpus"] is "1" but container "ray-worker" has no resources.limits["nvidia.com/gpu"]: ` +
        'Kubernetes gives the pod no GPU while Ray advertises 1, so GPU actors start and fall back to CPU or fail. Set resources.limits["nvidia.com/gpu"] (and requests) to 1.' +
        GPUS_KEY,
    ]);
  });

  it("rejects num-gpus that differs from the GPU limit", async () => {
    const rs = rayService();
    at(rs.props, ...GPU_GROUP, "rayStartParams")["num-gpus"] = "2";
    expect(await messagesOf(policy, rs)).toEqual([
      `${WHERE} rayStartParams["num-gpus"] is "2" but container "ray-worker" has resources.limits["nvidia.com/gpu"] 1: ` +
        "Ray schedules actors on GPUs the pod does not have (or leaves allocated GPUs idle). Make both the same number." +
        GPUS_KEY,
    ]);
  });

  it("rejects a GPU request that differs from num-gpus", async () => {
    const rs = rayService();
    at(rs.props, ...GPU_GROUP, "template", "spec", "containers", 0, "resources", "requests")["nvidia.com/gpu"] = "2";
    expect(await messagesOf(policy, rs)).toEqual([
      `${WHERE} rayStartParams["num-gpus"] is "1" but container "ray-worker" has resources.requests["nvidia.com/gpu"] 2: ` +
        "Ray schedules actors on GPUs the pod does not have (or leaves allocated GPUs idle). Make both the same number." +
        GPUS_KEY,
    ]);
  });

  it("rejects a GPU group without the nvidia.com/gpu toleration", async () => {
    const rs = rayService();
    at(rs.props, ...GPU_GROUP, "template", "spec").tolerations.splice(1, 1);
    expect(await messagesOf(policy, rs)).toEqual([
      `${WHERE} requests GPUs but has no toleration for the nvidia.com/gpu taint (key "nvidia.com/gpu", operator Exists, effect NoSchedule), ` +
        "so it can't schedule on the tainted GPU nodes and stays Pending. Add it to template.spec.tolerations (deployment guide, Appendix D): " +
        "stack config `ray.gpuWorker.tolerations` (a list; setting it replaces the defaults).",
    ]);
  });

  it("does not count a PreferNoSchedule-only toleration", async () => {
    const rs = rayService();
    at(rs.props, ...GPU_GROUP, "template", "spec", "tolerations", 1).effect = "PreferNoSchedule";
    expect(await messagesOf(policy, rs)).toHaveLength(1);
  });

  it("rejects num-gpus that is not a whole number", async () => {
    const rs = rayService();
    at(rs.props, ...GPU_GROUP, "rayStartParams")["num-gpus"] = "one";
    expect(await messagesOf(policy, rs)).toEqual([
      `${WHERE} rayStartParams["num-gpus"] is "one", not a whole number: set it to the number of GPUs each worker pod gets, such as "1".`,
    ]);
  });

  it("requires the toleration for any pod that limits GPUs", async () => {
    const d = planResource(DEPLOYMENT, "gpu-job", {
      spec: { template: { spec: { containers: [{ name: "c", image: "x:1", resources: { limits: { "nvidia.com/gpu": 1 } } }] } } },
    });
    expect(await messagesOf(policy, d)).toEqual([
      'Deployment "gpu-job" spec.template.spec (pod template) requests GPUs but has no toleration for the nvidia.com/gpu taint (key "nvidia.com/gpu", operator Exists, effect NoSchedule), ' +
        "so it can't schedule on the tainted GPU nodes and stays Pending. Add it to template.spec.tolerations (deployment guide, Appendix D).",
    ]);
  });
});
