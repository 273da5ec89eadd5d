// The RayCluster component: exactly which resources it registers, what each renders, which names are
// derived (not retyped), and the rules on the worker image.
import { beforeAll, describe, expect, it } from "vitest";
import { RayCluster } from "../../components/ray/rayCluster";
import { parseStackConfig } from "../../config/parse";
import { fakeDigest } from "../../plan/mocks";
import { validateResources } from "../../validation/validateResources";
import { EXAMPLE_CLUSTER, minimalStackConfig, RecordedRun, runComponent, runStack, unwrap } from "../harness";
import { devRay, headGroupOf, Loose, rayResources, rayServiceOf, TYPES, workerGroupOf } from "./fixtures";

const SECURITY_CONTEXT = { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

let run: RecordedRun;

beforeAll(async () => {
  run = await runStack();
});

/** The dev stack's ConfigMap app (Pulumi.dev.yaml), mounted on the head and the CPU worker. */
const DEV_APP_MOUNT = { name: "serve-app-text-utils", mountPath: "/home/ray/serve-apps/text-utils", readOnly: true };
const DEV_APP_VOLUME = { name: "serve-app-text-utils", configMap: { name: "serve-app-text-utils" } };

describe("the resources of the dev stack", () => {
  it("the component and its three children, in order, with their protect flags (the PriorityClass is only referenced)", () => {
    const component = "urn:pulumi:dev::face-ocr-platform::face-ocr:ray:RayCluster::ray";
    expect(rayResources(run.resources).map((r) => [r.type, r.name, r.parent, r.protect])).toEqual([
      [TYPES.component, "ray", "urn:pulumi:dev::face-ocr-platform::pulumi:pulumi:Stack::face-ocr-platform-dev", false],
      [TYPES.namespace, "ray-namespace", component, true],
      [TYPES.pvc, "ray-model-cache", component, true],
      [TYPES.rayService, "ray-service", component, false],
    ]);
  });

  it("namespace ray, PVC face-ocr-models (Azure Files, RWX, 1Gi); PriorityClass gpu-workload-high when the stack owns it", async () => {
    expect(run.one(TYPES.namespace, "ray-namespace").inputs).toEqual({ apiVersion: "v1", kind: "Namespace", metadata: { name: "ray" } });
    const owning = await runStack({ config: { ray: devRay({ priorityClass: { create: true } }) } });
    expect(owning.one(TYPES.priorityClass, "ray-priority-class").inputs).toEqual({
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name: "gpu-workload-high" },
      value: 1000000,
      globalDefault: false,
      description: "GPU Ray workers of face-ocr (gpu-worker-group).",
    });
    expect(run.one(TYPES.pvc, "ray-model-cache").inputs).toEqual({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "face-ocr-models", namespace: "ray" },
      spec: { accessModes: ["ReadWriteMany"], storageClassName: "azurefile", resources: { requests: { storage: "1Gi" } } },
    });
  });

  it("RayService rayservice in namespace ray, depending on the namespace, PVC and the registry", () => {
    const rs = run.one(TYPES.rayService, "ray-service");
    expect(rayServiceOf(run).apiVersion).toBe("ray.io/v1");
    expect(rayServiceOf(run).kind).toBe("RayService");
    expect(rayServiceOf(run).metadata).toEqual({
      name: "rayservice",
      namespace: "ray",
      annotations: { "ray.io/initializing-timeout": "1h" },
    });
    const urnOf = (type: string, name: string) => run.one(type, name).urn;
    expect(rs.dependencies).toEqual(
      [
        urnOf(TYPES.pvc, "ray-model-cache"),
        urnOf(TYPES.namespace, "ray-namespace"),
        urnOf("azure-native:containerregistry:Registry", "registry-acr"),
      ].sort(),
    );
  });

  it("validates against the RayService v1 CRD, and the validation does catch a stray field", () => {
    const ray = rayResources(run.resources);
    expect(validateResources(ray).findings).toEqual([]);
    const rs = run.one(TYPES.rayService, "ray-service");
    const broken = structuredClone(rs.plainInputs) as Loose;
    broken.spec.rayClusterConfig.workerGroupSpecs[1].numOfHost = 1;
    expect(validateResources([{ ...rs, plainInputs: broken }]).findings).toEqual([
      {
        type: TYPES.rayService,
        name: "ray-service",
        path: "spec.rayClusterConfig.workerGroupSpecs[1].numOfHost",
        reason: "unknown field (not in the schema)",
      },
    ]);
  });

  it("exports the API's RAY_ADDRESS", () => {
    expect(run.outputs.rayClientAddress).toBe("ray://rayservice-head-svc.ray.svc.cluster.local:10001");
  });
});

