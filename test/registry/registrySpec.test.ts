import { describe, expect, it } from "vitest";
import {
  acrLoginServer,
  acrPullRoleDefinitionId,
  acrRepositoryUrl,
  dockerConfigJson,
  GUIDE_PULL_SECRETS,
  PullAccessConfigError,
  pullAccessSpec,
  RegistrySettingsError,
  registrySpec,
} from "../../components/registry/registrySpec";
import { parseStackConfig } from "../../config/parse";
import { devStackSection, EXAMPLE_CLUSTER } from "../harness";

const PRINCIPAL = "11111111-2222-3333-4444-555555555555";
const NO_SECRETS = { kubeletAcrPull: true, kubeletPrincipalId: PRINCIPAL, pullSecrets: [], pullSecretUsername: undefined };

function problemsOf(attempt: () => unknown): readonly string[] {
  try {
    attempt();
  } catch (err) {
    if (err instanceof PullAccessConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected a PullAccessConfigError");
}

describe("registry URLs", () => {
  it("derives the login server from the registry name, as Azure does", () => {
    expect(acrLoginServer("cybersmartstg")).toBe("cybersmartstg.azurecr.io");
    expect(acrLoginServer("CyberSmartStg")).toBe("cybersmartstg.azurecr.io");
  });

  it("joins login server and repository path into the guide's image URLs", () => {
    expect(acrRepositoryUrl("cybersmartstg.azurecr.io", "data-ai/face-ocr-worker")).toBe(
      "cybersmartstg.azurecr.io/data-ai/face-ocr-worker",
    );
    expect(acrRepositoryUrl("cybersmartstg.azurecr.io", "data-ai/face-ocr-api")).toBe("cybersmartstg.azurecr.io/data-ai/face-ocr-api");
  });

  it("refuses a repository path registries would refuse", () => {
    expect(() => acrRepositoryUrl("cybersmartstg.azurecr.io", "Data-AI/face-ocr-worker")).toThrow(
      'image repository "Data-AI/face-ocr-worker" is not a lower-case registry path such as "data-ai/face-ocr-worker"',
    );
  });
});

describe("registrySpec", () => {
  const BASE = { name: "cybersmartstg", resourceGroupName: "rg-example", untaggedRetentionDays: undefined };

  it("leaves unset settings to the provider (offline only: a real run refuses them), Premium with retention disabled", () => {
    expect(registrySpec(BASE)).toEqual({
      registryName: "cybersmartstg",
      resourceGroupName: "rg-example",
      sku: { name: "Premium" },
      policies: { retentionPolicy: { status: "disabled" } },
    });
  });

  it("renders every live setting config gives, network rules in the provider's field names", () => {
    expect(
      registrySpec({
        ...BASE,
        sku: "Premium",
        adminUserEnabled: true,
        location: "westeurope",
        publicNetworkAccess: "Enabled",
        zoneRedundancy: "Disabled",
        anonymousPullEnabled: false,
        networkRuleBypassOptions: "AzureServices",
        networkRuleSet: { defaultAction: "Deny", ipRules: [{ action: "Allow", ipAddressOrRange: "203.0.113.0/24" }] },
      }),
    ).toEqual({
      registryName: "cybersmartstg",
      resourceGroupName: "rg-example",
      sku: { name: "Premium" },
      adminUserEnabled: true,
      location: "westeurope",
      publicNetworkAccess: "Enabled",
      zoneRedundancy: "Disabled",
      anonymousPullEnabled: false,
      networkRuleBypassOptions: "AzureServices",
      networkRuleSet: { defaultAction: "Deny", ipRules: [{ action: "Allow", iPAddressOrRange: "203.0.113.0/24" }] },
      policies: { retentionPolicy: { status: "disabled" } },
    });
  });

  it("purges untagged manifests after the configured days when asked", () => {
    expect(registrySpec({ ...BASE, untaggedRetentionDays: 7 }).policies).toEqual({ retentionPolicy: { status: "enabled", days: 7 } });
  });

  it("takes the SKU and the admin user as configured, leaving the Premium-only policy out of other SKUs", () => {
    expect(registrySpec({ ...BASE, sku: "Standard", adminUserEnabled: true })).toEqual({
      registryName: "cybersmartstg",
      resourceGroupName: "rg-example",
      sku: { name: "Standard" },
      adminUserEnabled: true,
    });
  });

  it("refuses retention on a SKU without it", () => {
    expect(() => registrySpec({ ...BASE, sku: "Basic", untaggedRetentionDays: 7 })).toThrow(RegistrySettingsError);
  });
});

describe("registry config", () => {
  const RAY = devStackSection("ray");
  const parse = (registry: Record<string, unknown>) =>
    parseStackConfig({ cluster: EXAMPLE_CLUSTER, registry: { resourceGroupName: "rg-example", ...registry }, ray: RAY });

  it("guesses no live setting (sku, admin user stay unset) and has no retention (digest-pinned images lose their tag on the next push)", () => {
    const parsed = parse({});
    if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
    expect([parsed.config.registry.sku, parsed.config.registry.adminUserEnabled, parsed.config.registry.untaggedRetentionDays]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(registrySpec(parsed.config.registry).policies).toEqual({ retentionPolicy: { status: "disabled" } });
  });

  it("takes the retention days, the SKU and the admin user from config", () => {
    const custom = parse({ untaggedRetentionDays: 30 });
    expect(custom.ok && registrySpec(custom.config.registry).policies).toEqual({ retentionPolicy: { status: "enabled", days: 30 } });
    const live = parse({ sku: "Standard", adminUserEnabled: true });
    expect(live.ok && registrySpec(live.config.registry)).toMatchObject({ sku: { name: "Standard" }, adminUserEnabled: true });
  });

  it("rejects retention days outside 0-365 with the key and the fix", () => {
    expect(parse({ untaggedRetentionDays: 400 })).toEqual({
      ok: false,
      problems: [
        "registry.untaggedRetentionDays = 400: expected a whole number of days from 0 to 365; set it with `pulumi config set --path registry.untaggedRetentionDays <value>`",
      ],
    });
  });

  it("rejects a SKU that does not exist and an admin user that is not a boolean", () => {
    expect(parse({ sku: "premium", adminUserEnabled: "no" })).toEqual({
      ok: false,
      problems: [
        'registry.sku = "premium": expected Basic, Standard or Premium; set it with `pulumi config set --path registry.sku <value>`',
        expect.stringMatching(/^registry\.adminUserEnabled = "no": /),
      ],
    });
  });

  it("rejects retention on a SKU without it, naming both keys and the ways out", () => {
    expect(parse({ sku: "Standard", untaggedRetentionDays: 7 })).toEqual({
      ok: false,
      problems: [
        "registry.untaggedRetentionDays = 7: the retention policy for untagged manifests needs the Premium SKU, but registry.sku is Standard; " +
          "allowed: unset (`pulumi config rm --path registry.untaggedRetentionDays`), or registry.sku Premium; " +
          "set it with `pulumi config set --path registry.untaggedRetentionDays <value>`",
      ],
    });
  });

  it("keeps the dev stack's all-zero kubelet placeholder valid (the offline plan uses it; docs/pipelines.md says to replace it)", () => {
    const parsed = parse({ kubeletPrincipalId: "00000000-0000-0000-0000-000000000000" });
    expect(parsed.ok).toBe(true);
  });
});

describe("AcrPull role definition", () => {
  it("is the built-in AcrPull GUID under the subscription scope", () => {
    expect(acrPullRoleDefinitionId("00000000-0000-0000-0000-0000000000aa")).toBe(
      "/subscriptions/00000000-0000-0000-0000-0000000000aa/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
    );
  });
});

describe("pullAccessSpec", () => {
  it("defaults to AcrPull for the kubelet identity and no pull secrets", () => {
    const parsed = parseStackConfig({
      cluster: EXAMPLE_CLUSTER,
      registry: { resourceGroupName: "rg-example", kubeletPrincipalId: PRINCIPAL },
      ray: devStackSection("ray"),
    });
    if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
    expect(pullAccessSpec(parsed.config.registry, { pullPasswordSet: false })).toEqual({
      kubeletAcrPull: { principalId: PRINCIPAL, principalType: "ServicePrincipal" },
      pullSecrets: [],
    });
  });

  it("needs the kubelet identity's object id while AcrPull is on", () => {
    expect(problemsOf(() => pullAccessSpec({ ...NO_SECRETS, kubeletPrincipalId: undefined }, { pullPasswordSet: false }))).toEqual([
      "registry.kubeletPrincipalId is missing: the AcrPull role assignment for the AKS kubelet identity (registry.kubeletAcrPull, on by default) needs its object id " +
        "(`az aks show -g <group> -n <cluster> --query identityProfile.kubeletidentity.objectId -o tsv`); " +
        "set it with `pulumi config set --path registry.kubeletPrincipalId <object-id>`, or turn AcrPull off with `pulumi config set --path registry.kubeletAcrPull false` and use registry.pullSecrets",
    ]);
  });

  it("refuses a stack with no way to pull at all", () => {
    const problems = problemsOf(() => pullAccessSpec({ ...NO_SECRETS, kubeletAcrPull: false }, { pullPasswordSet: false }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^registry\.kubeletAcrPull = false: with no registry\.pullSecrets either, no cluster could pull from the registry;/,
    );
  });

  it("creates the guide's pull secrets only when config lists them, with username and password", () => {
    const secrets = GUIDE_PULL_SECRETS.map((s) => ({ ...s, existing: false }));
    expect(
      pullAccessSpec(
        { kubeletAcrPull: false, kubeletPrincipalId: undefined, pullSecrets: secrets, pullSecretUsername: "example-token" },
        { pullPasswordSet: true },
      ),
    ).toEqual({
      pullSecrets: [
        { namespace: "ray", name: "regcred", existing: false },
        { namespace: "cyber", name: "regcred-acr", existing: false },
        { namespace: "flux-system", name: "regcred-acr", existing: false },
      ],
      pullSecretUsername: "example-token",
    });
  });

  it("names the missing username and password secret of created pull secrets", () => {
    const problems = problemsOf(() =>
      pullAccessSpec({ ...NO_SECRETS, pullSecrets: [{ namespace: "ray", name: "regcred", existing: false }] }, { pullPasswordSet: false }),
    );
    expect(problems.map((p) => p.split(":")[0])).toEqual(["registry.pullSecretUsername is missing", "registryPullPassword is missing"]);
    expect(problems[1]).toContain("`pulumi config set --secret registryPullPassword <password>`");
  });

  it("references existing pull secrets without asking for credentials", () => {
    expect(
      pullAccessSpec(
        { ...NO_SECRETS, kubeletAcrPull: false, pullSecrets: [{ namespace: "ray", name: "regcred", existing: true }] },
        { pullPasswordSet: false },
      ),
    ).toEqual({ pullSecrets: [{ namespace: "ray", name: "regcred", existing: true }] });
  });

  it("rejects a pull secret listed twice", () => {
    const twice = [
      { namespace: "ray", name: "regcred" },
      { namespace: "ray", name: "regcred" },
    ];
    const result = parseStackConfig({
      cluster: EXAMPLE_CLUSTER,
      registry: { resourceGroupName: "rg-example", pullSecrets: twice },
      ray: devStackSection("ray"),
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]).toMatch(/^registry\.pullSecrets\[1\] = .*: pull secret ray\/regcred is listed twice;/);
  });
});

describe("dockerConfigJson", () => {
  it("is the kubernetes.io/dockerconfigjson document for the login server", () => {
    const doc = JSON.parse(dockerConfigJson("cybersmartstg.azurecr.io", "example-user", "example-password"));
    expect(doc).toEqual({
      auths: {
        "cybersmartstg.azurecr.io": {
          username: "example-user",
          password: "example-password",
          auth: Buffer.from("example-user:example-password").toString("base64"),
        },
      },
    });
  });
});
