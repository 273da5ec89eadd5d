// Appendix B of ../shared/reference/face-ocr-deployment-guide.md (draft-deployment/dev/face-ocr-api.yaml),
// field by field. Every expected value below is typed from the guide, not copied from program output.
// Fields the program renders differently on purpose are asserted as such, with the reason; the parity
// table in docs/api.md lists the same.
import { beforeAll, describe, expect, it } from "vitest";
import { RecordedRun, runStack, kubeletOnlyRegistry } from "../harness";
import { devRegistryWithGuidePullSecrets, FAKE_SECRETS, inputsOf, Loose, TYPES } from "./fixtures";

let run: RecordedRun;
let release: Loose;

// Pull access is the registry component's: with the guide's pull secrets configured (as the live cluster
// has them), the release must reproduce Appendix B. The dev default (kubelet identity) is tested below.
beforeAll(async () => {
  run = await runStack({ secrets: FAKE_SECRETS, config: { registry: devRegistryWithGuidePullSecrets() } });
  release = inputsOf(run.one(TYPES.helmRelease));
});

describe("Appendix B: header", () => {
  it("apiVersion helm.toolkit.fluxcd.io/v2, kind HelmRelease", () => {
    expect(release.apiVersion).toBe("helm.toolkit.fluxcd.io/v2");
    expect(release.kind).toBe("HelmRelease");
  });
  it("metadata: name face-ocr-api, namespace default (the live object, for pulumi import)", () => {
    expect(release.metadata).toEqual({ name: "face-ocr-api", namespace: "default" });
  });
});

describe("Appendix B: spec", () => {
  it("targetNamespace cyber, interval 1m", () => {
    expect(release.spec.targetNamespace).toBe("cyber");
    expect(release.spec.interval).toBe("1m");
  });
  it("chart microservice, reconcileStrategy ChartVersion, from HelmRepository s2t-acr-helm-repo, no version pin", () => {
    expect(release.spec.chart).toEqual({
      spec: {
        chart: "microservice",
        reconcileStrategy: "ChartVersion",
        sourceRef: { kind: "HelmRepository", name: "s2t-acr-helm-repo" },
      },
    });
  });
  it("the chart source is the shared HelmRepository, referenced by name (no stack owns it by default)", () => {
    expect(run.ofType(TYPES.helmRepository)).toHaveLength(0);
  });
  it("a managed chart source is the HelmRepository resource itself, in the release's namespace", async () => {
    const managed = await runStack({ config: { registry: devRegistryWithGuidePullSecrets(), "api.helmRepository.mode": "manage" } });
    const repository = managed.one(TYPES.helmRepository);
    expect(inputsOf(repository).metadata).toEqual({ name: "s2t-acr-helm-repo", namespace: "default" });
    expect(managed.one(TYPES.helmRelease).dependencies).toContain(repository.urn);
  });
});