describe("head and CPU worker groups", () => {
  it("head: Ray image of the one version, Serve 8000, dashboard 8265, client 10001 (and GCS 6379), client port in rayStartParams", () => {
    expect(headGroupOf(run)).toEqual({
      rayStartParams: { "dashboard-host": "0.0.0.0", "ray-client-server-port": "10001" },
      template: {
        spec: {
          containers: [
            {
              name: "ray-head",
              image: "rayproject/ray:2.52.0-py310",
              ports: [
                { name: "gcs-server", containerPort: 6379 },
                { name: "dashboard", containerPort: 8265 },
                { name: "client", containerPort: 10001 },
                { name: "serve", containerPort: 8000 },
              ],
              resources: { limits: { cpu: "2", memory: "8Gi" }, requests: { cpu: "2", memory: "8Gi" } },
              securityContext: SECURITY_CONTEXT,
              volumeMounts: [DEV_APP_MOUNT],
            },
          ],
          volumes: [DEV_APP_VOLUME],
        },
      },
    });
  });

  it("CPU worker group default-worker-group on the same Ray image", () => {
    expect(workerGroupOf(run, "default-worker-group")).toEqual({
      replicas: 1,
      minReplicas: 1,
      maxReplicas: 2,
      groupName: "default-worker-group",
      rayStartParams: {},
      template: {
        spec: {
          containers: [
            {
              name: "ray-worker",
              image: "rayproject/ray:2.52.0-py310",
              resources: { limits: { cpu: "2", memory: "4Gi" }, requests: { cpu: "2", memory: "4Gi" } },
              securityContext: SECURITY_CONTEXT,
              volumeMounts: [DEV_APP_MOUNT],
            },
          ],
          volumes: [DEV_APP_VOLUME],
        },
      },
    });
  });

  it("the groups are head, then CPU, then GPU; rayVersion is set; serveConfigV2 holds the dev stack's application", () => {
    const spec = rayServiceOf(run).spec;
    expect(spec.rayClusterConfig.workerGroupSpecs.map((g: Loose) => g.groupName)).toEqual(["default-worker-group", "gpu-worker-group"]);
    expect(spec.rayClusterConfig.rayVersion).toBe("2.52.0");
    expect(spec.serveConfigV2).toBe(
      [
        "applications:",
        "  - name: text-utils",
        "    route_prefix: /text-utils",
        "    import_path: text_utils.app:app",
        "    runtime_env:",
        "      env_vars:",
        // Sorted, as the Pulumi CLI hands object config to the program (plan/stackConfigFile.ts).
        "        LOG_LEVEL: info",
        "        PYTHONPATH: /home/ray/serve-apps/text-utils",
        "    deployments:",
        "      - name: TextUtils",
        "        num_replicas: 1",
        "        ray_actor_options:",
        "          num_cpus: 0.5",
        "",
      ].join("\n"),
    );
  });

  it("upgrade settings are written out: NewCluster, 60 s deletion delay, 1h initializing timeout, no autoscaler", () => {
    const rs = rayServiceOf(run);
    expect(rs.spec.upgradeStrategy).toEqual({ type: "NewCluster" });
    expect(rs.spec.rayClusterDeletionDelaySeconds).toBe(60);
    expect(rs.metadata.annotations).toEqual({ "ray.io/initializing-timeout": "1h" });
    expect(rs.spec.rayClusterConfig.enableInTreeAutoscaling).toBeUndefined();
    expect(rs.spec.rayClusterConfig.autoscalerOptions).toBeUndefined();
  });

  it("in-tree autoscaling and the incremental upgrade, from config", async () => {
    const r = await runStack({
      config: {
        ray: devRay({
          autoscaling: { enabled: true, idleTimeoutSeconds: 300, upscalingMode: "Conservative" },
          upgrade: {
            type: "NewClusterWithIncrementalUpgrade",
            rayClusterDeletionDelaySeconds: 0,
            initializingTimeout: "45m",
            clusterUpgradeOptions: { stepSizePercent: 25, intervalSeconds: 30, gatewayClassName: "istio" },
          },
        }),
      },
    });
    const rs = rayServiceOf(r);
    expect(rs.spec.rayClusterConfig.enableInTreeAutoscaling).toBe(true);
    expect(rs.spec.rayClusterConfig.autoscalerOptions).toEqual({ idleTimeoutSeconds: 300, upscalingMode: "Conservative" });
    expect(rs.spec.upgradeStrategy).toEqual({
      type: "NewClusterWithIncrementalUpgrade",
      clusterUpgradeOptions: { maxSurgePercent: 100, stepSizePercent: 25, intervalSeconds: 30, gatewayClassName: "istio" },
    });
    expect(rs.spec.rayClusterDeletionDelaySeconds).toBe(0);
    expect(rs.metadata.annotations).toEqual({ "ray.io/initializing-timeout": "45m" });
    expect(validateResources(rayResources(r.resources)).findings).toEqual([]);
  });

  it("ConfigMap mounts for the ConfigMap apps, on head and CPU worker", async () => {
    const mounts = [{ configMap: "ocr-app", mountPath: "/home/ray/serve-apps/text-utils" }];
    const r = await runStack({ config: { ray: devRay({ head: { configMapMounts: mounts }, cpuWorker: { configMapMounts: mounts } }) } });
    for (const pod of [headGroupOf(r).template.spec, workerGroupOf(r, "default-worker-group").template.spec]) {
      expect(pod.volumes).toEqual([{ name: "ocr-app", configMap: { name: "ocr-app" } }]);
      expect(pod.containers[0].volumeMounts).toEqual([{ name: "ocr-app", mountPath: "/home/ray/serve-apps/text-utils", readOnly: true }]);
    }
  });
});

