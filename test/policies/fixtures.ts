/**
 * Hand-built resources shaped like the deployment guide's manifests (Appendix
 * D's GPU worker group, Appendix B's HelmRelease) with the guide's mistakes
 * fixed: each one passes every policy. Tests mutate one field of a fresh copy.
 * No value here is a real credential.
 */
import type { PlanResource } from "../../policies/runner";

export const STACK = "dev";
export const PROJECT = "face-ocr-platform";

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

export function planResource(
  type: string,
  name: string,
  props: Record<string, unknown>,
  opts: { protect?: boolean; parent?: string } = {},
): PlanResource {
  return { urn: urnOf(type, name), type, name, props, protect: opts.protect ?? false, parent: opts.parent, dependencies: [] };
}

export const RAY_SERVICE = "kubernetes:ray.io/v1:RayService";
export const HELM_RELEASE = "kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease";
export const BUILD_DEFINITION = "azuredevops:index/buildDefinition:BuildDefinition";
export const REGISTRY = "azure-native:containerregistry:Registry";
export const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
export const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
export const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

/** Appendix D's install script, with its unquoted pins quoted. */
export const INSTALL_SCRIPT = `set -e
echo "=== Installing heavy ML dependencies ==="

# [1/5] PyTorch
pip install --target=/shared-packages --no-cache-dir \\
  torch torchvision --index-url https://download.pytorch.org/whl/cu121

# [2/5] PaddlePaddle + PaddleOCR (pin <3.0.0)
pip install --target=/shared-packages --no-cache-dir \\
  "paddlepaddle-gpu>=2.5.0" "paddleocr>=2.7.0,<3.0.0"

# [3/5] EasyOCR
pip install --target=/shared-packages --no-cache-dir "easyocr>=1.7.0"

# [4/5] ONNX Runtime GPU + cuDNN 9
pip install --target=/shared-packages --no-cache-dir \\
  onnxruntime-gpu nvidia-cudnn-cu12 "numpy<2"

# [5/5] OpenCV
pip install --target=/shared-packages --no-cache-dir \\
  opencv-python-headless==4.8.1.78

# [6/6] Fix numpy (OpenCV installs 2.x, ONNX needs <2)
pip install --target=/shared-packages --no-cache-dir --upgrade "numpy<2"

# Remove Ray-conflicting packages
rm -rf /shared-packages/protobuf* /shared-packages/google/protobuf* /shared-packages/google-*.dist-info 2>/dev/null || true
rm -rf /shared-packages/click* /shared-packages/click-*.dist-info 2>/dev/null || true

# Verify
export PYTHONPATH=/shared-packages
python -c "import torch; print('PyTorch:', torch.__version__)"
python -c "import onnxruntime; print('ONNX Runtime:', onnxruntime.__version__)"

# Download models to PVC (skip if already present)
mkdir -p /tmp/models
if [ -f /tmp/models/scrfd_10g.onnx ] && [ -f /tmp/models/w600k_r50.onnx ]; then
  echo "Models already in PVC"
else
  wget -q -O /tmp/models/scrfd_10g.onnx https://huggingface.co/immich-app/buffalo_l/resolve/main/detection/model.onnx
fi
echo "=== Done ==="
`;

function rayPod(image: string, extra: Record<string, unknown> = {}) {
  return {
    containers: [
      {
        name: "ray-node",
        image,
        resources: { limits: { cpu: "2", memory: "8Gi" }, requests: { cpu: "1", memory: "4Gi" } },
        volumeMounts: [{ mountPath: "/tmp/ray", name: "log-volume" }],
      },
    ],
    volumes: [{ name: "log-volume", emptyDir: {} }],
    ...extra,
  };
}

