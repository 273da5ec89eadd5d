/**
 * The real dev plan, broken one known way at a time: every edit must be
 * caught by the policy meant for it, and the untouched plan must pass.
 * Resources are built from the recorded run as the offline plan builds them
 * (plain inputs, protect flags), so the policies see what `npm run plan` shows them.
 */
import * as fs from "fs";
import * as path from "path";
import type { PolicyPackConfig } from "@pulumi/policy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ENFORCEMENT_LEVEL, POLICIES } from "../../policies/pack";
import { PlanResource, resourcesFromPreview, runPolicies, Violation } from "../../policies/runner";
import { runStack } from "../harness";

const RAY_SERVICE = "kubernetes:ray.io/v1:RayService";
const HELM_RELEASE = "kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease";
const BUILD_DEFINITION = "azuredevops:index/buildDefinition:BuildDefinition";
const REGISTRY = "azure-native:containerregistry:Registry";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
const NAMESPACE = "kubernetes:core/v1:Namespace";

function policyConfig(stack: string): PolicyPackConfig {
  return JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../policies/config", `${stack}.json`), "utf8")) as PolicyPackConfig;
}

// Mutations edit plain JSON props.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function one(resources: PlanResource[], type: string, nameEndsWith = ""): PlanResource {
  const found = resources.filter((r) => r.type === type && r.name.endsWith(nameEndsWith));
  if (found.length !== 1)
    throw new Error(`the dev plan has ${found.length} ${type}${nameEndsWith ? ` named *${nameEndsWith}` : ""}, expected 1`);
  return found[0];
}

function setProtect(resources: PlanResource[], r: PlanResource, protect: boolean): void {
  resources[resources.indexOf(r)] = { ...r, protect };
}

const cluster = (rs: PlanResource[]): Json => (one(rs, RAY_SERVICE).props as Json).spec.rayClusterConfig;
function group(rs: PlanResource[], name: "head" | "default-worker-group" | "gpu-worker-group"): Json {
  const c = cluster(rs);
  if (name === "head") return c.headGroupSpec;
  const g = (c.workerGroupSpecs as Json[]).find((x) => x.groupName === name);
  if (!g) throw new Error(`no worker group ${name} in the dev plan`);
  return g;
}
const rayContainer = (rs: PlanResource[], g: "head" | "default-worker-group" | "gpu-worker-group"): Json =>
  group(rs, g).template.spec.containers[0];
const installContainer = (rs: PlanResource[]): Json => {
  const c = (group(rs, "gpu-worker-group").template.spec.initContainers as Json[]).find((x) => x.name === "install-heavy-deps");
  if (!c) throw new Error("no install-heavy-deps initContainer in the dev plan");
  return c;
};
const gpuEnv = (rs: PlanResource[], name: string): Json => {
  const e = (rayContainer(rs, "gpu-worker-group").env as Json[]).find((x) => x.name === name);
  if (!e) throw new Error(`the GPU worker has no ${name}`);
  return e;
};
const apiValues = (rs: PlanResource[]): Json => (one(rs, HELM_RELEASE).props as Json).spec.values;
const pipelineVariable = (rs: PlanResource[], app: string, name: string): Json => {
  const v = ((one(rs, BUILD_DEFINITION, app).props as Json).variables as Json[]).find((x) => x.name === name);
  if (!v) throw new Error(`pipeline ${app} has no variable ${name}`);
  return v;
};

/** Replaces text in the install script; fails if the text is not there, so a changed script can't make a mutation a no-op. */
function editScript(rs: PlanResource[], edit: (script: string) => string): void {
  const c = installContainer(rs);
  const before = c.args[0] as string;
  const after = edit(before);
  if (after === before) throw new Error("the script edit changed nothing");
  c.args[0] = after;
}

/** The lines of the pip command that installs `pkg` (with its continuation lines). */
function commandLines(lines: string[], pkg: RegExp): [number, number] {
  const last = lines.findIndex((l) => /^\s*pip install|^\s+\S/.test(l) && pkg.test(l));
  if (last < 0) throw new Error(`no pip install of ${pkg} in the script`);
  let first = last;
  while (first > 0 && lines[first - 1].trimEnd().endsWith("\\")) first--;
  return [first, last];
}

