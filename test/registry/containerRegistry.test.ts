import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ContainerRegistry } from "../../components/registry/containerRegistry";
import { pipelineYamlFiles } from "../../components/pipelines/pipelineYaml";
import { parseStackConfigOrThrow } from "../../config/parse";
import { SECRET_MASK } from "../../plan/secrets";
import { devStackSection, EXAMPLE_CLUSTER, kubeletOnlyRegistry, runComponent, runStack, unwrap } from "../harness";
import * as YAML from "yaml";

const REGISTRY = "azure-native:containerregistry:Registry";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const SECRET = "kubernetes:core/v1:Secret";
const COMPONENT = "face-ocr:registry:ContainerRegistry";
const FAKE_PASSWORD = "fake-pull-password-for-tests";
/** The subscription the getClientConfig mock answers with. */
const MOCK_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const ACR_PULL = `/subscriptions/${MOCK_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`;

describe("ContainerRegistry in the dev stack", () => {
  it("registers the registry, the kubelet AcrPull assignment and the docker provider that reads the worker's digest, nothing else", async () => {
    const run = await runStack();
    const component = run.one(COMPONENT, "registry");
    const children = run.resources.filter((r) => r.parent === component.urn);
    expect(children.map((r) => [r.type, r.name])).toEqual([
      [REGISTRY, "registry-acr"],
      ["pulumi:providers:docker", "registry-reader"],
      [ROLE_ASSIGNMENT, "registry-kubelet-acrpull"],
    ]);
    expect(run.ofType(SECRET).filter((r) => r.parent === component.urn)).toEqual([]);
  });

  it("is the guide's registry cybersmartstg, no retention policy (it would purge digest-pinned images), protected; offline stand-ins for unset settings", async () => {
    const acr = (await runStack()).one(REGISTRY);
    expect(acr.inputs).toEqual({
      registryName: "cybersmartstg",
      resourceGroupName: "PLACEHOLDER-resource-group-of-cybersmartstg",
      // The offline plan's stand-in for the unset sku; a real run refuses it unset (test below).
      sku: { name: "Premium" },
      // `days` is the SDK's default; it counts only once status is enabled.
      policies: { retentionPolicy: { status: "disabled", days: 7 } },
      // Defaults the azure-native SDK fills in (containerregistry/registry.js) for settings config leaves unset;
      // only the offline plan gets here with them unset.
      adminUserEnabled: false,
      anonymousPullEnabled: false,
      networkRuleBypassOptions: "AzureServices",
      publicNetworkAccess: "Enabled",
      zoneRedundancy: "Disabled",
    });
    expect(acr.protect).toBe(true);
  });

  it("purges untagged manifests only when registry.untaggedRetentionDays is set", async () => {
    const acr = (await runStack({ config: { "registry.untaggedRetentionDays": "30" } })).one(REGISTRY);
    expect(acr.inputs.policies).toEqual({ retentionPolicy: { status: "enabled", days: 30 } });
  });

  it("stops the run when retention is asked of a SKU without it", async () => {
    await expect(runStack({ config: { "registry.sku": "Standard", "registry.untaggedRetentionDays": "7" } })).rejects.toThrow(
      'Invalid config for stack "dev":\n  - registry.untaggedRetentionDays = 7: the retention policy for untagged manifests needs the Premium SKU, but registry.sku is Standard;',
    );
  });

  it("takes registry.sku and registry.adminUserEnabled from stack config end to end", async () => {
    const defaults = (await runStack()).one(REGISTRY).inputs;
    expect([defaults.sku, defaults.adminUserEnabled]).toEqual([{ name: "Premium" }, false]);
    const live = (await runStack({ config: { "registry.sku": "Standard", "registry.adminUserEnabled": "true" } })).one(REGISTRY).inputs;
    expect([live.sku, live.adminUserEnabled]).toEqual([{ name: "Standard" }, true]);
  });

  it("gives the kubelet identity AcrPull on the registry and nothing wider", async () => {
    const run = await runStack({ config: { "registry.kubeletPrincipalId": "11111111-2222-3333-4444-555555555555" } });
    const assignment = run.one(ROLE_ASSIGNMENT);
    expect(assignment.inputs).toEqual({
      principalId: "11111111-2222-3333-4444-555555555555",
      principalType: "ServicePrincipal",
      roleDefinitionId: ACR_PULL,
      // The registry's id, as the output mock answers it (plan/mocks.ts): its ARM id, in the stack's resource group.
      scope:
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/PLACEHOLDER-resource-group-of-cybersmartstg/providers/Microsoft.ContainerRegistry/registries/cybersmartstg",
    });
    expect(assignment.dependencies).toContain(run.one(REGISTRY).urn);
    expect(run.invokes.filter((i) => i.token === "azure-native:authorization:getClientConfig")).toHaveLength(1);
  });

  it("stops the run with one config message when AcrPull is off and nothing else pulls", async () => {
    await expect(runStack({ config: { registry: { ...kubeletOnlyRegistry(), kubeletAcrPull: false } } })).rejects.toThrow(
      'Invalid config for stack "dev":\n  - registry.kubeletAcrPull = false: with no registry.pullSecrets either, no cluster could pull from the registry;',
    );
  });

  it("exposes the login server every image URL derives from", async () => {
    let loginServer: string | undefined;
    let worker: string | undefined;
    await runComponent(async () => {
      const registry = new ContainerRegistry("registry", {
        registryName: "cybersmartstg",
        resourceGroupName: "rg-example",
        kubeletPrincipalId: "11111111-2222-3333-4444-555555555555",
      });
      loginServer = await unwrap(registry.loginServer);
      worker = await unwrap(registry.repositoryUrl("data-ai/face-ocr-worker"));
    });
    expect(loginServer).toBe("cybersmartstg.azurecr.io");
    expect(worker).toBe("cybersmartstg.azurecr.io/data-ai/face-ocr-worker");
  });

  it("gives the generated pipelines the same image URLs the component derives", async () => {
    const config = parseStackConfigOrThrow(
      { cluster: EXAMPLE_CLUSTER, registry: { resourceGroupName: "rg-example", name: "cybersmartstg" }, ray: devStackSection("ray") },
      "dev",
    );
    const urls: Record<string, string> = {};
    await runComponent(async () => {
      const registry = new ContainerRegistry("registry", {
        registryName: config.registry.name,
        resourceGroupName: "rg-example",
        kubeletPrincipalId: "11111111-2222-3333-4444-555555555555",
      });
      urls.worker = await unwrap(registry.repositoryUrl(config.registry.workerRepository));
      urls.api = await unwrap(registry.repositoryUrl(config.registry.apiRepository));
    });
    const registryUrlsIn = (repo: string) => {
      const file = pipelineYamlFiles(config).find((f) => f.repo === repo);
      const doc = YAML.parse(file?.content ?? "") as { extends: { parameters: Record<string, { registryUrl: string }[] | boolean> } };
      const params = doc.extends.parameters;
      return [params.DockerFiles, params.DevRegistries, params.UATRegistries].flatMap((entries) =>
        (entries as { registryUrl: string }[]).map((e) => e.registryUrl),
      );
    };
    expect(urls).toEqual({
      worker: "cybersmartstg.azurecr.io/data-ai/face-ocr-worker",
      api: "cybersmartstg.azurecr.io/data-ai/face-ocr-api",
    });
    expect(registryUrlsIn("face-ocr-worker")).toEqual([urls.worker, urls.worker, urls.worker]);
    expect(registryUrlsIn("face-ocr-api")).toEqual([urls.api, urls.api, urls.api]);
  });

  it("refuses a login server other than the one the pipelines derive from the name", async () => {
    const wrongCloud = { [REGISTRY]: () => ({ loginServer: "cybersmartstg.azurecr.cn" }) };
    await expect(
      runComponent(
        () => {
          new ContainerRegistry("registry", {
            registryName: "cybersmartstg",
            resourceGroupName: "rg-example",
            kubeletPrincipalId: "11111111-2222-3333-4444-555555555555",
          });
          return {};
        },
        { outputs: wrongCloud },
      ),
    ).rejects.toThrow(
      "registry cybersmartstg reports login server cybersmartstg.azurecr.cn, but the pipelines and their generated YAML use cybersmartstg.azurecr.io (acrLoginServer in components/registry/registrySpec.ts)",
    );
  });

  it("takes the SKU and the admin user from its arguments, to match a live registry", async () => {
    const run = await runComponent(
      () =>
        new ContainerRegistry("registry", {
          registryName: "cybersmartstg",
          resourceGroupName: "rg-example",
          sku: "Standard",
          adminUserEnabled: true,
          kubeletPrincipalId: "11111111-2222-3333-4444-555555555555",
        }),
    );
    const acr = run.one(REGISTRY).inputs;
    expect([acr.sku, acr.adminUserEnabled, acr.policies]).toEqual([{ name: "Standard" }, true, undefined]);
  });

  it("refuses retention on a SKU without it before registering anything", async () => {
    await expect(
      runComponent(
        () =>
          new ContainerRegistry("registry", {
            registryName: "cybersmartstg",
            resourceGroupName: "rg-example",
            sku: "Basic",
            untaggedRetentionDays: 7,
            kubeletPrincipalId: "11111111-2222-3333-4444-555555555555",
          }),
      ),
    ).rejects.toThrow(
      'Invalid config for stack "dev":\n  - registry.untaggedRetentionDays = 7: the retention policy for untagged manifests needs the Premium SKU, but registry.sku is Basic;',
    );
  });

  it("refuses a repository path that is not a registry path", async () => {
    await expect(
      runComponent(() =>
        new ContainerRegistry("registry", {
          registryName: "cybersmartstg",
          resourceGroupName: "rg",
          kubeletPrincipalId: "11111111-2222-3333-4444-555555555555",
        }).repositoryUrl("Data AI/worker"),
      ),
    ).rejects.toThrow('image repository "Data AI/worker" is not a lower-case registry path');
  });
});

