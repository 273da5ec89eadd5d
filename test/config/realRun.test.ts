// Placeholders and unset registry settings carry the offline plan only: a real engine run refuses them before
// anything is registered, naming each key and its fix.
import { describe, expect, it } from "vitest";
import { isOfflinePlan } from "../../config/runMode";
import { devStackSection, runComponent, runStack } from "../harness";

const LIVE_SETTINGS = {
  location: "westeurope",
  sku: "Premium",
  adminUserEnabled: true,
  publicNetworkAccess: "Enabled",
  zoneRedundancy: "Disabled",
  anonymousPullEnabled: false,
  networkRuleBypassOptions: "AzureServices",
  networkRuleSet: { defaultAction: "Allow", ipRules: [] },
};
const REAL_IDS = { resourceGroupName: "rg-example-registry", kubeletPrincipalId: "11111111-2222-3333-4444-555555555555" };
/** A real-looking (fake) approver for prod, in place of the default's placeholder. */
const REAL_APPROVERS = { deployments: { approvals: { prod: { approvers: ["66666666-7777-8888-9999-aaaaaaaaaaaa"] } } } };

const missing = (key: string, query: string, setPath = `registry.${key}`) =>
  `  - registry.${key} is missing: a registry this stack manages takes every live setting from config, and the offline plan's stand-in ` +
  `may differ from the live registry; read it (\`az acr show -n cybersmartstg --query ${query}\`) and set it with ` +
  `\`pulumi config set --path ${setPath} <value>\`, or run \`npm run adopt\`, which writes every registry setting`;

describe("a real run", () => {
  it("refuses the dev stack's placeholders and every unset registry setting, each with its fix", async () => {
    await expect(runStack({ asRealRun: true })).rejects.toThrow(
      [
        'Invalid config for stack "dev":',
        '  - registry.kubeletPrincipalId = "00000000-0000-0000-0000-000000000000": a placeholder, which only the offline plan accepts (AcrPull for it would fail); ' +
          "set the AKS kubelet identity's object id (`az aks show -g <group> -n <cluster> --query identityProfile.kubeletidentity.objectId -o tsv`) " +
          "with `pulumi config set --path registry.kubeletPrincipalId <object-id>`, or run `npm run adopt`, which takes it from the live AcrPull assignment",
        '  - registry.resourceGroupName = "PLACEHOLDER-resource-group-of-cybersmartstg": a placeholder, which only the offline plan accepts; ' +
          "set the registry's resource group (`az acr show -n cybersmartstg --query resourceGroup -o tsv`) " +
          "with `pulumi config set --path registry.resourceGroupName <group>`, or run `npm run adopt`",
        missing("location", "location"),
        missing("sku", "sku.name"),
        missing("adminUserEnabled", "adminUserEnabled"),
        missing("publicNetworkAccess", "publicNetworkAccess"),
        missing("zoneRedundancy", "zoneRedundancy"),
        missing("anonymousPullEnabled", "anonymousPullEnabled"),
        missing("networkRuleBypassOptions", "networkRuleBypassOptions"),
        missing("networkRuleSet", "networkRuleSet", "registry.networkRuleSet.defaultAction"),
        '  - pipelines.deployments.approvals.prod.approvers[0] = "00000000-0000-0000-0000-000000000000": a placeholder, which only the offline plan accepts ' +
          "(no one could approve a deployment of prod); set the identity id of the group that approves it " +
          "(`az devops security group list --project data-ai --query \"graphGroups[?displayName=='<group>'].originId\" -o tsv`) " +
          "with `pulumi config set --path 'pipelines.deployments.approvals.prod.approvers[0]' <identity-id>`",
      ].join("\n"),
    );
  });

  it("runs once every setting is the live one and no placeholder is left", async () => {
    const registry = { ...devStackSection("registry"), ...REAL_IDS, ...LIVE_SETTINGS };
    const run = await runStack({ asRealRun: true, config: { registry, pipelines: REAL_APPROVERS } });
    expect(run.one("azure-native:containerregistry:Registry").inputs).toEqual({
      registryName: "cybersmartstg",
      resourceGroupName: "rg-example-registry",
      sku: { name: "Premium" },
      adminUserEnabled: true,
      location: "westeurope",
      publicNetworkAccess: "Enabled",
      zoneRedundancy: "Disabled",
      anonymousPullEnabled: false,
      networkRuleBypassOptions: "AzureServices",
      networkRuleSet: { defaultAction: "Allow", ipRules: [] },
      policies: { retentionPolicy: { status: "disabled", days: 7 } },
    });
  });

  it("asks a Standard registry for no network rules, and a referenced one for no setting at all", async () => {
    const standard = Object.fromEntries(Object.entries({ ...LIVE_SETTINGS, sku: "Standard" }).filter(([key]) => key !== "networkRuleSet"));
    await expect(
      runStack({
        asRealRun: true,
        config: { registry: { ...devStackSection("registry"), ...REAL_IDS, ...standard }, pipelines: REAL_APPROVERS },
      }),
    ).resolves.toBeDefined();
    const referenced = {
      mode: "reference",
      loginServer: "cybersmartstg.azurecr.io",
      kubeletAcrPull: false,
      pullSecrets: devStackSection("registry").pullSecrets,
    };
    await expect(runStack({ asRealRun: true, config: { registry: referenced, pipelines: REAL_APPROVERS } })).resolves.toBeDefined();
  });

  it("the offline plan's marker is set only while the offline plan runs the program", async () => {
    const seen: boolean[] = [];
    await runComponent(() => seen.push(isOfflinePlan()));
    await runComponent(() => seen.push(isOfflinePlan()), { asRealRun: true });
    expect([...seen, isOfflinePlan()]).toEqual([true, false, false]);
  });
});