describe("Appendix B: values", () => {
  const values = () => release.spec.values;

  it("vpa: enabled, updateMode Auto", () => {
    expect(values().vpa).toEqual({ enabled: true, updateMode: "Auto" });
  });
  it("image.repository cybersmartstg.azurecr.io/data-ai/face-ocr-api, pullPolicy Always", () => {
    expect(values().image.repository).toBe("cybersmartstg.azurecr.io/data-ai/face-ocr-api");
    expect(values().image.pullPolicy).toBe("Always");
  });
  it("image.tag is not in values: it comes from Flux's ConfigMap (deviation: Flux owns the tag)", () => {
    expect(values().image).not.toHaveProperty("tag");
    expect(release.spec.valuesFrom).toContainEqual({
      kind: "ConfigMap",
      name: "face-ocr-api-image-tag",
      valuesKey: "tag",
      targetPath: "image.tag",
      literal: true,
    });
  });
  it("imagePullSecrets: regcred-acr", () => {
    expect(values().imagePullSecrets).toEqual([{ name: "regcred-acr" }]);
  });
  it("imagePullSecrets under the kubelet identity (registry default, deviation): none, the kubelet pulls", async () => {
    const kubelet = await runStack({ config: { registry: kubeletOnlyRegistry() } });
    expect(inputsOf(kubelet.one(TYPES.helmRelease)).spec.values.imagePullSecrets).toEqual([]);
    expect(inputsOf(kubelet.one(TYPES.helmRelease)).spec.values.imageAutoUpdate).not.toHaveProperty("fluxPullSecret");
  });
  it("imageAutoUpdate: fluxPullSecret regcred-acr, fluxApiVersion image.toolkit.fluxcd.io/v1; enabled false (deviation: this stack owns the image objects)", () => {
    expect(values().imageAutoUpdate).toEqual({
      enabled: false,
      fluxPullSecret: "regcred-acr",
      fluxApiVersion: "image.toolkit.fluxcd.io/v1",
    });
  });
  it("replicaCount 1, containerPort 8000", () => {
    expect(values().replicaCount).toBe(1);
    expect(values().containerPort).toBe(8000);
  });
  it("resources: limits cpu 1 / memory 2Gi, requests cpu 250m / memory 512Mi", () => {
    expect(values().resources).toEqual({ limits: { cpu: "1", memory: "2Gi" }, requests: { cpu: "250m", memory: "512Mi" } });
  });
  it("livenessProbe: GET /api/v1/ping on 8000, initialDelaySeconds 15, periodSeconds 30", () => {
    expect(values().livenessProbe).toEqual({ httpGet: { path: "/api/v1/ping", port: 8000 }, initialDelaySeconds: 15, periodSeconds: 30 });
  });
  it("readinessProbe: GET /api/v1/ready on 8000, initialDelaySeconds 10, periodSeconds 10", () => {
    expect(values().readinessProbe).toEqual({ httpGet: { path: "/api/v1/ready", port: 8000 }, initialDelaySeconds: 10, periodSeconds: 10 });
  });
  it("startupProbe (addition, from the PaddleOCR-VL guide): GET /api/v1/ping every 10 s, timeout 5 s, 30 attempts", () => {
    expect(values().startupProbe).toEqual({
      httpGet: { path: "/api/v1/ping", port: 8000 },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 30,
    });
  });
  it("nothing else: exactly the keys of Appendix B's values plus startupProbe", () => {
    expect(Object.keys(values()).sort()).toEqual(
      [
        "vpa",
        "image",
        "imagePullSecrets",
        "imageAutoUpdate",
        "env",
        "replicaCount",
        "containerPort",
        "resources",
        "livenessProbe",
        "readinessProbe",
        "startupProbe",
      ].sort(),
    );
  });
});

