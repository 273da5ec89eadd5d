/**
 * Pure specs of the container registry and of how clusters pull from it:
 * plain objects computed from config before any resource exists, so tests and
 * tools (the pipeline YAML generator, check-app-repo) use them without the
 * Pulumi runtime. The component in `containerRegistry.ts` turns them into
 * resources.
 */
import { REGISTRY_PULL_PASSWORD_KEY } from "../../config/secrets";
import { IMAGE_REPOSITORY_PATTERN } from "../../config/imageRef";
import { OFFLINE_REGISTRY_SKU, REGISTRY_RESOURCE_ID, RETENTION_SKU, retentionSkuProblem } from "../../config/sections/registry";
import type { RegistryConfig, RegistrySku } from "../../config/sections/registry";

/** Azure public cloud: a registry's login server is `<name, lower-cased>.azurecr.io`. */
export const ACR_LOGIN_SERVER_SUFFIX = ".azurecr.io";

/** The built-in `AcrPull` role (pull images, nothing else). Same GUID in every tenant. */
export const ACR_PULL_ROLE_ID = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

/** The pull secrets of the reference guide, for stacks whose clusters cannot use the kubelet identity. */
export const GUIDE_PULL_SECRETS: readonly PullSecretRef[] = [
  { namespace: "ray", name: "regcred" },
  { namespace: "cyber", name: "regcred-acr" },
  { namespace: "flux-system", name: "regcred-acr" },
];

export interface PullSecretRef {
  /** Kubernetes namespace the Secret lives in. */
  readonly namespace: string;
  /** Secret name, as pods (`imagePullSecrets`) and Flux (`secretRef`) reference it. */
  readonly name: string;
  /** True when the Secret already exists in the cluster and the program only references it. @default false */
  readonly existing?: boolean;
}

/**
 * `cybersmartstg` to `cybersmartstg.azurecr.io`: the one derivation of a login server from a registry name. The
 * pipeline model (generated YAML, check-app-repo) uses it where no resource exists, and the ContainerRegistry
 * component checks the registry's reported `loginServer` against it, so the two cannot disagree silently.
 */
export function acrLoginServer(registryName: string): string {
  return `${registryName.toLowerCase()}${ACR_LOGIN_SERVER_SUFFIX}`;
}

/** `<loginServer>/<repository>`, after checking the repository path the way registries do. */
export function acrRepositoryUrl(loginServer: string, repository: string): string {
  if (!IMAGE_REPOSITORY_PATTERN.test(repository)) {
    throw new Error(`image repository "${repository}" is not a lower-case registry path such as "data-ai/face-ocr-worker"`);
  }
  return `${loginServer}/${repository}`;
}

/**
 * The login server every image and pipeline URL derives from: a referenced registry's as config names it, a managed
 * registry's derived from its name ({@link acrLoginServer}).
 */
export function registryLoginServer(config: Pick<RegistryConfig, "mode" | "name" | "loginServer">): string {
  if (config.mode === "reference") {
    if (config.loginServer === undefined) throw new Error("registry.loginServer is required when registry.mode is reference");
    return config.loginServer;
  }
  return acrLoginServer(config.name);
}

/** The subscription of a registry's ARM id, for the AcrPull role definition of a referenced registry (no Azure call). */
export function subscriptionOfRegistryId(resourceId: string): string {
  const match = REGISTRY_RESOURCE_ID.exec(resourceId);
  if (!match)
    throw new Error(
      `"${resourceId}" is not a registry's ARM id (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name>)`,
    );
  return match[1];
}