const NUMPY_FIX = /--upgrade\s+['"]?numpy<2/;

interface Mutation {
  readonly name: string;
  readonly policy: string;
  /** The policy config the edit is checked under. @default "dev" */
  readonly stack?: "dev" | "prod";
  readonly apply: (resources: PlanResource[]) => void;
}

const MUTATIONS: readonly Mutation[] = [
  // ray-version-lockstep
  {
    name: "CPU worker on another Ray version",
    policy: "ray-version-lockstep",
    apply: (rs) => (rayContainer(rs, "default-worker-group").image = "rayproject/ray:2.51.0-py310"),
  },
  {
    name: "head on another Ray version",
    policy: "ray-version-lockstep",
    apply: (rs) => (rayContainer(rs, "head").image = "rayproject/ray:2.53.0-py310"),
  },
  {
    name: "initContainer image skewed",
    policy: "ray-version-lockstep",
    apply: (rs) => (installContainer(rs).image = "rayproject/ray:2.50.0-py310-cu121"),
  },
  {
    name: "worker pipeline RAY_VERSION off by a patch",
    policy: "ray-version-lockstep",
    apply: (rs) => (pipelineVariable(rs, "face-ocr-worker", "RAY_VERSION").value = "2.52.1"),
  },
  {
    name: "API pipeline RAY_VERSION on another minor",
    policy: "ray-version-lockstep",
    apply: (rs) => (pipelineVariable(rs, "face-ocr-api", "RAY_VERSION").value = "2.51.0"),
  },
  {
    name: "rayClusterConfig.rayVersion differs from the images",
    policy: "ray-version-lockstep",
    apply: (rs) => (cluster(rs).rayVersion = "2.50.0"),
  },
  {
    name: "a ray[client]== pin on another version",
    policy: "ray-version-lockstep",
    apply: (rs) =>
      (one(rs, BUILD_DEFINITION, "face-ocr-api").props as Json).variables.push({
        name: "RAY_CLIENT_REQUIREMENT",
        value: "ray[client]==2.51.0",
        isSecret: false,
      }),
  },
  {
    name: "CPU worker on another Python tag",
    policy: "ray-version-lockstep",
    apply: (rs) => (rayContainer(rs, "default-worker-group").image = "rayproject/ray:2.52.0-py311"),
  },
  {
    name: "head on rayproject/ray:latest",
    policy: "ray-version-lockstep",
    apply: (rs) => (rayContainer(rs, "head").image = "rayproject/ray:latest"),
  },
  {
    name: "PyTorch wheels from the CUDA 11.8 index under cu121 Ray images",
    policy: "ray-version-lockstep",
    apply: (rs) => editScript(rs, (s) => s.replace("download.pytorch.org/whl/cu121", "download.pytorch.org/whl/cu118")),
  },
  {
    name: "CPU worker on another Ray from rayproject/ray-ml",
    policy: "ray-version-lockstep",
    apply: (rs) => (rayContainer(rs, "default-worker-group").image = "rayproject/ray-ml:2.51.0-py310-gpu"),
  },
  {
    name: "head on another Ray through a registry mirror path",
    policy: "ray-version-lockstep",
    apply: (rs) => (rayContainer(rs, "head").image = "cybersmartstg.azurecr.io/dockerhub/rayproject/ray:2.51.0-py310"),
  },

  // no-plaintext-secrets
  {
    name: "plaintext CHROMA_TOKEN in HelmRelease env",
    policy: "no-plaintext-secrets",
    apply: (rs) => (apiValues(rs).env.CHROMA_TOKEN = "not-a-real-token"),
  },
  {
    name: "DATABASE_URL with its password in HelmRelease env",
    policy: "no-plaintext-secrets",
    apply: (rs) =>
      (apiValues(rs).env.DATABASE_URL = "postgresql://postgres:not-a-password@postgres.cyber.svc.cluster.local:5432/face-ocr-db"),
  },
  {
    name: "credentials in REDIS_URL",
    policy: "no-plaintext-secrets",
    apply: (rs) => (apiValues(rs).env.REDIS_URL = "redis://:not-a-password@redis-master.cyber.svc.cluster.local:6379/0"),
  },
  {
    name: "plaintext token in the GPU worker's env",
    policy: "no-plaintext-secrets",
    apply: (rs) => rayContainer(rs, "gpu-worker-group").env.push({ name: "HF_TOKEN", value: "not-a-real-token" }),
  },
  {
    name: "pipeline key variable not marked secret",
    policy: "no-plaintext-secrets",
    apply: (rs) =>
      (one(rs, BUILD_DEFINITION, "face-ocr-api").props as Json).variables.push({
        name: "DOSASHOP_KEY",
        value: "not-a-real-key",
        isSecret: false,
      }),
  },

  {
    name: "DB_PASS in HelmRelease env",
    policy: "no-plaintext-secrets",
    apply: (rs) => (apiValues(rs).env.DB_PASS = "not-a-password"),
  },
  {
    name: "a token in the Serve config's runtime_env",
    policy: "no-plaintext-secrets",
    apply: (rs) =>
      ((one(rs, RAY_SERVICE).props as Json).spec.serveConfigV2 =
        "applications:\n  - name: ocr\n    import_path: apps.ocr:app\n    runtime_env:\n      env_vars:\n        HF_TOKEN: not-a-real-token\n"),
  },
  {
    name: "a token exported in the install script",
    policy: "no-plaintext-secrets",
    apply: (rs) => editScript(rs, (s) => s.replace("set -e\n", "set -e\nexport HF_TOKEN=not-a-real-token\n")),
  },

  // no-mutable-images (production policy config)
  {
    name: ":latest GPU worker image in prod",
    policy: "no-mutable-images",
    stack: "prod",
    apply: (rs) => (rayContainer(rs, "gpu-worker-group").image = "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:latest"),
  },
  {
    name: ":dev GPU worker image in prod",
    policy: "no-mutable-images",
    stack: "prod",
    apply: (rs) => (rayContainer(rs, "gpu-worker-group").image = "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev"),
  },
  {
    name: "untagged GPU worker image in prod",
    policy: "no-mutable-images",
    stack: "prod",
    apply: (rs) => (rayContainer(rs, "gpu-worker-group").image = "cybersmartstg.azurecr.io/data-ai/face-ocr-worker"),
  },
  {
    name: "API chart tag pinned to latest instead of Flux's valuesFrom, in prod",
    policy: "no-mutable-images",
    stack: "prod",
    apply: (rs) => {
      const spec = (one(rs, HELM_RELEASE).props as Json).spec;
      spec.valuesFrom = (spec.valuesFrom as Json[]).filter((v) => v.targetPath !== "image.tag");
      spec.values.image.tag = "latest";
    },
  },

  {
    name: ":DEV (a case variant) GPU worker image in prod",
    policy: "no-mutable-images",
    stack: "prod",
    apply: (rs) => (rayContainer(rs, "gpu-worker-group").image = "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:DEV"),
  },
  {
    // The plan resolves :dev to its digest, so the moving tag is put back: a worker left on it must be pulled Always.
    name: ":dev GPU worker pulled IfNotPresent in dev",
    policy: "no-mutable-images",
    apply: (rs) =>
      Object.assign(rayContainer(rs, "gpu-worker-group"), {
        image: "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev",
        imagePullPolicy: "IfNotPresent",
      }),
  },

  // container-resources
  {
    name: "GPU worker without a memory limit",
    policy: "container-resources",
    apply: (rs) => delete rayContainer(rs, "gpu-worker-group").resources.limits.memory,
  },
  { name: "initContainer without requests", policy: "container-resources", apply: (rs) => delete installContainer(rs).resources.requests },
  { name: "head without resources", policy: "container-resources", apply: (rs) => delete rayContainer(rs, "head").resources },
  {
    name: "CPU worker memory limit below its request",
    policy: "container-resources",
    apply: (rs) => (rayContainer(rs, "default-worker-group").resources.limits.memory = "1Gi"),
  },

  {
    name: "initContainer CPU request above its limit",
    policy: "container-resources",
    apply: (rs) => (installContainer(rs).resources.requests.cpu = "4"),
  },

  // gpu-group-scheduling
  {
    name: "GPU group without a GPU limit",
    policy: "gpu-group-scheduling",
    apply: (rs) => {
      const r = rayContainer(rs, "gpu-worker-group").resources;
      delete r.limits["nvidia.com/gpu"];
      delete r.requests["nvidia.com/gpu"];
    },
  },
  {
    name: "num-gpus differs from nvidia.com/gpu",
    policy: "gpu-group-scheduling",
    apply: (rs) => (group(rs, "gpu-worker-group").rayStartParams["num-gpus"] = "2"),
  },
  {
    name: "GPU group without the nvidia.com/gpu NoSchedule toleration",
    policy: "gpu-group-scheduling",
    apply: (rs) => {
      const spec = group(rs, "gpu-worker-group").template.spec;
      spec.tolerations = (spec.tolerations as Json[]).filter((t) => !(t.key === "nvidia.com/gpu" && t.effect === "NoSchedule"));
    },
  },

  // shared-packages-env
  {
    name: "GPU worker without LD_LIBRARY_PATH",
    policy: "shared-packages-env",
    apply: (rs) => {
      const c = rayContainer(rs, "gpu-worker-group");
      c.env = (c.env as Json[]).filter((e) => e.name !== "LD_LIBRARY_PATH");
    },
  },
  {
    name: "LD_LIBRARY_PATH without the cuDNN directory",
    policy: "shared-packages-env",
    apply: (rs) => (gpuEnv(rs, "LD_LIBRARY_PATH").value = "/shared-packages/nvidia/cuda_runtime/lib"),
  },
  { name: "PYTHONPATH without /shared-packages", policy: "shared-packages-env", apply: (rs) => (gpuEnv(rs, "PYTHONPATH").value = "/app") },
  {
    name: "GPU worker does not mount the packages volume",
    policy: "shared-packages-env",
    apply: (rs) => {
      const c = rayContainer(rs, "gpu-worker-group");
      c.volumeMounts = (c.volumeMounts as Json[]).filter((m) => m.mountPath !== "/shared-packages");
    },
  },

  {
    name: "packages volume too small for the install",
    policy: "shared-packages-env",
    apply: (rs) => {
      const v = (group(rs, "gpu-worker-group").template.spec.volumes as Json[]).find((x) => x.name === "python-packages");
      v.emptyDir.sizeLimit = "2Gi";
    },
  },

  // heavy-deps-install-order
  {
    name: "numpy fix moved before OpenCV's install",
    policy: "heavy-deps-install-order",
    apply: (rs) =>
      editScript(rs, (s) => {
        const lines = s.split("\n");
        const fix = lines.findIndex((l) => NUMPY_FIX.test(l));
        const [fixLine] = lines.splice(fix, 1);
        const [first] = commandLines(lines, /opencv-python/);
        lines.splice(first, 0, fixLine);
        return lines.join("\n");
      }),
  },
  {
    name: "numpy fix removed",
    policy: "heavy-deps-install-order",
    apply: (rs) =>
      editScript(rs, (s) =>
        s
          .split("\n")
          .filter((l) => !NUMPY_FIX.test(l))
          .join("\n"),
      ),
  },
  {
    name: "numpy fix without --upgrade",
    policy: "heavy-deps-install-order",
    apply: (rs) => editScript(rs, (s) => s.replace(NUMPY_FIX, (m) => m.replace(/--upgrade\s+/, ""))),
  },
  {
    name: "protobuf cleanup removed",
    policy: "heavy-deps-install-order",
    apply: (rs) =>
      editScript(rs, (s) =>
        s
          .split("\n")
          .filter((l) => !/^rm -rf .*google\/protobuf/.test(l))
          .join("\n"),
      ),
  },
  {
    name: "click cleanup removed",
    policy: "heavy-deps-install-order",
    apply: (rs) =>
      editScript(rs, (s) =>
        s
          .split("\n")
          .filter((l) => !/^rm -rf .*\/click\*/.test(l))
          .join("\n"),
      ),
  },
  {
    name: "a package installed after the numpy fix and the cleanup",
    policy: "heavy-deps-install-order",
    apply: (rs) =>
      editScript(rs, (s) =>
        s.replace("\n# Verify\n", "\npip install --target=/shared-packages --no-cache-dir 'insightface>=0.7'\n\n# Verify\n"),
      ),
  },

  {
    name: "protobuf cleanup in a branch that never runs",
    policy: "heavy-deps-install-order",
    apply: (rs) =>
      editScript(rs, (s) =>
        s
          .split("\n")
          .map((l) => (/^rm -rf .*google\/protobuf/.test(l) ? `if false; then\n  ${l}\nfi` : l))
          .join("\n"),
      ),
  },

  // pip-pins-quoted
  {
    name: "easyocr>=1.7.0 unquoted (the guide's version)",
    policy: "pip-pins-quoted",
    apply: (rs) => editScript(rs, (s) => s.replace(/['"]easyocr>=1\.7\.0['"]/, "easyocr>=1.7.0")),
  },

  {
    name: "an unquoted pin in a postStart hook",
    policy: "pip-pins-quoted",
    apply: (rs) =>
      (rayContainer(rs, "gpu-worker-group").lifecycle = { postStart: { exec: { command: ["/bin/bash", "-c", "pip install torch<3"] } } }),
  },

  // protect-stateful-resources
  { name: "registry not protected", policy: "protect-stateful-resources", apply: (rs) => setProtect(rs, one(rs, REGISTRY), false) },
  { name: "model-cache PVC not protected", policy: "protect-stateful-resources", apply: (rs) => setProtect(rs, one(rs, PVC), false) },
  {
    name: "the ray Namespace, which holds the model cache, not protected",
    policy: "protect-stateful-resources",
    apply: (rs) => setProtect(rs, rs.find((r) => r.type === NAMESPACE && (r.props as Json).metadata.name === "ray") as PlanResource, false),
  },

  // ray-client-reachable
  {
    name: "head ports without the Ray Client port",
    policy: "ray-client-reachable",
    apply: (rs) => {
      const c = rayContainer(rs, "head");
      c.ports = (c.ports as Json[]).filter((p) => p.containerPort !== 10001);
    },
  },
  {
    name: "API RAY_ADDRESS on another port",
    policy: "ray-client-reachable",
    apply: (rs) => (apiValues(rs).env.RAY_ADDRESS = "ray://rayservice-head-svc.ray.svc.cluster.local:10002"),
  },
];

/** Edits of the dev plan that stay correct: each must pass with zero violations (no false positives). */
const VALID_VARIANTS: readonly Mutation[] = [
  {
    name: "GPU worker pinned by digest in prod",
    policy: "no-mutable-images",
    stack: "prod",
    apply: (rs) =>
      (rayContainer(rs, "gpu-worker-group").image = `cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev@sha256:${"c".repeat(64)}`),
  },
  {
    name: "a build tag pulled IfNotPresent in prod",
    policy: "no-mutable-images",
    stack: "prod",
    apply: (rs) =>
      Object.assign(rayContainer(rs, "gpu-worker-group"), {
        image: "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:1.0.0-build.42",
        imagePullPolicy: "IfNotPresent",
      }),
  },
  {
    name: "PRIMARY_KEY and SORT_KEY in the API's env",
    policy: "no-plaintext-secrets",
    apply: (rs) => Object.assign(apiValues(rs).env, { PRIMARY_KEY: "id", SORT_KEY: "created_at" }),
  },
  {
    name: "KEY_VAULT_NAME and TOKEN_TTL_SECONDS pipeline variables",
    policy: "no-plaintext-secrets",
    apply: (rs) =>
      (one(rs, BUILD_DEFINITION, "face-ocr-api").props as Json).variables.push(
        { name: "KEY_VAULT_NAME", value: "predicintel-devops-kv", isSecret: false },
        { name: "TOKEN_TTL_SECONDS", value: "3600", isSecret: false },
      ),
  },
  {
    name: "a non-secret export and a secret read from the environment in the install script",
    policy: "no-plaintext-secrets",
    apply: (rs) => editScript(rs, (s) => s.replace("set -e\n", "set -e\nexport OMP_NUM_THREADS=1\nexport HF_TOKEN=$HF_TOKEN\n")),
  },
  {
    name: "a Serve runtime_env with plain variables",
    policy: "no-plaintext-secrets",
    apply: (rs) =>
      ((one(rs, RAY_SERVICE).props as Json).spec.serveConfigV2 =
        "applications:\n  - name: ocr\n    import_path: apps.ocr:app\n    runtime_env:\n      env_vars: { LOG_LEVEL: info, PARTITION_KEY: tenant }\n"),
  },
  {
    name: "the head image spelt with docker.io",
    policy: "ray-version-lockstep",
    apply: (rs) => (rayContainer(rs, "head").image = `docker.io/${rayContainer(rs, "head").image as string}`),
  },
  {
    name: "PyTorch wheels from the nightly index of the same CUDA",
    policy: "ray-version-lockstep",
    apply: (rs) => editScript(rs, (s) => s.replace("download.pytorch.org/whl/cu121", "download.pytorch.org/whl/nightly/cu121")),
  },
  {
    name: "RAY_ADDRESS without a port (Ray Client's default 10001)",
    policy: "ray-client-reachable",
    apply: (rs) => (apiValues(rs).env.RAY_ADDRESS = "ray://rayservice-head-svc.ray.svc.cluster.local"),
  },
  {
    name: "head ports in another order",
    policy: "ray-client-reachable",
    apply: (rs) => (rayContainer(rs, "head").ports as Json[]).reverse(),
  },
  {
    name: "a larger packages volume",
    policy: "shared-packages-env",
    apply: (rs) => {
      const v = (group(rs, "gpu-worker-group").template.spec.volumes as Json[]).find((x) => x.name === "python-packages");
      v.emptyDir.sizeLimit = "20Gi";
    },
  },
  {
    name: "requests equal to their limits",
    policy: "container-resources",
    apply: (rs) => {
      const r = rayContainer(rs, "gpu-worker-group").resources;
      r.requests.memory = r.limits.memory;
    },
  },
  {
    name: "a quoted pin in a postStart hook",
    policy: "pip-pins-quoted",
    apply: (rs) =>
      (rayContainer(rs, "gpu-worker-group").lifecycle = { postStart: { exec: { command: ["/bin/bash", "-c", "pip install 'torch<3'"] } } }),
  },
  {
    name: "the API's Namespace unprotected (it holds nothing stateful)",
    policy: "protect-stateful-resources",
    apply: (rs) => {
      const others = rs.filter((x) => x.type === NAMESPACE && (x.props as Json).metadata.name !== "ray");
      if (others.length === 0) throw new Error("the dev plan has no Namespace besides ray");
      for (const r of others) setProtect(rs, r, false);
    },
  },
];

let devPlan: PlanResource[];
const passedVariants: string[] = [];
const caught: string[] = [];

async function check(resources: PlanResource[], stack: "dev" | "prod"): Promise<Violation[]> {
  return (
    await runPolicies(resources, { policies: POLICIES, packEnforcementLevel: DEFAULT_ENFORCEMENT_LEVEL, config: policyConfig(stack) })
  ).violations;
}

beforeAll(async () => {
  const run = await runStack();
  devPlan = resourcesFromPreview({
    steps: run.resources.map((r) => ({
      op: "create",
      urn: r.urn,
      newState: { urn: r.urn, type: r.type, parent: r.parent, protect: r.protect, dependencies: r.dependencies, inputs: r.plainInputs },
    })),
  });
}, 60_000);

afterAll(() => {
  console.log(`mutations caught: ${caught.length}/${MUTATIONS.length}`);
  console.log(`valid variants passed: ${passedVariants.length}/${VALID_VARIANTS.length}`);
});

describe("the dev plan under the policy pack", () => {
  it("passes untouched: zero violations", async () => {
    expect(await check(devPlan, "dev")).toEqual([]);
  });

  it("has at least 25 distinct mutations, each aimed at a registered policy", () => {
    expect(MUTATIONS.length).toBeGreaterThanOrEqual(25);
    expect(new Set(MUTATIONS.map((m) => m.name)).size).toBe(MUTATIONS.length);
    const names = new Set(POLICIES.map((p) => p.name));
    for (const m of MUTATIONS) expect(names).toContain(m.policy);
    expect(new Set(MUTATIONS.map((m) => m.policy))).toEqual(names);
  });

  it.each(MUTATIONS.map((m) => [m.name, m] as const))("catches: %s", async (_name, m) => {
    const resources = structuredClone(devPlan);
    m.apply(resources);
    const violations = await check(resources, m.stack ?? "dev");
    const intended = violations.filter((v) => v.policyName === m.policy);
    expect(intended.length, `${m.policy} did not catch it; violations: ${JSON.stringify(violations, null, 2)}`).toBeGreaterThan(0);
    expect(intended.every((v) => v.enforcementLevel === "mandatory")).toBe(true);
    caught.push(m.name);
  });

  it.each(VALID_VARIANTS.map((m) => [m.name, m] as const))("passes the valid variant: %s", async (_name, m) => {
    const resources = structuredClone(devPlan);
    m.apply(resources);
    expect(await check(resources, m.stack ?? "dev")).toEqual([]);
    passedVariants.push(m.name);
  });
});
