/**
 * What a real `pulumi preview`/`up` needs that the offline plan may go without. The offline plan runs on
 * placeholders (the all-zero kubelet object id and approver id, a `PLACEHOLDER...` resource group) and renders stand-ins for the
 * registry settings config leaves unset; a real run must never apply either to the live registry. The loader
 * (config/load.ts) adds these problems whenever the run is not the offline plan (config/runMode.ts).
 */
import { LIVE_REGISTRY_SETTINGS, LiveRegistrySetting, RETENTION_SKU } from "./sections/registry";
import type { StackConfig } from "./stackConfig";

/** The well-formed object id the dev stack carries until the real one is set; AcrPull for it would fail. */
export const PLACEHOLDER_OBJECT_ID = "00000000-0000-0000-0000-000000000000";
/** A config string that starts with this is a placeholder, refused outside the offline plan. */
export const PLACEHOLDER_PREFIX = "PLACEHOLDER";

/** Where the live value of each registry setting is read (`az acr show -n <name> --query <this>`). */
const AZ_QUERY: Readonly<Record<LiveRegistrySetting, string>> = {
  location: "location",
  sku: "sku.name",
  adminUserEnabled: "adminUserEnabled",
  publicNetworkAccess: "publicNetworkAccess",
  zoneRedundancy: "zoneRedundancy",
  anonymousPullEnabled: "anonymousPullEnabled",
  networkRuleBypassOptions: "networkRuleBypassOptions",
  networkRuleSet: "networkRuleSet",
};

/** The digest an environment stack carries until its first promotion: well-formed, and no image has it. */
export const PLACEHOLDER_DIGEST = `sha256:${"0".repeat(64)}`;

export function realRunProblems(config: StackConfig): string[] {
  return [...registryProblems(config), ...approverPlaceholderProblems(config)];
}

/** An approval only a placeholder can give never comes: every deployment of that stack would wait, then fail. */
function approverPlaceholderProblems(config: StackConfig): string[] {
  if (!config.pipelines.enabled) return [];
  return Object.entries(config.pipelines.deployments.approvals).flatMap(([stack, approval]) =>
    approval.approvers.flatMap((id, i) =>
      id !== PLACEHOLDER_OBJECT_ID
        ? []
        : [
            `pipelines.deployments.approvals.${stack}.approvers[${i}] = "${id}": a placeholder, which only the offline plan accepts (no one could approve a deployment of ${stack}); ` +
              `set the identity id of the group that approves it (\`az devops security group list --project ${config.pipelines.project} ` +
              "--query \"graphGroups[?displayName=='<group>'].originId\" -o tsv`) " +
              `with \`pulumi config set --path 'pipelines.deployments.approvals.${stack}.approvers[${i}]' <identity-id>\``,
          ],
    ),
  );
}

function registryProblems(config: StackConfig): string[] {
  const registry = config.registry;
  const problems: string[] = [];
  if (config.ray.gpuWorker.image.digest === PLACEHOLDER_DIGEST) {
    problems.push(
      `ray.gpuWorker.image.digest = "${PLACEHOLDER_DIGEST}": a placeholder, which only the offline plan accepts (no image has it); ` +
        "promote the release a tested stack runs (`npm run promote -- --from <stack> --to <this stack>`, docs/stacks.md), " +
        "or set one build's digest with `pulumi config set --path ray.gpuWorker.image.digest <sha256:...>`",
    );
  }
  if (registry.kubeletAcrPull && registry.kubeletPrincipalId === PLACEHOLDER_OBJECT_ID) {
    problems.push(
      `registry.kubeletPrincipalId = "${PLACEHOLDER_OBJECT_ID}": a placeholder, which only the offline plan accepts (AcrPull for it would fail); ` +
        "set the AKS kubelet identity's object id (`az aks show -g <group> -n <cluster> --query identityProfile.kubeletidentity.objectId -o tsv`) " +
        "with `pulumi config set --path registry.kubeletPrincipalId <object-id>`, or run `npm run adopt`, which takes it from the live AcrPull assignment",
    );
  }
  if (registry.mode !== "manage") return problems;
  if (registry.resourceGroupName?.startsWith(PLACEHOLDER_PREFIX)) {
    problems.push(
      `registry.resourceGroupName = "${registry.resourceGroupName}": a placeholder, which only the offline plan accepts; ` +
        `set the registry's resource group (\`az acr show -n ${registry.name} --query resourceGroup -o tsv\`) ` +
        "with `pulumi config set --path registry.resourceGroupName <group>`, or run `npm run adopt`",
    );
  }
  for (const key of LIVE_REGISTRY_SETTINGS) {
    if (registry[key] !== undefined) continue;
    // Network rules exist on Premium registries only; other SKUs have nothing to match.
    if (key === "networkRuleSet" && registry.sku !== undefined && registry.sku !== RETENTION_SKU) continue;
    const setPath = key === "networkRuleSet" ? "registry.networkRuleSet.defaultAction" : `registry.${key}`;
    problems.push(
      `registry.${key} is missing: a registry this stack manages takes every live setting from config, and the offline plan's stand-in ` +
        `may differ from the live registry; read it (\`az acr show -n ${registry.name} --query ${AZ_QUERY[key]}\`) ` +
        `and set it with \`pulumi config set --path ${setPath} <value>\`, or run \`npm run adopt\`, which writes every registry setting`,
    );
  }
  return problems;
}
