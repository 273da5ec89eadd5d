// The `ray` config section: defaults, merging, and the exact message for each invalid input (key, value,
// what is allowed), both from the schema alone and end to end through the program.
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../config/parse";
import { devStackSection, EXAMPLE_CLUSTER, MINIMAL_SERVE_APP, runStack } from "../harness";

const BASE = { cluster: EXAMPLE_CLUSTER, registry: { resourceGroupName: "rg-test" } };

/** The worker image has no default; these tests give the dev stack's unless they set `gpuWorker.image` themselves. */
const DEV_IMAGE = { tag: "dev" };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function withImage(ray: any = {}): unknown {
  return { serve: { applications: [{ ...MINIMAL_SERVE_APP }] }, ...ray, gpuWorker: { image: DEV_IMAGE, ...ray.gpuWorker } };
}

/** A Serve section that validates on its own, for tests about other keys. */
const SERVE = { applications: [{ ...MINIMAL_SERVE_APP }] };

/** The whole message for a stack without a worker image, written out here (not taken from the schema). */
const MISSING_IMAGE =
  "ray.gpuWorker.image.digest is missing: the GPU worker image has no default; pin one build with ray.gpuWorker.image.digest " +
  "(the current build's digest: `az acr repository show --name <registry> --image data-ai/face-ocr-worker:dev --query digest -o tsv`), " +
  'or name it with ray.gpuWorker.image.tag (the moving tag "dev", which the live system runs, is refused in prod); ' +
  "set it with `pulumi config set --path ray.gpuWorker.image.digest <value>`";

function problemsFor(ray: unknown, extra: Record<string, unknown> = {}): string[] {
  const result = parseStackConfig({ ...BASE, ...extra, ray: withImage(ray) });
  return result.ok ? [] : result.problems;
}

function rayConfig(ray: unknown) {
  const result = parseStackConfig({ ...BASE, ray: withImage(ray) });
  if (!result.ok) throw new Error(result.problems.join("\n"));
  return result.config.ray;
}

const MIN_OVER_MAX =
  "ray.gpuWorker.minReplicas = 4: minReplicas must not exceed maxReplicas (3); set it with `pulumi config set --path ray.gpuWorker.minReplicas <value>`";
const NUM_GPUS_WITHOUT_LIMIT =
  'ray.cpuWorker.rayStartParams.num-gpus = "1": num-gpus without a GPU limit: ray.cpuWorker.gpus is 0, so the pods get no nvidia.com/gpu and Ray would place GPU actors where there is no GPU; set ray.cpuWorker.gpus instead (it sets num-gpus and the nvidia.com/gpu limit and request together); set it with `pulumi config set --path ray.cpuWorker.rayStartParams.num-gpus <value>`';
const UNKNOWN_EFFECT =
  'ray.gpuWorker.tolerations[1].effect = "NoScheduled": expected one of NoSchedule, PreferNoSchedule, NoExecute (the Kubernetes taint effects); set it with `pulumi config set --path ray.gpuWorker.tolerations[1].effect <value>`';

