// A registry the stack owns versus one it only references: what each registers, what each calls, and where every
// image URL comes from.
import * as YAML from "yaml";
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../config/parse";
import { fakeDigest } from "../../plan/mocks";
import { devStackSection, EXAMPLE_CLUSTER, runStack } from "../harness";

const REGISTRY = "azure-native:containerregistry:Registry";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const COMPONENT = "face-ocr:registry:ContainerRegistry";
const HELM_RELEASE = "kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease";
const RAY_SERVICE = "kubernetes:ray.io/v1:RayService";
/** The provider that reads the worker tag's digest from the registry (components/registry/imageDigest.ts). */
const REGISTRY_READER = "pulumi:providers:docker";
const LOGIN_SERVER = "sharedregistry.azurecr.io";
const SUBSCRIPTION = "11111111-1111-1111-1111-111111111111";
const REGISTRY_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-shared/providers/Microsoft.ContainerRegistry/registries/sharedregistry`;
const PRINCIPAL = "22222222-3333-4444-5555-666666666666";

const referenced = (extra: Record<string, unknown> = {}) => ({
  mode: "reference",
  loginServer: LOGIN_SERVER,
  kubeletAcrPull: false,
  pullSecrets: devStackSection("registry").pullSecrets,
  ...extra,
});

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("a managed registry (the dev default)", () => {
  it("registers the registry, its reader and AcrPull under the component, and asks Azure once for the subscription", async () => {
    const run = await runStack();
    const component = run.one(COMPONENT);
    expect(run.resources.filter((r) => r.parent === component.urn).map((r) => r.type)).toEqual([
      REGISTRY,
      REGISTRY_READER,
      ROLE_ASSIGNMENT,
    ]);
    expect(run.invokes.filter((i) => i.token.startsWith("azure-native:")).map((i) => i.token)).toEqual([
      "azure-native:authorization:getClientConfig",
    ]);
  });
});

describe("a referenced registry (registry.mode reference)", () => {
  it("registers no Azure resource and makes no Azure call; every image URL derives from its login server", async () => {
    const run = await runStack({ config: { registry: referenced() } });
    const component = run.one(COMPONENT);
    // Only the docker provider that reads the worker tag's digest, for the referenced login server.
    expect(run.resources.filter((r) => r.parent === component.urn).map((r) => [r.type, r.inputs.registryAuth])).toEqual([
      [REGISTRY_READER, JSON.stringify([{ address: LOGIN_SERVER }])],
    ]);
    expect(run.resources.filter((r) => r.type.startsWith("azure-native:"))).toEqual([]);
    expect(run.invokes.filter((i) => i.token.startsWith("azure-native:"))).toEqual([]);
    // The dev stack's 34 resources less the registry and its AcrPull assignment.
    expect(run.resources).toHaveLength(32);

    const rayService = run.one(RAY_SERVICE).inputs as Loose;
    const gpu = rayService.spec.rayClusterConfig.workerGroupSpecs[1].template.spec;
    expect(gpu.containers[0].image).toBe(
      `${LOGIN_SERVER}/data-ai/face-ocr-worker:dev@${fakeDigest(`${LOGIN_SERVER}/data-ai/face-ocr-worker:dev`)}`,
    );
    expect(gpu.imagePullSecrets).toEqual([{ name: "regcred" }]);
    expect((run.one(HELM_RELEASE).inputs as Loose).spec.values.image.repository).toBe(`${LOGIN_SERVER}/data-ai/face-ocr-api`);
    expect(run.outputs.registryLoginServer).toBe(LOGIN_SERVER);
    const workerYaml = YAML.parse((run.outputs.generatedFiles as Record<string, string>)["app-repos/face-ocr-worker/azure-pipelines.yaml"]);
    expect(workerYaml.extends.parameters.DockerFiles[0].registryUrl).toBe(`${LOGIN_SERVER}/data-ai/face-ocr-worker`);
  });

  it("grants the kubelet AcrPull only with the registry's resource id, scoped to it, still without an Azure call", async () => {
    const run = await runStack({
      config: { registry: referenced({ kubeletAcrPull: true, kubeletPrincipalId: PRINCIPAL, resourceId: REGISTRY_ID }) },
    });
    expect(run.ofType(REGISTRY)).toEqual([]);
    expect(run.one(ROLE_ASSIGNMENT).inputs).toEqual({
      principalId: PRINCIPAL,
      principalType: "ServicePrincipal",
      roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`,
      scope: REGISTRY_ID,
    });
    expect(run.invokes.filter((i) => i.token.startsWith("azure-native:"))).toEqual([]);
  });

  it("needs no pull secret when the registry's owner grants pulls", async () => {
    const run = await runStack({ config: { registry: referenced({ pullSecrets: [] }) } });
    expect(run.resources.filter((r) => r.type.startsWith("azure-native:"))).toEqual([]);
  });
});

describe("registry mode config", () => {
  const ray = devStackSection("ray");
  const problemsOf = (registry: Record<string, unknown>) => {
    const result = parseStackConfig({ cluster: EXAMPLE_CLUSTER, registry, ray });
    return result.ok ? [] : result.problems;
  };

  it("a referenced registry is named by its login server", () => {
    expect(problemsOf({ mode: "reference", kubeletAcrPull: false })).toEqual([
      "registry.loginServer is missing: a referenced registry is named by its login server (`az acr show -n <name> --query loginServer -o tsv`); set it with `pulumi config set --path registry.loginServer <value>`",
    ]);
  });

  it("AcrPull on a referenced registry needs its resource id", () => {
    expect(problemsOf({ mode: "reference", loginServer: LOGIN_SERVER, kubeletPrincipalId: PRINCIPAL })).toEqual([
      "registry.kubeletAcrPull = true: the kubelet identity's AcrPull is scoped to the registry, and a referenced registry without registry.resourceId has no scope; " +
        "set registry.resourceId (`az acr show -n <name> --query id -o tsv`), or set registry.kubeletAcrPull false when the registry's owner grants pulls; " +
        "set it with `pulumi config set --path registry.kubeletAcrPull <value>`",
    ]);
  });

  it("a referenced registry's settings are its owner's; a managed registry's login server and id are its own", () => {
    expect(problemsOf({ ...referenced(), sku: "Premium", resourceGroupName: "rg" })).toEqual([
      "registry.resourceGroupName = \"rg\": expected no value: registry.mode is reference, so the registry's settings are its owner's, not this stack's; remove it with `pulumi config rm --path registry.resourceGroupName`",
      "registry.sku = \"Premium\": expected no value: registry.mode is reference, so the registry's settings are its owner's, not this stack's; remove it with `pulumi config rm --path registry.sku`",
    ]);
    expect(
      problemsOf({
        resourceGroupName: "rg",
        kubeletAcrPull: false,
        pullSecrets: [{ namespace: "ray", name: "regcred" }],
        loginServer: LOGIN_SERVER,
      }),
    ).toEqual([
      `registry.loginServer = "${LOGIN_SERVER}": expected no value: registry.mode is manage, so the login server is derived from registry.name; remove it with \`pulumi config rm --path registry.loginServer\``,
    ]);
  });
});
