/** The `registry` config keys and Azure ids that `az acr show` and `az role assignment list` give. */
import { ACR_PULL_ROLE_ID } from "../components/registry/registrySpec";
import { RETENTION_SKU } from "../config/sections/registry";
import type { AcrShow, RoleAssignmentShow } from "./liveExport";

export interface AdoptedRegistry {
  /** Keys under `registry`, to write into the stack file. */
  readonly keys: Record<string, unknown>;
  /** The registry's ARM id, for `pulumi import`. */
  readonly registryId: string;
  /** The kubelet's live AcrPull assignment, for `pulumi import`; undefined when there is none (or several). */
  readonly acrPullAssignmentId?: string;
  /** What a person still has to do. */
  readonly todo: readonly string[];
}

export function registryFromLive(acr: AcrShow, assignments: readonly RoleAssignmentShow[]): AdoptedRegistry {
  const premium = acr.sku.name === RETENTION_SKU;
  const retention = acr.policies?.retentionPolicy;
  const keys: Record<string, unknown> = {
    name: acr.name,
    resourceGroupName: acr.resourceGroup,
    location: acr.location,
    sku: acr.sku.name,
    adminUserEnabled: acr.adminUserEnabled,
    publicNetworkAccess: acr.publicNetworkAccess,
    zoneRedundancy: acr.zoneRedundancy,
    anonymousPullEnabled: acr.anonymousPullEnabled,
    networkRuleBypassOptions: acr.networkRuleBypassOptions,
    ...(premium && acr.networkRuleSet
      ? {
          networkRuleSet: {
            defaultAction: acr.networkRuleSet.defaultAction,
            ipRules: (acr.networkRuleSet.ipRules ?? []).map((r) => ({ action: r.action ?? "Allow", ipAddressOrRange: r.ipAddressOrRange })),
          },
        }
      : {}),
    ...(premium && retention?.status === "enabled" ? { untaggedRetentionDays: retention.days } : {}),
  };
  const todo: string[] = [];
  const acrPull = assignments.filter(
    (a) => a.scope === acr.id && a.principalType === "ServicePrincipal" && a.roleDefinitionId.endsWith(`/${ACR_PULL_ROLE_ID}`),
  );
  if (acrPull.length === 1) keys.kubeletPrincipalId = acrPull[0].principalId;
  else if (acrPull.length === 0) {
    todo.push(
      "no AcrPull assignment on the registry: set the kubelet identity with `pulumi config set --path registry.kubeletPrincipalId <object-id>` " +
        "(`az aks show -g <group> -n <cluster> --query identityProfile.kubeletidentity.objectId -o tsv`); `pulumi up` creates the assignment",
    );
  } else {
    todo.push(
      `${acrPull.length} AcrPull assignments on the registry (${acrPull.map((a) => a.principalId).join(", ")}): set registry.kubeletPrincipalId ` +
        "to the AKS kubelet identity's and import its assignment as registry-kubelet-acrpull by hand",
    );
  }
  if (acr.adminUserEnabled) {
    todo.push(
      "the registry's admin user is on (registry.adminUserEnabled true, as live): pull secrets may hold its credentials; " +
        'move them to the kubelet identity or a token before turning it off (docs/pipelines.md, "Before the first `pulumi up`")',
    );
  }
  return { keys, registryId: acr.id, acrPullAssignmentId: acrPull.length === 1 ? acrPull[0].id : undefined, todo };
}
