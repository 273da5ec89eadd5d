// The engine stack runs without the docker provider: its worker image is pinned, so the program asks no registry.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import * as YAML from "yaml";
import { offlinePlan } from "../../plan/offlinePlan";
import {
  ENGINE_WORKER_DIGEST,
  engineOverrides,
  engineStackFile,
  sharedStackName,
  sharedStackOutputs,
  SOURCE_STACK,
} from "../../scripts/engine/engineStack";
import { loadIndex, PROJECT_DIR, runStack } from "../harness";
import { workerGroupOf } from "../ray/fixtures";

const CONTEXT = "kind-engine-example";

describe("the engine stack's worker image", () => {
  const overrides = engineOverrides(PROJECT_DIR, CONTEXT);

  it("pins a fake digest beside dev's tag, saying why", () => {
    expect(overrides.filter((o) => o.key.startsWith("ray."))).toEqual([
      {
        key: "ray.gpuWorker.image.digest",
        value: ENGINE_WORKER_DIGEST,
        secret: false,
        reason: "the docker provider plugin is not part of the engine tools; a stack that pins its worker digest makes no registry lookup",
      },
    ]);
    const file = YAML.parse(engineStackFile(PROJECT_DIR, overrides)) as { config: Record<string, { gpuWorker: { image: unknown } }> };
    expect(file.config["face-ocr-platform:ray"].gpuWorker.image).toEqual({ tag: "dev", digest: ENGINE_WORKER_DIGEST });
  });

  it("makes the program register no docker provider and invoke no docker function", async () => {
    const run = await runStack({ stack: SOURCE_STACK, config: Object.fromEntries(overrides.map((o) => [o.key, o.value])) });
    expect(run.invokes.filter((i) => i.token.startsWith("docker:"))).toEqual([]);
    expect(run.resources.filter((r) => r.type === "pulumi:providers:docker")).toEqual([]);
    expect(workerGroupOf(run, "gpu-worker-group").template.spec.containers[0].image).toBe(
      `cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev@${ENGINE_WORKER_DIGEST}`,
    );
  });
});

describe("the engine stack's registry and shared stack", () => {
  it("keeps dev's registry from the shared stack and its pull secrets, without the Azure AcrPull assignment", () => {
    const registry = engineOverrides(PROJECT_DIR, CONTEXT).find((o) => o.key === "registry");
    expect(JSON.parse(registry?.value ?? "{}")).toEqual({
      kubeletAcrPull: false,
      pullSecrets: [
        { existing: true, name: "regcred", namespace: "ray" },
        { existing: true, name: "regcred-acr", namespace: "cyber" },
        { existing: true, name: "regcred-acr", namespace: "flux-system" },
      ],
    });
    expect(engineOverrides(PROJECT_DIR, CONTEXT).map((o) => o.key)).toEqual(["cluster.context", "registry", "ray.gpuWorker.image.digest"]);
  });

  it("publishes exactly the shared stack's offline outputs that environment stacks read", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-shared-"));
    try {
      const result = await offlinePlan({
        projectDir: PROJECT_DIR,
        stack: sharedStackName(PROJECT_DIR),
        overrides: [],
        outDir: dir,
        program: await loadIndex(),
      });
      expect(result.exitCode).toBe(0);
      expect(sharedStackOutputs(path.join(dir, "shared", "preview.json"))).toEqual({
        registryName: "cybersmartstg",
        registryLoginServer: "cybersmartstg.azurecr.io",
        registryId:
          "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/PLACEHOLDER-resource-group-of-cybersmartstg/providers/Microsoft.ContainerRegistry/registries/cybersmartstg",
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