const TOLERATIONS_WITH_TYPO = [
  { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" },
  { key: "nvidia.com/gpu", operator: "Exists", effect: "NoScheduled" },
];

describe("invalid worker group config: the schema's message", () => {
  it("minReplicas above maxReplicas", () => {
    expect(problemsFor({ gpuWorker: { minReplicas: 4 } })).toEqual([MIN_OVER_MAX]);
  });

  it("num-gpus on a group without a GPU limit", () => {
    expect(problemsFor({ cpuWorker: { rayStartParams: { "num-gpus": "1" } } })).toEqual([NUM_GPUS_WITHOUT_LIMIT]);
  });

  it("num-gpus that does not match the GPU limit", () => {
    expect(problemsFor({ gpuWorker: { rayStartParams: { "num-gpus": 2 } } })).toEqual([
      'ray.gpuWorker.rayStartParams.num-gpus = "2": num-gpus does not match ray.gpuWorker.gpus (1), which sets the nvidia.com/gpu limit; remove num-gpus from rayStartParams, it is derived from ray.gpuWorker.gpus; set it with `pulumi config set --path ray.gpuWorker.rayStartParams.num-gpus <value>`',
    ]);
  });

  it("a toleration effect Kubernetes does not know", () => {
    expect(problemsFor({ gpuWorker: { tolerations: TOLERATIONS_WITH_TYPO } })).toEqual([UNKNOWN_EFFECT]);
  });

  it("replicas outside minReplicas..maxReplicas", () => {
    expect(problemsFor({ gpuWorker: { replicas: 5 } })).toEqual([
      "ray.gpuWorker.replicas = 5: replicas must be between minReplicas (1) and maxReplicas (3); KubeRay would silently clamp it; set it with `pulumi config set --path ray.gpuWorker.replicas <value>`",
    ]);
  });

  it("a GPU limit set directly instead of through gpus", () => {
    expect(problemsFor({ gpuWorker: { resources: { limits: { "nvidia.com/gpu": 2 } } } })).toEqual([
      "ray.gpuWorker.resources.limits.nvidia.com/gpu: unknown key; allowed keys here: cpu, memory, ephemeral-storage",
    ]);
  });

  it("a GPU worker group without GPUs", () => {
    expect(problemsFor({ gpuWorker: { gpus: 0 } })).toEqual([
      "ray.gpuWorker.gpus = 0: expected at least 1 GPU for the GPU worker group; set it with `pulumi config set --path ray.gpuWorker.gpus <value>`",
    ]);
  });

  it("a request above its limit", () => {
    expect(problemsFor({ gpuWorker: { resources: { requests: { memory: "16Gi" } } } })).toEqual([
      'ray.gpuWorker.resources.requests.memory = "16Gi": a request may not exceed its limit (limits.memory is "12Gi"); Kubernetes would refuse the pod; set it with `pulumi config set --path ray.gpuWorker.resources.requests.memory <value>`',
    ]);
  });

  it("Exists with a value", () => {
    expect(
      problemsFor({ gpuWorker: { tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", value: "x", effect: "NoSchedule" }] } }),
    ).toEqual([
      'ray.gpuWorker.tolerations[0].value = "x": a toleration with operator Exists matches any value and must not set one; set it with `pulumi config set --path ray.gpuWorker.tolerations[0].value <value>`',
    ]);
  });

  it("a derived env var or head parameter", () => {
    expect(
      problemsFor({ gpuWorker: { env: { PYTHONPATH: "/x" } }, head: { rayStartParams: { "ray-client-server-port": 10002 } } }),
    ).toEqual([
      "ray.head.rayStartParams.ray-client-server-port = \"10002\": cannot be set in config: it is derived from the Ray client port (10001), which is also the head's client containerPort and the API's RAY_ADDRESS; remove it with `pulumi config rm --path ray.head.rayStartParams.ray-client-server-port`",
      'ray.gpuWorker.env.PYTHONPATH = "/x": cannot be set in config: it is derived from where the heavy dependencies install (components/ray/heavyDependencies.ts); remove it with `pulumi config rm --path ray.gpuWorker.env.PYTHONPATH`',
    ]);
  });

  it("no worker image, a worker image without tag or digest, and a malformed digest", () => {
    const noImage = (raw: Record<string, unknown>) => {
      const result = parseStackConfig(raw);
      return result.ok ? [] : result.problems;
    };
    expect(noImage({ ...BASE, ray: { serve: SERVE } })).toEqual([MISSING_IMAGE]);
    expect(noImage({ ...BASE, ray: { serve: SERVE, gpuWorker: { replicas: 2, maxReplicas: 3 } } })).toEqual([MISSING_IMAGE]);
    expect(problemsFor({ gpuWorker: { image: {} } })).toEqual([MISSING_IMAGE]);
    expect(problemsFor({ gpuWorker: { image: { digest: "sha256:abc" } } })).toEqual([
      'ray.gpuWorker.image.digest = "sha256:abc": expected an image digest sha256:<64 lower-case hex digits>; set it with `pulumi config set --path ray.gpuWorker.image.digest <value>`',
    ]);
  });

  it("two Serve applications with one name", () => {
    const app = { name: "ocr", import_path: "apps.ocr:app" };
    expect(problemsFor({ serve: { applications: [app, { ...app, route_prefix: "/b" }] } })).toEqual([
      'ray.serve.applications[1].name = "ocr": duplicate application name; [0] already uses it; set it with `pulumi config set --path ray.serve.applications[1].name <value>`',
    ]);
  });
});

describe("defaults and merging", () => {
  it("the GPU group's defaults are Appendix D's", () => {
    const gpu = rayConfig(undefined).gpuWorker;
    expect([gpu.replicas, gpu.minReplicas, gpu.maxReplicas, gpu.gpus]).toEqual([1, 1, 3, 1]);
    expect(gpu.rayStartParams).toEqual({ block: "true", "num-cpus": "8" });
    expect(gpu.labels).toEqual({ app: "rayservice-sample", component: "gpu-worker" });
  });

  it("the worker image has no default; the dev stack's file sets the live :dev", () => {
    const result = parseStackConfig({ ...BASE, ray: { serve: SERVE } });
    expect(result.ok ? [] : result.problems).toEqual([MISSING_IMAGE]);
    expect((devStackSection("ray") as { gpuWorker: unknown }).gpuWorker).toEqual({ image: { tag: "dev" } });
  });

  it("one rayStartParams entry (a number, as --path sends it) keeps the other defaults", () => {
    expect(rayConfig({ gpuWorker: { rayStartParams: { "object-store-memory": 2000000000 } } }).gpuWorker.rayStartParams).toEqual({
      block: "true",
      "num-cpus": "8",
      "object-store-memory": "2000000000",
    });
  });

  it("a digest alone pins the image, with no tag", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    expect(rayConfig({ gpuWorker: { image: { digest } } }).gpuWorker.image).toEqual({ digest });
    expect(rayConfig({ gpuWorker: { image: { tag: "dev" } } }).gpuWorker.image).toEqual({ tag: "dev" });
  });
});

/** The message the program run fails with (the whole message, so nothing extra can hide in it). */
async function failureOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected the run to fail");
}

describe("end to end: the program stops with the message", () => {
  it("for min > max, num-gpus without a GPU limit and an unknown toleration effect, all at once", async () => {
    const ray = withImage({
      gpuWorker: { minReplicas: 4, tolerations: TOLERATIONS_WITH_TYPO },
      cpuWorker: { rayStartParams: { "num-gpus": "1" } },
    });
    expect(await failureOf(runStack({ config: { ray } }))).toBe(
      ['Invalid config for stack "dev":', `  - ${NUM_GPUS_WITHOUT_LIMIT}`, `  - ${UNKNOWN_EFFECT}`].join("\n"),
    );
    // min > max is reported once the tolerations parse (zod runs a group's invariants on a well-formed group).
    expect(await failureOf(runStack({ config: { ray: withImage({ gpuWorker: { minReplicas: 4 } }) } }))).toBe(
      `Invalid config for stack "dev":\n  - ${MIN_OVER_MAX}`,
    );
  });

  it("for a stack without a worker image (a ray section without one replaces the dev stack's)", async () => {
    expect(await failureOf(runStack({ config: { ray: { serve: SERVE, cpuWorker: { replicas: 2 } } } }))).toBe(
      `Invalid config for stack "dev":\n  - ${MISSING_IMAGE}`,
    );
  });

  it("for a moving worker image tag in prod", async () => {
    expect(
      await failureOf(runStack({ config: { environment: "prod", "api.env.ENVIRONMENT": "production", "ray.gpuWorker.image.tag": "dev" } })),
    ).toBe(
      [
        'Invalid config for stack "dev":',
        '  - ray.gpuWorker.image.tag = "dev": a moving tag (latest, dev, main, master, stable, nightly) is not allowed when environment is "prod"; pin one build with ray.gpuWorker.image.digest (or a tag the pipeline never moves); set it with `pulumi config set --path ray.gpuWorker.image.tag <value>`',
      ].join("\n"),
    );
  });
});
