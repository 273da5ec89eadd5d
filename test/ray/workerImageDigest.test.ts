// The worker image resolved to a digest at deploy time: which lookup the program makes (or none), through which
// provider, and that a new build behind the same tag changes the worker's image and nothing else.
import { describe, expect, it } from "vitest";
import { checkedDigest } from "../../components/registry/imageDigest";
import { fakeDigest, REGISTRY_IMAGE_INVOKE } from "../../plan/mocks";
import { devStackSection, RecordedRun, runStack } from "../harness";
import { workerGroupOf } from "./fixtures";

const WORKER = "cybersmartstg.azurecr.io/data-ai/face-ocr-worker";
const PROVIDER = "pulumi:providers:docker";
const digestOf = (hex: string) => `sha256:${hex.repeat(64 / hex.length)}`;

/** Paths (a.b[0].c) at which two values differ. */
function differences(a: unknown, b: unknown, path = ""): string[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    return Array.from({ length: n }, (_, i) => differences(a[i], b[i], `${path}[${i}]`)).flat();
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) =>
      differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k),
    );
  }
  return a === b ? [] : [path];
}

function answering(digest: string) {
  return {
    [REGISTRY_IMAGE_INVOKE]: (args: Record<string, unknown>) => ({ id: String(args.name), name: String(args.name), sha256Digest: digest }),
  };
}

describe("resolving the worker image", () => {
  it("the dev stack asks the registry once for :dev, through a docker provider for the registry's login server", async () => {
    const run = await runStack();
    expect(run.invokes.filter((i) => i.token === REGISTRY_IMAGE_INVOKE).map((i) => i.args)).toEqual([{ name: `${WORKER}:dev` }]);
    const provider = run.one(PROVIDER);
    expect([provider.name, provider.parent?.split("::").pop()]).toEqual(["registry-reader", "registry"]);
    expect(provider.inputs.registryAuth).toEqual(JSON.stringify([{ address: "cybersmartstg.azurecr.io" }]));
  });

  it("a stack with an explicit digest makes no lookup and has no docker provider", async () => {
    const digest = digestOf("ab");
    const ray = devStackSection("ray");
    const run = await runStack({ config: { ray: { ...ray, gpuWorker: { ...(ray.gpuWorker as object), image: { digest } } } } });
    expect(run.invokes.filter((i) => i.token.startsWith("docker:"))).toEqual([]);
    expect(run.ofType(PROVIDER)).toEqual([]);
    expect(workerGroupOf(run, "gpu-worker-group").template.spec.containers[0].image).toBe(`${WORKER}@${digest}`);
  });

  it("offline, the digest is the mock's: 48 zeros, then 16 hex digits of the image name", () => {
    expect(fakeDigest(`${WORKER}:dev`)).toMatch(/^sha256:0{48}[0-9a-f]{16}$/);
    expect(fakeDigest(`${WORKER}:dev`)).not.toBe(fakeDigest(`${WORKER}:20260114.3`));
  });

  it("a new build behind the tag changes exactly the worker container's image, in the RayService only", async () => {
    const before: RecordedRun = await runStack({ invokes: answering(digestOf("1a")) });
    const after: RecordedRun = await runStack({ invokes: answering(digestOf("2b")) });
    expect(after.resources.map((r) => r.urn)).toEqual(before.resources.map((r) => r.urn));
    const changed = after.resources.flatMap((r, i) =>
      differences(before.resources[i].inputs, r.inputs).map((p) => `${r.type} ${r.name} ${p}`),
    );
    expect(changed).toEqual([
      "kubernetes:ray.io/v1:RayService ray-service spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].image",
    ]);
    expect(workerGroupOf(after, "gpu-worker-group").template.spec.containers[0].image).toBe(`${WORKER}:dev@${digestOf("2b")}`);
  });

  it("a registry answer that is not a digest stops the run, naming the image", () => {
    expect(() => checkedDigest(`${WORKER}:dev`, "latest")).toThrow(
      `the registry reported digest "latest" for ${WORKER}:dev; expected sha256:<64 lower-case hex digits>`,
    );
    expect(checkedDigest(`${WORKER}:dev`, digestOf("ab"))).toBe(digestOf("ab"));
  });
});
