import { describe, expect, it } from "vitest";
import { containerResources } from "../../policies/rules/containerResources";
import { at, DEPLOYMENT, planResource, RAY_SERVICE, rayServiceProps } from "./fixtures";
import { messagesOf, violationsOf } from "./helpers";

const policy = containerResources();
const GPU_SPEC = ["spec", "rayClusterConfig", "workerGroupSpecs", 1, "template", "spec"] as const;
const WHY =
  "without requests the scheduler packs pods onto a node that can't hold them, and without a memory limit one leaking Ray worker or pip install can take the node's memory and get other pods evicted. " +
  "Set resources.requests.cpu, resources.requests.memory and resources.limits.memory on it ";
const viaConfig = (key: string, field: string) => `(stack config ${key}: \`pulumi config set --path ${key}.${field} <quantity>\`).`;

function rayService() {
  return planResource(RAY_SERVICE, "rayservice", rayServiceProps());
}

describe("container-resources", () => {
  it("passes the RayService where every container and initContainer is sized", async () => {
    expect(await violationsOf(policy, rayService())).toEqual([]);
  });

  it("rejects a GPU worker without a memory limit", async () => {
    const rs = rayService();
    delete at(rs.props, ...GPU_SPEC, "containers", 0, "resources", "limits").memory;
    expect(await messagesOf(policy, rs)).toEqual([
      'RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].resources (container "ray-worker" in worker group "gpu-worker-group") has no limits.memory: ' +
        WHY +
        viaConfig("ray.gpuWorker.resources", "limits.memory"),
    ]);
  });

  it("rejects an initContainer without requests", async () => {
    const rs = rayService();
    delete at(rs.props, ...GPU_SPEC, "initContainers", 0, "resources").requests;
    expect(await messagesOf(policy, rs)).toEqual([
      'RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.initContainers[0].resources (initContainer "install-heavy-deps" in worker group "gpu-worker-group") has no requests.cpu, requests.memory: ' +
        WHY +
        viaConfig("ray.gpuWorker.installResources", "requests.cpu"),
    ]);
  });

  it("rejects a head container with no resources at all", async () => {
    const rs = rayService();
    delete at(rs.props, "spec", "rayClusterConfig", "headGroupSpec", "template", "spec", "containers", 0).resources;
    expect(await messagesOf(policy, rs)).toEqual([
      'RayService "rayservice" spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].resources (container "ray-node" in head group) has no requests.cpu, requests.memory, limits.memory: ' +
        WHY +
        viaConfig("ray.head.resources", "requests.cpu"),
    ]);
  });

  it("rejects a memory limit below the request", async () => {
    const rs = rayService();
    at(rs.props, ...GPU_SPEC, "containers", 0, "resources", "limits").memory = "2Gi";
    expect(await messagesOf(policy, rs)).toEqual([
      'RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].resources (container "ray-worker" in worker group "gpu-worker-group") has resources.requests.memory 4Gi above resources.limits.memory 2Gi, which Kubernetes rejects: ' +
        "raise the limit to at least the request or lower the request (stack config ray.gpuWorker.resources: `pulumi config set --path ray.gpuWorker.resources.limits.memory 4Gi`).",
    ]);
  });

  it.each([
    ["cpu", "8"],
    ["nvidia.com/gpu", "2"],
    ["ephemeral-storage", "20Gi"],
  ])("rejects a %s request above its limit", async (resource, request) => {
    const rs = rayService();
    const resources = at(rs.props, ...GPU_SPEC, "containers", 0, "resources");
    resources.limits[resource] = resource === "ephemeral-storage" ? "10Gi" : resources.limits[resource];
    resources.requests[resource] = request;
    const limit = String(resources.limits[resource]);
    expect(await messagesOf(policy, rs)).toEqual([
      `RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].resources (container "ray-worker" in worker group "gpu-worker-group") has resources.requests.${resource} ${request} above resources.limits.${resource} ${limit}, which Kubernetes rejects: ` +
        `raise the limit to at least the request or lower the request (stack config ray.gpuWorker.resources: \`pulumi config set --path ray.gpuWorker.resources.limits.${resource} ${request}\`).`,
    ]);
  });

  it("checks core workloads", async () => {
    const d = planResource(DEPLOYMENT, "api", {
      spec: {
        template: { spec: { containers: [{ name: "api", image: "x:1", resources: { requests: { cpu: "250m", memory: "512Mi" } } }] } },
      },
    });
    expect(await messagesOf(policy, d)).toEqual([
      'Deployment "api" spec.template.spec.containers[0].resources (container "api" in pod template) has no limits.memory: ' +
        WHY +
        "(in the component that renders it).",
    ]);
  });
});