export function rayServiceProps(): Record<string, unknown> {
  return {
    apiVersion: "ray.io/v1",
    kind: "RayService",
    metadata: { name: "rayservice", namespace: "ray" },
    spec: {
      rayClusterConfig: {
        rayVersion: "2.52.0",
        headGroupSpec: {
          rayStartParams: { "dashboard-host": "0.0.0.0", "ray-client-server-port": "10001" },
          template: { spec: rayPod("rayproject/ray:2.52.0-py310") },
        },
        workerGroupSpecs: [
          {
            groupName: "default-worker-group",
            replicas: 1,
            minReplicas: 1,
            maxReplicas: 2,
            rayStartParams: {},
            template: { spec: rayPod("rayproject/ray:2.52.0-py310") },
          },
          {
            groupName: "gpu-worker-group",
            replicas: 1,
            minReplicas: 1,
            maxReplicas: 3,
            rayStartParams: { block: "true", "num-cpus": "8", "num-gpus": "1" },
            template: {
              metadata: { labels: { component: "gpu-worker" } },
              spec: {
                tolerations: [
                  { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" },
                  { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
                ],
                initContainers: [
                  {
                    name: "install-heavy-deps",
                    image: "rayproject/ray:2.52.0-py310-cu121",
                    command: ["/bin/bash", "-c"],
                    args: [INSTALL_SCRIPT],
                    volumeMounts: [
                      { mountPath: "/shared-packages", name: "python-packages" },
                      { mountPath: "/tmp/models", name: "model-cache" },
                    ],
                    resources: { limits: { cpu: "2", memory: "4Gi" }, requests: { cpu: "1", memory: "2Gi" } },
                  },
                ],
                containers: [
                  {
                    name: "ray-worker",
                    image: "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:1.0.0-build.42",
                    resources: {
                      limits: { cpu: "6", memory: "12Gi", "nvidia.com/gpu": 1 },
                      requests: { cpu: "6", memory: "4Gi", "nvidia.com/gpu": 1 },
                    },
                    volumeMounts: [
                      { mountPath: "/tmp/ray", name: "log-volume" },
                      { mountPath: "/tmp/models", name: "model-cache" },
                      { mountPath: "/shared-packages", name: "python-packages" },
                    ],
                    env: [
                      { name: "RAY_memory_monitor_refresh_ms", value: "0" },
                      { name: "NVIDIA_VISIBLE_DEVICES", value: "all" },
                      { name: "PYTHONPATH", value: "/shared-packages:/app" },
                      { name: "LD_LIBRARY_PATH", value: "/shared-packages/nvidia/cudnn/lib:/shared-packages/nvidia/cuda_runtime/lib" },
                    ],
                  },
                ],
                volumes: [
                  { name: "log-volume", emptyDir: {} },
                  { name: "model-cache", persistentVolumeClaim: { claimName: "face-ocr-models" } },
                  { name: "python-packages", emptyDir: { sizeLimit: "10Gi" } },
                ],
              },
            },
          },
        ],
      },
    },
  };
}

/** Appendix B with its secrets moved to a Secret passed through valuesFrom, and the tag taken from Flux's ConfigMap. */
export function helmReleaseProps(): Record<string, unknown> {
  return {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata: { name: "face-ocr-api", namespace: "default" },
    spec: {
      targetNamespace: "cyber",
      interval: "1m",
      chart: {
        spec: {
          chart: "microservice",
          reconcileStrategy: "ChartVersion",
          sourceRef: { kind: "HelmRepository", name: "s2t-acr-helm-repo" },
        },
      },
      valuesFrom: [
        { kind: "ConfigMap", name: "face-ocr-api-image", valuesKey: "tag", targetPath: "image.tag" },
        { kind: "Secret", name: "face-ocr-api-secrets", valuesKey: "DATABASE_URL", targetPath: "env.DATABASE_URL" },
        { kind: "Secret", name: "face-ocr-api-secrets", valuesKey: "CHROMA_TOKEN", targetPath: "env.CHROMA_TOKEN" },
        { kind: "Secret", name: "face-ocr-api-secrets", valuesKey: "DOSASHOP_KEY", targetPath: "env.DOSASHOP_KEY" },
      ],
      values: {
        image: { repository: "cybersmartstg.azurecr.io/data-ai/face-ocr-api", pullPolicy: "IfNotPresent" },
        imagePullSecrets: [{ name: "regcred-acr" }],
        imageAutoUpdate: { enabled: true, fluxPullSecret: "regcred-acr", fluxApiVersion: "image.toolkit.fluxcd.io/v1" },
        env: {
          ENVIRONMENT: "development",
          APP_PORT: "8000",
          RAY_ADDRESS: "ray://rayservice-head-svc.ray.svc.cluster.local:10001",
          RAY_NAMESPACE: "face-ocr",
          CHROMA_HOST: "chroma-chromadb.default.svc.cluster.local",
          CHROMA_PORT: "8000",
          CHROMA_COLLECTION: "face_identities",
          DOSASHOP_BASE_URL: "https://api.dosashop1.com/azblob",
          DOSASHOP_SAS_TTL_SECONDS: "1800",
          REDIS_URL: "redis://redis-master.cyber.svc.cluster.local:6379/0",
        },
        resources: { limits: { cpu: "1", memory: "2Gi" }, requests: { cpu: "250m", memory: "512Mi" } },
      },
    },
  };
}

export function buildDefinitionProps(repo: string, rayVersion = "2.52.0"): Record<string, unknown> {
  return {
    projectId: "data-ai",
    name: repo,
    path: "\\face-ocr",
    ciTrigger: { useYaml: true },
    repository: { repoType: "TfsGit", repoId: `${repo}-repo-id`, branchName: "refs/heads/main", ymlPath: "azure-pipelines.yaml" },
    variables: [
      { name: "RAY_VERSION", value: rayVersion },
      { name: "REGISTRY_URL", value: `cybersmartstg.azurecr.io/data-ai/${repo}` },
    ],
  };
}

export function registryProps(): Record<string, unknown> {
  return { registryName: "cybersmartstg", resourceGroupName: "rg-data-ai-dev", sku: { name: "Premium" }, adminUserEnabled: false };
}

export function pvcProps(): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: "face-ocr-models", namespace: "ray" },
    spec: { accessModes: ["ReadWriteMany"], storageClassName: "azurefile", resources: { requests: { storage: "1Gi" } } },
  };
}

