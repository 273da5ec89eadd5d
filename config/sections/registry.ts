import { z } from "zod";
import { IMAGE_REPOSITORY_PATTERN } from "../imageRef";

/** Kubernetes names: a DNS-1123 label for namespaces, a DNS-1123 subdomain for Secrets. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** Any 8-4-4-4-12 hex id; Entra object ids are not all RFC 4122 version-4 UUIDs. */
const OBJECT_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Azure's own default for untagged manifests. */
export const DEFAULT_UNTAGGED_RETENTION_DAYS = 7;

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
    /** Days the retention policy keeps an untagged manifest before purging it (0 purges at once). @default 7 */
    untaggedRetentionDays: z
      .int({ error: "expected a whole number of days from 0 to 365" })
      .min(0, { error: "expected a whole number of days from 0 to 365" })
      .max(365, { error: "expected a whole number of days from 0 to 365" })
      .default(DEFAULT_UNTAGGED_RETENTION_DAYS),
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
  .strict();

export type RegistryConfig = z.infer<typeof registryConfigSchema>;
