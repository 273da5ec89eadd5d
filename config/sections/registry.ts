import { z } from "zod";
import { IMAGE_REPOSITORY_PATTERN } from "../imageRef";
import { REMOVE_KEY } from "../issues";

/** Kubernetes names: a DNS-1123 label for namespaces, a DNS-1123 subdomain for Secrets. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** Any 8-4-4-4-12 hex id; Entra object ids are not all RFC 4122 version-4 UUIDs. */
const OBJECT_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The SKUs of Azure Container Registry. Only Premium has the retention policy for untagged manifests. */
export const REGISTRY_SKUS = ["Basic", "Standard", "Premium"] as const;
export type RegistrySku = (typeof REGISTRY_SKUS)[number];
/**
 * The SKU the offline plan renders while `registry.sku` is unset. A real run refuses an unset SKU
 * (config/realRun.ts): the live registry's is the only right value.
 */
export const OFFLINE_REGISTRY_SKU: RegistrySku = "Premium";
/** The SKU that has the retention policy (`registry.untaggedRetentionDays`) and network rules (`registry.networkRuleSet`). */
export const RETENTION_SKU: RegistrySku = "Premium";

/**
 * `manage`: this stack owns the registry (created or imported; protected). `reference`: the registry exists and is
 * owned elsewhere; the stack only uses its login server and makes no Azure call for it. `shared-stack`: like
 * `reference`, with the login server and id read from the project's shared stack (an environment stack's default;
 * config/stackRole.ts).
 */
export const REGISTRY_MODES = ["manage", "reference", "shared-stack"] as const;
export type RegistryMode = (typeof REGISTRY_MODES)[number];

/** The registry settings a managed registry takes from config, each read from `az acr show` (npm run adopt writes them). */
export const LIVE_REGISTRY_SETTINGS = [
  "location",
  "sku",
  "adminUserEnabled",
  "publicNetworkAccess",
  "zoneRedundancy",
  "anonymousPullEnabled",
  "networkRuleBypassOptions",
  "networkRuleSet",
] as const;
export type LiveRegistrySetting = (typeof LIVE_REGISTRY_SETTINGS)[number];

/** Keys only a managed registry has: the registry's own settings, which a referencing stack leaves to its owner. */
export const MANAGED_ONLY_KEYS = ["resourceGroupName", "untaggedRetentionDays", ...LIVE_REGISTRY_SETTINGS] as const;
/** Keys only a referenced registry has: the owning stack derives the login server and knows the id. */
const REFERENCE_ONLY_KEYS = ["loginServer", "resourceId"] as const;

/** `<name>.azurecr.io` and the sovereign clouds' suffixes: a host name, lower case. */
const LOGIN_SERVER = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
/** The ARM id of a registry, as `az acr show --query id` prints it. */
export const REGISTRY_RESOURCE_ID =
  /^\/subscriptions\/([0-9a-fA-F-]{36})\/resourceGroups\/([-\w.()]+)\/providers\/Microsoft\.ContainerRegistry\/registries\/([a-zA-Z0-9]{5,50})$/;

const ipRuleSchema = z
  .object({
    /** @default "Allow" (the only action ACR has) */
    action: z.enum(["Allow"], { error: "expected Allow" }).default("Allow"),
    /** An IPv4 address or CIDR range, as `az acr show --query networkRuleSet.ipRules[].ipAddressOrRange` prints it. */
    ipAddressOrRange: z
      .string()
      .regex(/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/, { error: 'expected an IPv4 address or CIDR range such as "203.0.113.0/24"' }),
  })
  .strict();

const repositoryPath = (example: string) =>
  z.string().regex(IMAGE_REPOSITORY_PATTERN, { error: `expected a lower-case registry path such as "${example}"` });

const pullSecretSchema = z
  .object({
    /** Namespace the Secret lives in, e.g. `ray`. */
    namespace: z.string().regex(DNS_LABEL, { error: 'expected a Kubernetes namespace name such as "ray"' }),
    /** Secret name, e.g. `regcred`. */
    name: z.string().regex(DNS_SUBDOMAIN, { error: 'expected a Kubernetes Secret name such as "regcred"' }),
    /** The Secret already exists in the cluster: reference it, do not create it. @default false */
    existing: z.boolean().default(false),
  })
  .strict();