describe("ContainerRegistry with pull secrets", () => {
  const guideSecrets = [
    { namespace: "ray", name: "regcred" },
    { namespace: "cyber", name: "regcred-acr" },
    { namespace: "flux-system", name: "regcred-acr", existing: true },
  ];

  async function withPullSecrets() {
    let pullSecrets: Record<string, { name: string }[]> = {};
    const run = await runComponent(() => {
      const registry = new ContainerRegistry("registry", {
        registryName: "cybersmartstg",
        resourceGroupName: "rg-example",
        kubeletAcrPull: false,
        pullSecrets: guideSecrets,
        pullSecretUsername: "example-pull-token",
        pullSecretPassword: pulumi.secret(FAKE_PASSWORD),
      });
      pullSecrets = {
        ray: registry.imagePullSecrets("ray"),
        cyber: registry.imagePullSecrets("cyber"),
        "flux-system": registry.imagePullSecrets("flux-system"),
        default: registry.imagePullSecrets("default"),
      };
      return {};
    });
    return { run, pullSecrets };
  }

  it("creates regcred in ray and regcred-acr in cyber, references the existing one in flux-system, and assigns no role", async () => {
    const { run, pullSecrets } = await withPullSecrets();
    expect(run.ofType(SECRET).map((r) => r.name)).toEqual(["registry-pull-ray-regcred", "registry-pull-cyber-regcred-acr"]);
    expect(run.ofType(ROLE_ASSIGNMENT)).toEqual([]);
    expect(pullSecrets).toEqual({
      ray: [{ name: "regcred" }],
      cyber: [{ name: "regcred-acr" }],
      "flux-system": [{ name: "regcred-acr" }],
      default: [],
    });
  });

  it("writes the password only inside a secret dockerconfigjson, never in clear", async () => {
    const { run } = await withPullSecrets();
    const secret = run.one(SECRET, "registry-pull-ray-regcred");
    expect(secret.inputs).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "regcred", namespace: "ray" },
      type: "kubernetes.io/dockerconfigjson",
      stringData: SECRET_MASK,
    });
    const config = JSON.parse((secret.plainInputs.stringData as Record<string, string>)[".dockerconfigjson"]);
    expect(config.auths["cybersmartstg.azurecr.io"].username).toBe("example-pull-token");
    expect(config.auths["cybersmartstg.azurecr.io"].password).toBe(FAKE_PASSWORD);
    expect(JSON.stringify(run.resources.map((r) => r.inputs))).not.toContain(FAKE_PASSWORD);
  });

  it("refuses to create pull secrets without the password secret, naming the config command", async () => {
    await expect(
      runComponent(
        () =>
          new ContainerRegistry("registry", {
            registryName: "cybersmartstg",
            resourceGroupName: "rg-example",
            kubeletAcrPull: false,
            pullSecrets: [{ namespace: "ray", name: "regcred" }],
            pullSecretUsername: "example-pull-token",
          }),
      ),
    ).rejects.toThrow(
      "registryPullPassword is missing: the pull secrets the program creates need the password of registry.pullSecretUsername; set it with `pulumi config set --secret registryPullPassword <password>`",
    );
  });
});

describe("the registryPullPassword secret key, end to end", () => {
  const pullSecretConfig = {
    registry: {
      ...kubeletOnlyRegistry(),
      kubeletAcrPull: false,
      pullSecretUsername: "example-pull-token",
      pullSecrets: [{ namespace: "ray", name: "regcred" }],
    },
  };

  it("is optional: the dev stack plans without it", async () => {
    const run = await runStack();
    expect(run.ofType(SECRET).map((r) => r.name)).not.toContain("registry-pull-ray-regcred");
  });

  it("reaches the pull secret from --secret, masked in the plan", async () => {
    const run = await runStack({ config: pullSecretConfig, secrets: { registryPullPassword: FAKE_PASSWORD } });
    const secret = run.one(SECRET, "registry-pull-ray-regcred");
    expect(secret.inputs.stringData).toBe(SECRET_MASK);
    const docker = JSON.parse((secret.plainInputs.stringData as Record<string, string>)[".dockerconfigjson"]);
    expect(docker.auths["cybersmartstg.azurecr.io"].password).toBe(FAKE_PASSWORD);
    expect(JSON.stringify([run.outputs, ...run.resources.map((r) => r.inputs)])).not.toContain(FAKE_PASSWORD);
  });
});
