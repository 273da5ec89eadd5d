import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../config/parse";
import { INSTALL_CONTAINER_RESOURCES, RAY_GROUP_CONFIG_KEYS } from "../../policies/lib/hints";
import { EXAMPLE_CLUSTER, MINIMAL_SERVE_APP, runStack } from "../harness";

/** `{a: {b: v}}` from "a.b" and v. */
function nested(path: string, value: unknown): Record<string, unknown> {
  return path
    .split(".")
    .reverse()
    .reduce<unknown>((v, k) => ({ [k]: v }), value) as Record<string, unknown>;
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] =
      v && typeof v === "object" && !Array.isArray(v) && typeof out[k] === "object"
        ? merge(out[k] as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** The keys without a default: the registry's resource group, the GPU worker image and one Serve application. */
const BASE = {
  cluster: EXAMPLE_CLUSTER,
  registry: { resourceGroupName: "rg-for-tests", kubeletPrincipalId: "00000000-0000-0000-0000-000000000000" },
  ray: { serve: { applications: [{ ...MINIMAL_SERVE_APP }] }, gpuWorker: { image: { tag: "build-1" } } },
};

describe("the config keys policy messages name", () => {
  const keys = [
    ...Object.values(RAY_GROUP_CONFIG_KEYS).map((g) => [`${g}.resources.limits.memory`, "12Gi"] as const),
    [`${INSTALL_CONTAINER_RESOURCES.key}.requests.cpu`, "1"] as const,
    ["ray.gpuWorker.gpus", 1] as const,
    ["ray.gpuWorker.tolerations", []] as const,
    ["ray.gpuWorker.image.tag", "build-42"] as const,
    ["ray.gpuWorker.image.digest", `sha256:${"a".repeat(64)}`] as const,
    ["rayVersion", "2.52.0"] as const,
    ["pythonTag", "py310"] as const,
  ];

  it.each(keys)("%s exists in the stack config schema", (key, value) => {
    const result = parseStackConfig(merge(BASE, nested(key, value)));
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it("names the groups and initContainer the Ray component renders", async () => {
    const run = await runStack();
    const rayService = run.one("kubernetes:ray.io/v1:RayService").plainInputs as {
      spec: {
        rayClusterConfig: { workerGroupSpecs: { groupName: string; template: { spec: { initContainers?: { name: string }[] } } }[] };
      };
    };
    const groups = rayService.spec.rayClusterConfig.workerGroupSpecs;
    expect(groups.map((g) => g.groupName).sort()).toEqual(
      Object.keys(RAY_GROUP_CONFIG_KEYS)
        .filter((k) => k !== "head")
        .sort(),
    );
    const install = groups.find((g) => g.groupName === INSTALL_CONTAINER_RESOURCES.group);
    expect(install?.template.spec.initContainers?.map((c) => c.name)).toContain(INSTALL_CONTAINER_RESOURCES.container);
  });
});
