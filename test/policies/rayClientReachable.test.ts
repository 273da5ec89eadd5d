import { describe, expect, it } from "vitest";
import { rayClientReachable } from "../../policies/rules/rayClientReachable";
import { at, find, fixtureStack, HELM_RELEASE, RAY_SERVICE } from "./fixtures";
import { messagesOf, violationsOf } from "./helpers";

const policy = rayClientReachable();
const HEAD = ["spec", "rayClusterConfig", "headGroupSpec"] as const;
const HEAD_PORTS = [
  { name: "gcs-server", containerPort: 6379 },
  { name: "dashboard", containerPort: 8265 },
  { name: "client", containerPort: 10001 },
  { name: "serve", containerPort: 8000 },
];

function stackWithPorts(ports = HEAD_PORTS) {
  const stack = fixtureStack();
  at(find(stack, RAY_SERVICE).props, ...HEAD, "template", "spec", "containers", 0).ports = ports.map((p) => ({ ...p }));
  return stack;
}

describe("ray-client-reachable", () => {
  it("passes the head with its client port and the API's RAY_ADDRESS on it, and a head that lists no ports (KubeRay's defaults)", async () => {
    expect(await violationsOf(policy, stackWithPorts())).toEqual([]);
    expect(await violationsOf(policy, fixtureStack())).toEqual([]);
  });

  it("rejects a head whose ports leave out the Ray Client port", async () => {
    const stack = stackWithPorts(HEAD_PORTS.filter((p) => p.name !== "client"));
    expect(await messagesOf(policy, stack)).toEqual([
      'RayService "rayservice" spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].ports lists the ports 6379, 8265, 8000 but not the Ray Client port 10001: ' +
        "KubeRay builds the head Service from these ports, so the API's ray://...:10001 connection is refused. " +
        'Add { name: "client", containerPort: 10001 } (this project: components/ray/ports.ts).',
    ]);
  });

  it("rejects a RAY_ADDRESS whose port is not the head's client port", async () => {
    const stack = stackWithPorts();
    at(find(stack, HELM_RELEASE).props, "spec", "values", "env").RAY_ADDRESS = "ray://rayservice-head-svc.ray.svc.cluster.local:10002";
    expect(await messagesOf(policy, stack)).toEqual([
      'HelmRelease "face-ocr-api" spec.values.env.RAY_ADDRESS (RAY_ADDRESS) is "ray://rayservice-head-svc.ray.svc.cluster.local:10002", port 10002, but the Ray head serves Ray Client on 10001: ' +
        "the API cannot connect. Derive RAY_ADDRESS from the head's client port (this project: components/ray/naming.ts and ports.ts) instead of writing it.",
    ]);
  });

  it("follows a head that moves its client port: the old RAY_ADDRESS and the ports are then wrong", async () => {
    const stack = stackWithPorts();
    at(find(stack, RAY_SERVICE).props, ...HEAD, "rayStartParams")["ray-client-server-port"] = "10010";
    expect((await messagesOf(policy, stack)).map((m) => m.slice(0, m.indexOf(":")))).toEqual([
      'RayService "rayservice" spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].ports lists the ports 6379, 8265, 10001, 8000 but not the Ray Client port 10010',
      'HelmRelease "face-ocr-api" spec.values.env.RAY_ADDRESS (RAY_ADDRESS) is "ray',
    ]);
  });
});