/** Config key `registry`: the Azure Container Registry and how clusters pull from it. */
export const registryConfigSchema = z
  .object({
    /** Registry name; its login server is `<name>.azurecr.io`. @default "cybersmartstg" */
    name: z
      .string()
      .regex(/^[a-zA-Z0-9]{5,50}$/, { error: "expected 5-50 letters and digits (Azure Container Registry naming rules)" })
      .default("cybersmartstg"),
    /**
     * Whether this stack owns the registry or only references it (see {@link REGISTRY_MODES}).
     * @default "manage"; "shared-stack" in an environment stack (config/stackRole.ts)
     */
    mode: z.enum(REGISTRY_MODES, { error: "expected manage, reference or shared-stack" }).default("manage"),
    /**
     * Reference mode: the existing registry's login server (`az acr show -n <name> --query loginServer -o tsv`); every
     * image and pipeline URL derives from it. A managed registry's is derived from `name`.
     */
    loginServer: z.string().regex(LOGIN_SERVER, { error: 'expected a registry host name such as "cybersmartstg.azurecr.io"' }).optional(),
    /**
     * Reference mode: the existing registry's ARM id (`az acr show -n <name> --query id -o tsv`). Only needed for
     * `kubeletAcrPull`: the role assignment is scoped to it. Without it a referenced registry grants no AcrPull.
     */
    resourceId: z
      .string()
      .regex(REGISTRY_RESOURCE_ID, {
        error: "expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name>",
      })
      .optional(),
    /** Manage mode: the existing resource group that holds the registry. Required when managed. */
    resourceGroupName: z.string().min(1, { error: "expected the name of the existing resource group that holds the registry" }).optional(),
    /** Manage mode: Azure region (`az acr show --query location`), e.g. `westeurope`. Required for a real run. */
    location: z
      .string()
      .regex(/^[a-z0-9]+$/, { error: 'expected an Azure region name such as "westeurope"' })
      .optional(),
    /**
     * Manage mode: public network access (`az acr show --query publicNetworkAccess`). Required for a real run.
     */
    publicNetworkAccess: z.enum(["Enabled", "Disabled"], { error: "expected Enabled or Disabled" }).optional(),
    /** Manage mode: zone redundancy, fixed at creation (`az acr show --query zoneRedundancy`). Required for a real run. */
    zoneRedundancy: z.enum(["Enabled", "Disabled"], { error: "expected Enabled or Disabled" }).optional(),
    /** Manage mode: anonymous (unauthenticated) pulls (`az acr show --query anonymousPullEnabled`). Required for a real run. */
    anonymousPullEnabled: z.boolean({ error: "expected true or false" }).optional(),
    /** Manage mode: whether trusted Azure services bypass the network rules (`az acr show --query networkRuleBypassOptions`). Required for a real run. */
    networkRuleBypassOptions: z.enum(["AzureServices", "None"], { error: "expected AzureServices or None" }).optional(),
    /**
     * Manage mode, Premium only: the firewall (`az acr show --query networkRuleSet`). Required for a real run of a
     * Premium registry; `{ defaultAction: Allow, ipRules: [] }` is an open one.
     */
    networkRuleSet: z
      .object({
        defaultAction: z.enum(["Allow", "Deny"], { error: "expected Allow or Deny" }),
        /** @default [] */
        ipRules: z.array(ipRuleSchema).default([]),
      })
      .strict()
      .optional(),
    /** Repository path of the GPU worker image. @default "data-ai/face-ocr-worker" */
    workerRepository: repositoryPath("data-ai/face-ocr-worker").default("data-ai/face-ocr-worker"),
    /** Repository path of the API image. @default "data-ai/face-ocr-api" */
    apiRepository: repositoryPath("data-ai/face-ocr-api").default("data-ai/face-ocr-api"),
    /**
     * Manage mode: registry SKU, the live registry's (`az acr show -n <name> --query sku.name`); otherwise `pulumi up`
     * changes the live SKU. Required for a real run; the offline plan renders Premium while it is unset.
     */
    sku: z.enum(REGISTRY_SKUS, { error: "expected Basic, Standard or Premium" }).optional(),
    /**
     * Manage mode: the registry's shared admin user. Turning it off on a live registry breaks every pull secret made
     * from the admin credentials, so take the live value (`az acr show -n <name> --query adminUserEnabled`) until none
     * is left. Required for a real run.
     */
    adminUserEnabled: z.boolean().optional(),
    /**
     * Days the retention policy keeps an untagged manifest before purging it (0 purges at once); unset: no
     * retention policy. Needs the Premium SKU. Only enable it once every deployed image keeps a tag: an image
     * pinned by digest whose moving tag (such as the worker's `:dev`) moved on is untagged, and would be purged
     * (docs/pipelines.md, "Registry"). @default unset (retention disabled)
     */
    untaggedRetentionDays: z
      .int({ error: "expected a whole number of days from 0 to 365" })
      .min(0, { error: "expected a whole number of days from 0 to 365" })
      .max(365, { error: "expected a whole number of days from 0 to 365" })
      .optional(),
    /**
     * Give the AKS kubelet identity the `AcrPull` role on the registry: the way
     * Microsoft recommends clusters pull, with no credential to rotate. Needs
     * `kubeletPrincipalId`. @default true; false in the shared stack, which has no cluster (config/stackRole.ts)
     */
    kubeletAcrPull: z.boolean().default(true),
    /**
     * Object id of the AKS kubelet managed identity
     * (`az aks show -g <group> -n <cluster> --query identityProfile.kubeletidentity.objectId -o tsv`).
     * Required while `kubeletAcrPull` is true.
     */
    kubeletPrincipalId: z
      .string()
      .regex(OBJECT_ID, { error: "expected an object id such as 00000000-0000-0000-0000-000000000000" })
      .optional(),
    /**
     * Kubernetes image pull secrets, only for namespaces that cannot rely on
     * the kubelet identity (for example Flux's image-reflector, which does not
     * use it). The guide's are regcred in ray and regcred-acr in cyber and
     * flux-system. @default []
     */
    pullSecrets: z
      .array(pullSecretSchema)
      .default([])
      .superRefine((secrets, ctx) => {
        const seen = new Set<string>();
        secrets.forEach((s, i) => {
          const key = `${s.namespace}/${s.name}`;
          if (seen.has(key)) ctx.addIssue({ code: "custom", path: [i], message: `pull secret ${key} is listed twice`, input: s });
          seen.add(key);
        });
      }),
    /**
     * Who the pull secrets the program creates log in as: a service principal's
     * application id or an ACR token name. Its password is the secret config
     * key `registryPullPassword`. Required when a pull secret is not `existing`.
     */
    pullSecretUsername: z.string().min(1, { error: "expected a service principal application id or an ACR token name" }).optional(),
  })
  .strict()
  .superRefine((registry, ctx) => {
    const mode = (REGISTRY_MODES as readonly unknown[]).includes(registry.mode) ? registry.mode : undefined;
    // A key the other mode owns: its remedy is removing it.
    const refuseKey = (key: (typeof MANAGED_ONLY_KEYS)[number] | (typeof REFERENCE_ONLY_KEYS)[number], why: string) => {
      if (registry[key] === undefined) return;
      ctx.addIssue({ code: "custom", path: [key], input: registry[key], params: REMOVE_KEY, message: `expected no value: ${why}` });
    };
    if (mode === "reference") {
      for (const key of MANAGED_ONLY_KEYS) {
        refuseKey(key, "registry.mode is reference, so the registry's settings are its owner's, not this stack's");
      }
      if (registry.loginServer === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["loginServer"],
          input: undefined,
          message: "a referenced registry is named by its login server (`az acr show -n <name> --query loginServer -o tsv`)",
        });
      }
      if (registry.kubeletAcrPull && registry.resourceId === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["kubeletAcrPull"],
          input: true,
          message:
            "the kubelet identity's AcrPull is scoped to the registry, and a referenced registry without registry.resourceId has no scope; " +
            "set registry.resourceId (`az acr show -n <name> --query id -o tsv`), or set registry.kubeletAcrPull false when the registry's owner grants pulls",
        });
      }
      return;
    }
    if (mode === "shared-stack") {
      for (const key of MANAGED_ONLY_KEYS) {
        refuseKey(
          key,
          "the registry comes from the shared stack (registry.mode shared-stack), so its settings are set in Pulumi.shared.yaml",
        );
      }
      for (const key of REFERENCE_ONLY_KEYS) {
        refuseKey(
          key,
          `the registry comes from the shared stack (registry.mode shared-stack), so its ${key === "loginServer" ? "login server" : "id"} is that stack's output`,
        );
      }
      return;
    }
    if (mode === "manage") {
      for (const key of REFERENCE_ONLY_KEYS) {
        refuseKey(
          key,
          `registry.mode is manage, so the ${key === "loginServer" ? "login server is derived from registry.name" : "id is the managed registry's own"}`,
        );
      }
      if (registry.resourceGroupName === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["resourceGroupName"],
          input: undefined,
          message:
            "expected the name of the existing resource group that holds the registry (`az acr show -n <name> --query resourceGroup -o tsv`)",
        });
      }
    }
    // Only between two values that parsed; a bad value of either has its own message.
    const sku = registry.sku ?? OFFLINE_REGISTRY_SKU;
    const known = (REGISTRY_SKUS as readonly unknown[]).includes(sku);
    if (known && typeof registry.untaggedRetentionDays === "number" && sku !== RETENTION_SKU) {
      ctx.addIssue({
        code: "custom",
        path: ["untaggedRetentionDays"],
        input: registry.untaggedRetentionDays,
        message: retentionSkuProblem(sku),
      });
    }
    if (known && registry.networkRuleSet !== undefined && sku !== RETENTION_SKU) {
      ctx.addIssue({
        code: "custom",
        path: ["networkRuleSet"],
        input: registry.networkRuleSet,
        params: REMOVE_KEY,
        message: `expected no value: network rules need the ${RETENTION_SKU} SKU, but registry.sku is ${sku}`,
      });
    }
  });

/** Why a retention policy cannot be set on a registry of this SKU, and the two ways out. */
export function retentionSkuProblem(sku: string): string {
  return (
    `the retention policy for untagged manifests needs the ${RETENTION_SKU} SKU, but registry.sku is ${sku}; ` +
    `allowed: unset (\`pulumi config rm --path registry.untaggedRetentionDays\`), or registry.sku ${RETENTION_SKU}`
  );
}

export type RegistryConfig = z.infer<typeof registryConfigSchema>;
