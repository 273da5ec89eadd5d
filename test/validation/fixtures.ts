/** Well-formed custom resources the test/validation suites start from and break one field of. */

export const podSpec = () => ({
  containers: [{ name: "ray-head", image: "rayproject/ray:2.52.0-py310", resources: { requests: { cpu: "1", memory: "2Gi" } } }],
});

export const rayService = () => ({
  apiVersion: "ray.io/v1",
  kind: "RayService",
  metadata: { name: "rayservice", namespace: "ray" },
  spec: {
    serveConfigV2: "applications: []\n",
    rayClusterConfig: {
      rayVersion: "2.52.0",
      headGroupSpec: { rayStartParams: { "dashboard-host": "0.0.0.0" }, template: { spec: podSpec() } },
      workerGroupSpecs: [
        { groupName: "gpu-worker-group", replicas: 1, minReplicas: 1, maxReplicas: 3, rayStartParams: {}, template: { spec: podSpec() } },
      ],
    },
  },
});

export const helmRelease = () => ({
  apiVersion: "helm.toolkit.fluxcd.io/v2",
  kind: "HelmRelease",
  metadata: { name: "face-ocr-api", namespace: "default" },
  spec: {
    interval: "1m",
    targetNamespace: "cyber",
    chart: {
      spec: { chart: "microservice", reconcileStrategy: "ChartVersion", sourceRef: { kind: "HelmRepository", name: "s2t-acr-helm-repo" } },
    },
    values: { replicaCount: 1 },
  },
});

export const rayCluster = () => ({
  apiVersion: "ray.io/v1",
  kind: "RayCluster",
  metadata: { name: "raycluster", namespace: "ray" },
  spec: rayService().spec.rayClusterConfig,
});

export const imagePolicy = () => ({
  apiVersion: "image.toolkit.fluxcd.io/v1",
  kind: "ImagePolicy",
  metadata: { name: "face-ocr-api", namespace: "cyber" },
  spec: { imageRepositoryRef: { name: "face-ocr-api" }, policy: { semver: { range: ">=1.0.0-0" } } },
});

export const gitRepository = () => ({
  apiVersion: "source.toolkit.fluxcd.io/v1",
  kind: "GitRepository",
  metadata: { name: "draft-deployment", namespace: "cyber" },
  spec: { interval: "1m", url: "https://dev.azure.com/example/project/_git/draft-deployment" },
});

/** `base` with `patch` merged into its spec; a field patched to undefined is removed. */
export function withSpec<T extends { spec: object }>(base: T, patch: Record<string, unknown>): T {
  const spec: Record<string, unknown> = { ...base.spec, ...patch };
  for (const [key, value] of Object.entries(patch)) if (value === undefined) delete spec[key];
  return { ...base, spec };
}