/** A whole passing stack: RayService, HelmRelease, both pipelines, registry, model PVC. */
export function fixtureStack(): PlanResource[] {
  return [
    planResource("pulumi:pulumi:Stack", `${PROJECT}-${STACK}`, {}),
    planResource(RAY_SERVICE, "rayservice", rayServiceProps()),
    planResource(HELM_RELEASE, "face-ocr-api", helmReleaseProps()),
    planResource(BUILD_DEFINITION, "face-ocr-worker", buildDefinitionProps("face-ocr-worker")),
    planResource(BUILD_DEFINITION, "face-ocr-api", {
      ...buildDefinitionProps("face-ocr-api"),
      variables: [
        { name: "RAY_VERSION", value: "2.52.0" },
        { name: "RAY_CLIENT_REQUIREMENT", value: "ray[client]==2.52.0" },
      ],
    }),
    planResource(REGISTRY, "registry-acr", registryProps(), { protect: true }),
    planResource(PVC, "face-ocr-models", pvcProps(), { protect: true }),
  ];
}

/** The one resource of a type (and name) in a list; throws otherwise. */
export function find(resources: readonly PlanResource[], type: string, name?: string): PlanResource {
  const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
  if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` "${name}"` : ""}, found ${found.length}`);
  return found[0];
}

/** A field of props by path segments, for mutating fixtures: `at(props, "spec", "rayClusterConfig")`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function at(obj: any, ...keys: (string | number)[]): any {
  return keys.reduce((o, k) => {
    if (o === undefined || o === null) throw new Error(`no ${String(k)} in path ${keys.join(".")}`);
    return o[k];
  }, obj);
}