/** The AcrPull role definition under the subscription scope, as role assignments reference it. */
export function acrPullRoleDefinitionId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ACR_PULL_ROLE_ID}`;
}

/** The inputs of the registry itself: the configured settings, nothing derived from other resources. */
export interface RegistrySpec {
  readonly registryName: string;
  readonly resourceGroupName: string;
  readonly sku: { readonly name: RegistrySku };
  /** Left to the provider's default (false) only in the offline plan; a real run takes the live value from config. */
  readonly adminUserEnabled?: boolean;
  readonly location?: string;
  readonly publicNetworkAccess?: "Enabled" | "Disabled";
  readonly zoneRedundancy?: "Enabled" | "Disabled";
  readonly anonymousPullEnabled?: boolean;
  readonly networkRuleBypassOptions?: "AzureServices" | "None";
  readonly networkRuleSet?: {
    readonly defaultAction: "Allow" | "Deny";
    readonly ipRules: { readonly action: "Allow"; readonly iPAddressOrRange: string }[];
  };
  /**
   * Premium only (other SKUs have no retention policy, so the key is left out): the retention policy for untagged
   * manifests, disabled unless `untaggedRetentionDays` is set.
   */
  readonly policies?: {
    readonly retentionPolicy: { readonly status: "enabled"; readonly days: number } | { readonly status: "disabled" };
  };
}

/** Registry settings that cannot go together (config refuses them first; this guards direct callers). */
export class RegistrySettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "RegistrySettingsError";
  }
}

export type RegistrySpecInput = Pick<RegistryConfig, "name" | "resourceGroupName" | "untaggedRetentionDays"> &
  Partial<
    Pick<
      RegistryConfig,
      | "sku"
      | "adminUserEnabled"
      | "location"
      | "publicNetworkAccess"
      | "zoneRedundancy"
      | "anonymousPullEnabled"
      | "networkRuleBypassOptions"
      | "networkRuleSet"
    >
  >;

/**
 * The registry's inputs. A setting config leaves unset is left out, so the provider's default stands in: only the
 * offline plan gets that far, since a real run refuses unset settings first (config/realRun.ts).
 */
export function registrySpec(config: RegistrySpecInput): RegistrySpec {
  const sku = config.sku ?? OFFLINE_REGISTRY_SKU;
  if (config.resourceGroupName === undefined) {
    throw new RegistrySettingsError(["registry.resourceGroupName is missing: a managed registry needs the resource group that holds it"]);
  }
  if (config.untaggedRetentionDays !== undefined && sku !== RETENTION_SKU) {
    throw new RegistrySettingsError([`registry.untaggedRetentionDays = ${config.untaggedRetentionDays}: ${retentionSkuProblem(sku)}`]);
  }
  return {
    registryName: config.name,
    resourceGroupName: config.resourceGroupName,
    sku: { name: sku },
    ...defined({
      adminUserEnabled: config.adminUserEnabled,
      location: config.location,
      publicNetworkAccess: config.publicNetworkAccess,
      zoneRedundancy: config.zoneRedundancy,
      anonymousPullEnabled: config.anonymousPullEnabled,
      networkRuleBypassOptions: config.networkRuleBypassOptions,
    }),
    ...(config.networkRuleSet !== undefined
      ? {
          networkRuleSet: {
            defaultAction: config.networkRuleSet.defaultAction,
            // The provider's input name, with its capital P.
            ipRules: config.networkRuleSet.ipRules.map((r) => ({ action: r.action, iPAddressOrRange: r.ipAddressOrRange })),
          },
        }
      : {}),
    ...(sku === RETENTION_SKU
      ? {
          policies: {
            retentionPolicy:
              config.untaggedRetentionDays === undefined
                ? { status: "disabled" as const }
                : { status: "enabled" as const, days: config.untaggedRetentionDays },
          },
        }
      : {}),
  };
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** How the clusters pull: an AcrPull role assignment, pull secrets, or both. */
export interface PullAccessSpec {
  /** Set when the kubelet identity gets AcrPull on the registry. */
  readonly kubeletAcrPull?: { readonly principalId: string; readonly principalType: "ServicePrincipal" };
  readonly pullSecrets: readonly Required<PullSecretRef>[];
  /** Who the created pull secrets log in as; set when the program creates any. */
  readonly pullSecretUsername?: string;
}

/** A config mistake the schema cannot see alone (it depends on another key); the message says how to fix it. */
export class PullAccessConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "PullAccessConfigError";
  }
}

/**
 * The pull access config asks for. AcrPull for the kubelet identity is the
 * default; it needs the identity's object id, which only the stack can know.
 */
export function pullAccessSpec(
  config: Pick<RegistryConfig, "kubeletAcrPull" | "kubeletPrincipalId" | "pullSecrets" | "pullSecretUsername">,
  options: {
    readonly pullPasswordSet: boolean;
    /** False for a referenced registry, whose owner may grant pulls outside this stack. @default true */
    readonly registryOwned?: boolean;
  },
): PullAccessSpec {
  const problems: string[] = [];
  if (config.kubeletAcrPull && config.kubeletPrincipalId === undefined) {
    problems.push(
      "registry.kubeletPrincipalId is missing: the AcrPull role assignment for the AKS kubelet identity (registry.kubeletAcrPull, on by default) needs its object id " +
        "(`az aks show -g <group> -n <cluster> --query identityProfile.kubeletidentity.objectId -o tsv`); " +
        "set it with `pulumi config set --path registry.kubeletPrincipalId <object-id>`, or turn AcrPull off with `pulumi config set --path registry.kubeletAcrPull false` and use registry.pullSecrets",
    );
  }
  if (!config.kubeletAcrPull && config.pullSecrets.length === 0 && (options.registryOwned ?? true)) {
    problems.push(
      "registry.kubeletAcrPull = false: with no registry.pullSecrets either, no cluster could pull from the registry; " +
        "keep AcrPull (`pulumi config set --path registry.kubeletAcrPull true`) or add pull secrets (`pulumi config set --path 'registry.pullSecrets[0].namespace' ray` and `.name regcred`)",
    );
  }
  const created = config.pullSecrets.filter((s) => !s.existing);
  if (created.length > 0 && config.pullSecretUsername === undefined) {
    problems.push(
      "registry.pullSecretUsername is missing: the pull secrets the program creates log in as a service principal (its application id) or an ACR token (its name); " +
        "set it with `pulumi config set --path registry.pullSecretUsername <name>`, or mark the secrets that already exist in the cluster with `existing: true`",
    );
  }
  if (created.length > 0 && !options.pullPasswordSet) {
    problems.push(
      `${REGISTRY_PULL_PASSWORD_KEY} is missing: the pull secrets the program creates need the password of registry.pullSecretUsername; ` +
        `set it with \`pulumi config set --secret ${REGISTRY_PULL_PASSWORD_KEY} <password>\`, or mark the secrets that already exist in the cluster with \`existing: true\``,
    );
  }
  if (problems.length > 0) throw new PullAccessConfigError(problems);
  return {
    ...(config.kubeletAcrPull && config.kubeletPrincipalId !== undefined
      ? { kubeletAcrPull: { principalId: config.kubeletPrincipalId, principalType: "ServicePrincipal" as const } }
      : {}),
    pullSecrets: config.pullSecrets.map((s) => ({ namespace: s.namespace, name: s.name, existing: s.existing === true })),
    ...(created.length > 0 ? { pullSecretUsername: config.pullSecretUsername } : {}),
  };
}

/**
 * The `.dockerconfigjson` of a pull secret. Pass secret values only through
 * `pulumi.secret(...).apply(...)`, so the result stays secret.
 */
export function dockerConfigJson(loginServer: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`, "utf8").toString("base64");
  return JSON.stringify({ auths: { [loginServer]: { username, password, auth } } });
}

/** Logical-name suffix of a pull secret: stable per namespace and name. */
export function pullSecretSuffix(ref: PullSecretRef): string {
  return `${ref.namespace}-${ref.name}`;
}
