import { z } from "zod";
import { IMAGE_REPOSITORY_PATTERN } from "../imageRef";

/** Kubernetes names: a DNS-1123 label for namespaces, a DNS-1123 subdomain for Secrets. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** Any 8-4-4-4-12 hex id; Entra object ids are not all RFC 4122 version-4 UUIDs. */
const OBJECT_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The SKUs of Azure Container Registry. Only Premium has the retention policy for untagged manifests. */
export const REGISTRY_SKUS = ["Basic", "Standard", "Premium"] as const;
export type RegistrySku = (typeof REGISTRY_SKUS)[number];
/** The SKU the guide's registry runs on. */
export const DEFAULT_REGISTRY_SKU: RegistrySku = "Premium";
/** The SKU that has the retention policy (`registry.untaggedRetentionDays`). */
export const RETENTION_SKU: RegistrySku = "Premium";

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
    /** The existing resource group that holds the registry. */
    resourceGroupName: z.string().min(1, { error: "expected the name of the existing resource group that holds the registry" }),
    /** Repository path of the GPU worker image. @default "data-ai/face-ocr-worker" */
    workerRepository: repositoryPath("data-ai/face-ocr-worker").default("data-ai/face-ocr-worker"),
    /** Repository path of the API image. @default "data-ai/face-ocr-api" */
    apiRepository: repositoryPath("data-ai/face-ocr-api").default("data-ai/face-ocr-api"),
    /**
     * Registry SKU. Set it to the live registry's (`az acr show -n <name> --query sku.name`) before adopting it, or
     * `pulumi up` changes the live SKU. @default "Premium"
     */
    sku: z.enum(REGISTRY_SKUS, { error: "expected Basic, Standard or Premium" }).default(DEFAULT_REGISTRY_SKU),
    /**
     * The registry's shared admin user. Off: pulls use Entra identities (kubelet AcrPull) or scoped credentials.
     * Turning it off on a live registry breaks every pull secret made from the admin credentials, so match the
     * live value (`az acr show -n <name> --query adminUserEnabled`) until none is left. @default false
     */
    adminUserEnabled: z.boolean().default(false),
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
     * `kubeletPrincipalId`. @default true
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
    // Only between two values that parsed; a bad value of either has its own message.
    const known = (REGISTRY_SKUS as readonly unknown[]).includes(registry.sku);
    if (known && typeof registry.untaggedRetentionDays === "number" && registry.sku !== RETENTION_SKU) {
      ctx.addIssue({
        code: "custom",
        path: ["untaggedRetentionDays"],
        input: registry.untaggedRetentionDays,
        message: retentionSkuProblem(registry.sku),
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
