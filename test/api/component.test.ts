// The component itself: what it registers, under which names and parent, with which options, and the
// pure builders behind it (no Pulumi runtime needed for those).
import { describe, expect, it } from "vitest";
import { apiNames, childNames, databaseUrl, FaceOcrApi, helmReleaseObject, helmRepositorySpec, plainEnv } from "../../components/api";
import { parseStackConfigOrThrow } from "../../config/parse";
import { ApiConfig } from "../../config/sections/api";
import { runComponent } from "../harness";
import { apiResources, TYPES, MINIMAL_STACK_CONFIG } from "./fixtures";

function apiConfig(api: Record<string, unknown> = {}): ApiConfig {
  return parseStackConfigOrThrow({ ...MINIMAL_STACK_CONFIG, api }, "dev").api;
}

const ARGS = {
  environment: "dev",
  imageRepository: "example.azurecr.io/data-ai/face-ocr-api",
  registryLoginServer: "example.azurecr.io",
  rayAddress: "ray://rayservice-head-svc.ray.svc.cluster.local:10001",
  rayNamespace: "face-ocr",
  databasePassword: "fake-db-password-123",
  chromaToken: "fake-chroma-token-456",
  dosashopKey: "fake-dosashop-key-789",
  // The registry component's answer when the kubelet identity pulls and Flux has a secret in flux-system.
  registryPullAccess: {
    imagePullSecrets: () => [],
    pullSecretName: (namespace: string) => (namespace === "flux-system" ? "flux-pull" : undefined),
  },
};

describe("FaceOcrApi", () => {
  it("registers exactly the component and its six children, named from the component's name", async () => {
    const run = await runComponent(() => new FaceOcrApi("edge", { ...ARGS, config: apiConfig({ helmRepository: { mode: "manage" } }) }));
    const resources = apiResources(run.resources, "edge");
    // Registration order follows Output resolution; compare the set.
    const byName = (a: string[], b: string[]) => (a[1] < b[1] ? -1 : 1);
    expect(resources.map((r) => [r.type, r.name]).sort(byName)).toEqual(
      [
        [TYPES.component, "edge"],
        [TYPES.namespace, "edge-namespace"],
        [TYPES.helmRepository, "edge-helm-repository"],
        [TYPES.secret, "edge-secret-env"],
        [TYPES.helmRelease, "edge-helm-release"],
        [TYPES.imageRepository, "edge-image-repository"],
        [TYPES.imagePolicy, "edge-image-policy"],
      ].sort(byName),
    );
    const component = resources[0];
    expect(resources.slice(1).every((r) => r.parent === component.urn)).toBe(true);
    expect(Object.values(childNames("edge")).sort()).toEqual(
      resources
        .slice(1)
        .map((r) => r.name)
        .sort(),
    );
  });

  it("protects the cyber namespace (it also holds PostgreSQL and Redis); nothing else is protected", async () => {
    const run = await runComponent(() => new FaceOcrApi("api", { ...ARGS, config: apiConfig() }));
    expect(
      apiResources(run.resources)
        .filter((r) => r.protect)
        .map((r) => r.name),
    ).toEqual(["api-namespace"]);
  });

  it("asks the registry for pull access per namespace: pods in cyber, Flux in flux-system and in the HelmRepository's namespace", async () => {
    const run = await runComponent(() => new FaceOcrApi("api", { ...ARGS, config: apiConfig({ helmRepository: { mode: "manage" } }) }));
    const byType = (type: string) =>
      apiResources(run.resources).find((r) => r.type === type)!.inputs as Record<string, Record<string, unknown>>;
    expect((byType(TYPES.helmRelease).spec.values as Record<string, unknown>).imagePullSecrets).toEqual([]);
    expect(byType(TYPES.imageRepository).spec.secretRef).toEqual({ name: "flux-pull" });
    expect(byType(TYPES.helmRepository).spec.provider).toBe("azure");
  });

  it("makes plain secret arguments secret", async () => {
    const run = await runComponent(() => new FaceOcrApi("api", { ...ARGS, config: apiConfig() }));
    expect(JSON.stringify(run.resources.map((r) => r.inputs))).not.toContain("fake-");
  });

  it("exposes the references operators look up and the git file", async () => {
    let api: FaceOcrApi | undefined;
    await runComponent(() => {
      api = new FaceOcrApi("api", { ...ARGS, config: apiConfig() });
    });
    expect(api?.serviceName).toBe("cyber-face-ocr-api-microservice");
    expect(api?.imageTagFile.path).toBe("dev/face-ocr-api-image-tag.yaml");
    const refs = await new Promise<string[]>((resolve) =>
      api!.helmReleaseRef.apply((a) => api!.imagePolicyRef.apply((b) => resolve([a, b]))),
    );
    expect(refs).toEqual(["default/face-ocr-api", "flux-system/cyber-face-ocr-api-helm-image-policy"]);
  });
});

describe("pure builders", () => {
  it("databaseUrl percent-encodes user and password", () => {
    const db = { host: "postgres.cyber.svc.cluster.local", port: 5432, name: "face-ocr-db", user: "postgres" };
    expect(databaseUrl(db, "a@b:c/d")).toBe("postgresql://postgres:a%40b%3Ac%2Fd@postgres.cyber.svc.cluster.local:5432/face-ocr-db");
  });

  it("plainEnv puts extra variables last, sorted, and never touches the derived ones", () => {
    const env = plainEnv(apiConfig({ extraEnv: { ZED: "1", LOG_LEVEL: "debug" } }), { address: "ray://h:10001", namespace: "ns" });
    expect(Object.keys(env).slice(-2)).toEqual(["LOG_LEVEL", "ZED"]);
    expect(env.RAY_ADDRESS).toBe("ray://h:10001");
  });

  it("a new typed value lands in the release: CHROMA_PORT 9000 given as a string or a number", () => {
    for (const value of ["9000", 9000]) {
      expect(plainEnv(apiConfig({ env: { CHROMA_PORT: value } }), { address: "a", namespace: "b" }).CHROMA_PORT).toBe("9000");
    }
  });

  it("an HTTPS chart index is polled and needs its URL", () => {
    const config = apiConfig({ helmRepository: { type: "default", url: "https://charts.example.com" } });
    expect(helmRepositorySpec(config, "ignored.azurecr.io", undefined)).toEqual({
      type: "default",
      url: "https://charts.example.com",
      interval: "10m",
    });
  });

  it("a pinned chart version is passed on", () => {
    const config = apiConfig({ chart: { version: "1.4.x" } });
    const names = apiNames(config);
    const object = helmReleaseObject({
      config,
      names,
      imageRepository: "r",
      targetNamespace: "cyber",
      chartSource: { name: "s2t-acr-helm-repo", namespace: "default" },
      secretEnvName: names.secretEnvName,
      ray: { address: "a", namespace: "b" },
      registryAuth: { podPullSecrets: [] },
    });
    expect(object.spec.chart?.spec.version).toBe("1.4.x");
  });
});
