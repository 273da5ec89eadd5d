// The engine stack runs without the docker provider: its worker image is pinned, so the program asks no registry.
import { describe, expect, it } from "vitest";
import * as YAML from "yaml";
import { ENGINE_WORKER_DIGEST, engineOverrides, engineStackFile } from "../../scripts/engine/engineStack";
import { runStack, SINGLE_STACK_DIR } from "../harness";
import { workerGroupOf } from "../ray/fixtures";

const CONTEXT = "kind-engine-example";

// The engine stack starts from the single-stack dev: the overrides assume a stack that owns the pipelines and the registry.
describe("the engine stack's worker image", () => {
  const overrides = engineOverrides(SINGLE_STACK_DIR, CONTEXT);

  it("pins a fake digest beside dev's tag, saying why", () => {
    expect(ENGINE_WORKER_DIGEST).toBe("sha256:deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef");
    expect(overrides.filter((o) => o.key.startsWith("ray."))).toEqual([
      {
        key: "ray.gpuWorker.image.digest",
        value: ENGINE_WORKER_DIGEST,
        secret: false,
        reason: "the docker provider plugin is not part of the engine tools; a stack that pins its worker digest makes no registry lookup",
      },
    ]);
    const file = YAML.parse(engineStackFile(SINGLE_STACK_DIR, overrides)) as { config: Record<string, { gpuWorker: { image: unknown } }> };
    expect(file.config["face-ocr-platform:ray"].gpuWorker.image).toEqual({ tag: "dev", digest: ENGINE_WORKER_DIGEST });
  });

  it("makes the program register no docker provider and invoke no docker function", async () => {
    const run = await runStack({ config: Object.fromEntries(overrides.map((o) => [o.key, o.value])) });
    expect(run.invokes.filter((i) => i.token.startsWith("docker:"))).toEqual([]);
    expect(run.resources.filter((r) => r.type === "pulumi:providers:docker")).toEqual([]);
    expect(workerGroupOf(run, "gpu-worker-group").template.spec.containers[0].image).toBe(
      `cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev@${ENGINE_WORKER_DIGEST}`,
    );
  });
});