describe("names are derived, not retyped", () => {
  it("the volume's claim follows the PVC, the pod's PriorityClass follows the PriorityClass", async () => {
    const r = await runStack({
      config: { ray: devRay({ modelCache: { claimName: "face-ocr-models-v2" }, priorityClass: { name: "gpu-high", create: true } }) },
    });
    const spec = workerGroupOf(r, "gpu-worker-group").template.spec;
    expect(spec.volumes[1]).toEqual({ name: "model-cache", persistentVolumeClaim: { claimName: "face-ocr-models-v2" } });
    expect(spec.priorityClassName).toBe("gpu-high");
    expect((r.one(TYPES.pvc, "ray-model-cache").inputs as Loose).metadata.name).toBe("face-ocr-models-v2");
    expect((r.one(TYPES.priorityClass, "ray-priority-class").inputs as Loose).metadata.name).toBe("gpu-high");
  });

  it("the cluster's PriorityClass is referenced by name and not created unless the stack asks to own it", async () => {
    expect(rayResources(run.resources).map((x) => x.type)).not.toContain(TYPES.priorityClass);
    expect(rayResources(run.resources)).toHaveLength(4);
    expect(workerGroupOf(run, "gpu-worker-group").template.spec.priorityClassName).toBe("gpu-workload-high");
    const owning = await runStack({ config: { ray: devRay({ priorityClass: { create: true } }) } });
    expect(rayResources(owning.resources)).toHaveLength(5);
    expect(rayServiceOf(owning).spec).toEqual(rayServiceOf(run).spec);
  });

  it("service, namespace and child names follow the component's name and config", async () => {
    const ray = parsedRay({ serviceName: "faces", namespace: "gpu", actorNamespace: "faces-actors" });
    let outputs: Record<string, string> = {};
    const r = await runComponent(async () => {
      const c = new RayCluster("rc", {
        rayVersion: "2.52.0",
        pythonTag: "py310",
        cudaTag: "cu121",
        registryLoginServer: "example.azurecr.io",
        workerRepository: "team/worker",
        settings: ray,
      });
      outputs = {
        namespace: await unwrap(c.namespace),
        headServiceName: await unwrap(c.headServiceName),
        serveServiceName: await unwrap(c.serveServiceName),
        clientAddress: await unwrap(c.clientAddress),
        actorNamespace: await unwrap(c.actorNamespace),
        priorityClassName: await unwrap(c.priorityClassName),
        workerImage: await unwrap(c.workerImage),
      };
    });
    expect(outputs).toEqual({
      namespace: "gpu",
      headServiceName: "faces-head-svc",
      serveServiceName: "faces-serve-svc",
      clientAddress: "ray://faces-head-svc.gpu.svc.cluster.local:10001",
      actorNamespace: "faces-actors",
      priorityClassName: "gpu-workload-high",
      workerImage: "example.azurecr.io/team/worker:dev",
    });
    expect(r.resources.filter((x) => x.type !== "pulumi:pulumi:Stack").map((x) => x.name)).toEqual([
      "rc",
      "rc-namespace",
      "rc-model-cache",
      "rc-service",
    ]);
    expect(rayServiceOf(r, "rc-service").metadata).toEqual({
      name: "faces",
      namespace: "gpu",
      annotations: { "ray.io/initializing-timeout": "1h" },
    });
  });
});