describe("Appendix B: env", () => {
  // The guide's plain values, as Appendix B writes them (strings: the chart puts them in env[].value).
  const GUIDE_PLAIN_ENV: [string, string][] = [
    ["ENVIRONMENT", "development"],
    ["APP_PORT", "8000"],
    ["RAY_ADDRESS", "ray://rayservice-head-svc.ray.svc.cluster.local:10001"],
    ["RAY_NAMESPACE", "face-ocr"],
    ["CHROMA_HOST", "chroma-chromadb.default.svc.cluster.local"],
    ["CHROMA_PORT", "8000"],
    ["CHROMA_COLLECTION", "face_identities"],
    ["DOSASHOP_BASE_URL", "https://api.dosashop1.com/azblob"],
    ["DOSASHOP_DEFAULT_CONTAINER", "vidint"],
    ["DOSASHOP_UPLOAD_CONTAINER", "vidint"],
    ["DOSASHOP_SAS_TTL_SECONDS", "1800"],
    ["MAX_UPLOAD_SIZE_MB", "500"],
    ["JOB_TTL_SECONDS", "3600"],
    ["REDIS_URL", "redis://redis-master.cyber.svc.cluster.local:6379/0"],
  ];
  const GUIDE_SECRET_ENV = ["DATABASE_URL", "CHROMA_TOKEN", "DOSASHOP_KEY"];

  it.each(GUIDE_PLAIN_ENV)("%s = %s", (name, value) => {
    expect(release.spec.values.env[name]).toBe(value);
  });

  it("holds exactly the guide's plain variables", () => {
    expect(Object.keys(release.spec.values.env).sort()).toEqual(GUIDE_PLAIN_ENV.map(([name]) => name).sort());
  });

  it.each(GUIDE_SECRET_ENV)("%s comes through valuesFrom from the Secret (deviation: never in the HelmRelease)", (name) => {
    expect(release.spec.values.env).not.toHaveProperty(name);
    expect(release.spec.valuesFrom).toContainEqual({
      kind: "Secret",
      name: "face-ocr-api-secret-env",
      valuesKey: name,
      targetPath: `env.${name}`,
      literal: true,
    });
  });

  it("DATABASE_URL has the guide's shape: postgresql://postgres:<db-password>@postgres.cyber.svc.cluster.local:5432/face-ocr-db", () => {
    const secret = run.one(TYPES.secret, "api-secret-env");
    const stringData = secret.plainInputs.stringData as Record<string, string>;
    expect(stringData.DATABASE_URL).toBe(
      `postgresql://postgres:${FAKE_SECRETS.databasePassword}@postgres.cyber.svc.cluster.local:5432/face-ocr-db`,
    );
    expect(stringData.CHROMA_TOKEN).toBe(FAKE_SECRETS.chromaToken);
    expect(stringData.DOSASHOP_KEY).toBe(FAKE_SECRETS.dosashopKey);
  });
});

describe("derived, not retyped", () => {
  it("image.repository follows the registry: another registry name moves it", async () => {
    const other = await runStack({
      config: { registry: { ...devRegistryWithGuidePullSecrets(), name: "otherregistry1" }, "api.helmRepository.mode": "manage" },
    });
    const values = inputsOf(other.one(TYPES.helmRelease)).spec.values;
    expect(values.image.repository).toBe("otherregistry1.azurecr.io/data-ai/face-ocr-api");
    expect(inputsOf(other.one(TYPES.imageRepository)).spec.image).toBe("otherregistry1.azurecr.io/data-ai/face-ocr-api");
    expect(inputsOf(other.one(TYPES.helmRepository)).spec.url).toBe("oci://otherregistry1.azurecr.io/helm");
  });
  it("the chart source follows the HelmRepository: a renamed repository in another namespace is referenced with its namespace", async () => {
    const other = await runStack({ config: { "api.helmRepository.name": "charts", "api.helmRepository.namespace": "flux-system" } });
    expect(inputsOf(other.one(TYPES.helmRelease)).spec.chart.spec.sourceRef).toEqual({
      kind: "HelmRepository",
      name: "charts",
      namespace: "flux-system",
    });
  });
  it("a referenced HelmRepository (the default) is not created, and the release still names it", () => {
    expect(run.ofType(TYPES.helmRepository)).toHaveLength(0);
    expect(inputsOf(run.one(TYPES.helmRelease)).spec.chart.spec.sourceRef).toEqual({ kind: "HelmRepository", name: "s2t-acr-helm-repo" });
  });
  it("APP_PORT, containerPort and every probe port are one value", async () => {
    const other = await runStack({ config: { "api.containerPort": "8080" } });
    const values = inputsOf(other.one(TYPES.helmRelease)).spec.values;
    expect([
      values.env.APP_PORT,
      values.containerPort,
      values.livenessProbe.httpGet.port,
      values.readinessProbe.httpGet.port,
      values.startupProbe.httpGet.port,
    ]).toEqual(["8080", 8080, 8080, 8080, 8080]);
  });
});