describe("the worker image", () => {
  const workerOf = (r: RecordedRun) => workerGroupOf(r, "gpu-worker-group").template.spec.containers[0];

  const WORKER = "cybersmartstg.azurecr.io/data-ai/face-ocr-worker";

  it("the dev stack: its moving :dev tag resolved to the digest it names now, IfNotPresent (the digest cannot go stale)", async () => {
    const worker = workerOf(run);
    expect([worker.image, worker.imagePullPolicy]).toEqual([`${WORKER}:dev@${fakeDigest(`${WORKER}:dev`)}`, "IfNotPresent"]);
  });

  it("a digest: pinned to the content, IfNotPresent, accepted in prod", async () => {
    const ray = { ...minimalStackConfig().ray, gpuWorker: { image: { digest: DIGEST } } };
    const worker = workerOf(await runStack({ config: { environment: "prod", "api.env.ENVIRONMENT": "production", ray } }));
    expect([worker.image, worker.imagePullPolicy]).toEqual([`${WORKER}@${DIGEST}`, "IfNotPresent"]);
  });

  it("a digest set on the dev stack beside its tag (`config set --path ...digest`): that digest, not the tag's", async () => {
    const worker = workerOf(await runStack({ config: { "ray.gpuWorker.image.digest": DIGEST } }));
    expect([worker.image, worker.imagePullPolicy]).toEqual([`${WORKER}:dev@${DIGEST}`, "IfNotPresent"]);
  });

  it("an immutable build tag (the worker pipeline's build number): resolved to its digest, IfNotPresent", async () => {
    const worker = workerOf(await runStack({ config: { "ray.gpuWorker.image.tag": "20260114.3" } }));
    expect([worker.image, worker.imagePullPolicy]).toEqual([`${WORKER}:20260114.3@${fakeDigest(`${WORKER}:20260114.3`)}`, "IfNotPresent"]);
  });

  it("the registry's login server and worker repository make the reference", async () => {
    const registry = {
      name: "otheracr01",
      resourceGroupName: "rg-test",
      kubeletPrincipalId: "00000000-0000-0000-0000-000000000000",
      workerRepository: "ml/worker",
    };
    const image = "otheracr01.azurecr.io/ml/worker:dev";
    expect(workerOf(await runStack({ config: { registry } })).image).toBe(`${image}@${fakeDigest(image)}`);
  });

  it("the component alone renders the configured reference: a tag without a resolved digest stays a moving tag, pulled Always", async () => {
    const r = await runComponent(
      () =>
        new RayCluster("ray", {
          rayVersion: "2.52.0",
          pythonTag: "py310",
          cudaTag: "cu121",
          registryLoginServer: "cybersmartstg.azurecr.io",
          workerRepository: "data-ai/face-ocr-worker",
          settings: parsedRay({}),
        }),
    );
    const worker = workerOf(r);
    expect([worker.image, worker.imagePullPolicy]).toEqual([`${WORKER}:dev`, "Always"]);
  });
});

describe("GPU worker env", () => {
  it("a stack's env var goes after the derived ones; a built-in one is replaced in place", async () => {
    const r = await runStack({ config: { ray: devRay({ gpuWorker: { env: { NVIDIA_VISIBLE_DEVICES: "0", FACE_BATCH: 8 } } }) } });
    expect(workerGroupOf(r, "gpu-worker-group").template.spec.containers[0].env).toEqual([
      { name: "RAY_memory_monitor_refresh_ms", value: "0" },
      { name: "NVIDIA_VISIBLE_DEVICES", value: "0" },
      { name: "PYTHONPATH", value: "/shared-packages:/app" },
      { name: "LD_LIBRARY_PATH", value: "/shared-packages/nvidia/cudnn/lib:/shared-packages/nvidia/cuda_runtime/lib" },
      { name: "FACE_BATCH", value: "8" },
    ]);
  });

  it("gpus: 2 sets num-gpus and both nvidia.com/gpu quantities", async () => {
    const group = workerGroupOf(await runStack({ config: { "ray.gpuWorker.gpus": "2" } }), "gpu-worker-group");
    expect(group.rayStartParams).toEqual({ block: "true", "num-cpus": "8", "num-gpus": "2" });
    expect(group.template.spec.containers[0].resources).toEqual({
      limits: { cpu: "6", memory: "12Gi", "nvidia.com/gpu": 2 },
      requests: { cpu: "6", memory: "4Gi", "nvidia.com/gpu": 2 },
    });
  });
});

describe("serveConfigV2 from typed config", () => {
  it("renders the applications as Serve's YAML", async () => {
    const applications = [
      {
        name: "ocr",
        route_prefix: "/ocr",
        import_path: "apps.ocr:app",
        runtime_env: { working_dir: "https://example.com/apps/ocr.zip", env_vars: { OMP_NUM_THREADS: "1" } },
        deployments: [{ name: "OcrModel", num_replicas: 1, ray_actor_options: { num_cpus: 1, num_gpus: 0.5 } }],
      },
    ];
    const r = await runStack({ config: { ray: devRay({ serve: { applications } }) } });
    expect(rayServiceOf(r).spec.serveConfigV2).toBe(
      [
        "applications:",
        "  - name: ocr",
        "    route_prefix: /ocr",
        "    import_path: apps.ocr:app",
        "    runtime_env:",
        "      working_dir: https://example.com/apps/ocr.zip",
        "      env_vars:",
        '        OMP_NUM_THREADS: "1"',
        "    deployments:",
        "      - name: OcrModel",
        "        num_replicas: 1",
        "        ray_actor_options:",
        "          num_cpus: 1",
        "          num_gpus: 0.5",
        "",
      ].join("\n"),
    );
  });
});

function parsedRay(ray: Record<string, unknown>) {
  const result = parseStackConfig({
    cluster: EXAMPLE_CLUSTER,
    registry: { resourceGroupName: "rg-test" },
    ray: { ...minimalStackConfig().ray, ...ray },
  });
  if (!result.ok) throw new Error(result.problems.join("\n"));
  return result.config.ray;
}
