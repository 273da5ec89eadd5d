import { z } from "zod";
import { REMOVE_KEY } from "../issues";
import { repoRelativePath, YAML_FILE } from "./repoPath";
import { refineRequestsWithinLimits } from "./requestsWithinLimits";
import { stringish } from "./stringish";

/**
 * Config key `api`: the face-ocr-api HelmRelease, its Flux sources and image
 * automation. Every default is the value the deployment guide's Appendix B
 * (`draft-deployment/dev/face-ocr-api.yaml`) runs today, so the dev stack
 * needs no `api` block at all. Secrets (the database password, CHROMA_TOKEN,
 * DOSASHOP_KEY) are not here: they are secret config keys, see
 * `config/secrets.ts`.
 */

/** Env vars the component fills itself; `api.extraEnv` may not set them. */
export const API_DERIVED_ENV = {
  /** From `api.containerPort`: the port uvicorn listens on is the port the probes hit. */
  APP_PORT: "derived from api.containerPort",
  /** From the Ray component (`ray.clientAddress`). */
  RAY_ADDRESS: "set from the Ray component's client address",
  /** From the Ray component (`ray.actorNamespace`). */
  RAY_NAMESPACE: "set from the Ray component's actor namespace",
  /** Composed from `api.database` and the secret `databasePassword`; reaches the chart through valuesFrom. */
  DATABASE_URL: "a secret, composed from api.database and `pulumi config set --secret databasePassword`",
  /** Secret `chromaToken` (config/secrets.ts), through valuesFrom. */
  CHROMA_TOKEN: "a secret: `pulumi config set --secret chromaToken`",
  /** Secret `dosashopKey` (config/secrets.ts), through valuesFrom. */
  DOSASHOP_KEY: "a secret: `pulumi config set --secret dosashopKey`",
} as const;

/** A Go duration as Flux accepts it for intervals. */
export const FLUX_DURATION_PATTERN = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
/** RFC 1123 label: Kubernetes namespace names. */
const DNS_LABEL_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: names of most Kubernetes objects. */
const DNS_SUBDOMAIN_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** POSIX-style env var names, as the API's pydantic settings read them. */
export const ENV_NAME_PATTERN = /^[A-Z_][A-Z0-9_]*$/;
/** Kubernetes quantities for cpu and memory, e.g. `250m`, `1`, `512Mi`, `2Gi`. */
const QUANTITY_PATTERN = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;

const namespaceName = z.string().max(63, { error: "expected a namespace name of at most 63 characters" }).regex(DNS_LABEL_PATTERN, {
  error: "expected a namespace name: lower-case letters, digits and '-', starting and ending with a letter or digit",
});
const objectName = z
  .string()
  .max(253, { error: "expected a Kubernetes object name of at most 253 characters" })
  .regex(DNS_SUBDOMAIN_PATTERN, { error: "expected a Kubernetes object name: lower-case letters, digits, '-' and '.'" });
const fluxDuration = z.string().regex(FLUX_DURATION_PATTERN, { error: 'expected a Flux duration such as "30s", "1m" or "1h30m"' });

/** `pulumi config set --path` stores `8000` as a number and `"8000"` as a string; accept both. */
function wholeNumber(min: number, max: number, what: string) {
  return z.preprocess(
    (v) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v),
    z
      .number({ error: `expected ${what}` })
      .int({ error: `expected ${what}` })
      .min(min, { error: `expected ${what}` })
      .max(max, { error: `expected ${what}` }),
  );
}
const port = wholeNumber(1, 65535, "a port number between 1 and 65535");
const positiveSeconds = wholeNumber(1, 31_536_000, "a whole number of seconds, at least 1");
// `pulumi config set --path api.resources.limits.cpu 1` stores a number.
const quantity = stringish.pipe(
  z.string().regex(QUANTITY_PATTERN, { error: 'expected a Kubernetes quantity such as "250m", "1", "512Mi" or "2Gi"' }),
);

const resourceAmounts = (cpu: string, memory: string) =>
  z
    .object({
      /** CPU, e.g. `250m` or `1`. */
      cpu: quantity.default(cpu),
      /** Memory, e.g. `512Mi` or `2Gi`. */
      memory: quantity.default(memory),
    })
    .strict()
    .prefault({});

/**
 * The API's non-secret env vars, keyed by the name the app reads. Defaults are
 * the guide's values ("Current env vars" and Appendix B).
 */
export const apiEnvSchema = z
  .object({
    /** Settings profile of the app. @default "development" */
    ENVIRONMENT: z.string().min(1, { error: 'expected a non-empty profile name such as "development"' }).default("development"),
    /** ChromaDB service host. @default "chroma-chromadb.default.svc.cluster.local" */
    CHROMA_HOST: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'expected a host name such as "chroma-chromadb.default.svc.cluster.local"' })
      .default("chroma-chromadb.default.svc.cluster.local"),
    /** ChromaDB port. @default 8000 */
    CHROMA_PORT: port.default(8000),
    /** ChromaDB collection holding face identities. @default "face_identities" */
    CHROMA_COLLECTION: z.string().min(1, { error: "expected a collection name" }).default("face_identities"),
    /** DOSASHOP blob storage API. @default "https://api.dosashop1.com/azblob" */
    DOSASHOP_BASE_URL: z
      .string()
      .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, { error: 'expected an http(s) URL such as "https://api.dosashop1.com/azblob"' })
      .default("https://api.dosashop1.com/azblob"),
    /** Default blob container. @default "vidint" */
    DOSASHOP_DEFAULT_CONTAINER: z.string().min(1, { error: "expected a container name" }).default("vidint"),
    /** Blob container uploads go to. @default "vidint" */
    DOSASHOP_UPLOAD_CONTAINER: z.string().min(1, { error: "expected a container name" }).default("vidint"),
    /** Lifetime of the SAS tokens the API hands out. @default 1800 */
    DOSASHOP_SAS_TTL_SECONDS: positiveSeconds.default(1800),
    /** Upload size limit in MB. @default 500 */
    MAX_UPLOAD_SIZE_MB: wholeNumber(1, 1_000_000, "a whole number of megabytes, at least 1").default(500),
    /** How long finished jobs are kept. @default 3600 */
    JOB_TTL_SECONDS: positiveSeconds.default(3600),
    /** Redis for job state. @default "redis://redis-master.cyber.svc.cluster.local:6379/0" */
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\/\S+$/, { error: "expected a redis:// or rediss:// URL" })
      .default("redis://redis-master.cyber.svc.cluster.local:6379/0"),
  })
  .strict()
  .prefault({});

export const API_ENV_NAMES = Object.keys(apiEnvSchema.unwrap().shape) as (keyof z.infer<typeof apiEnvSchema>)[];

export const apiConfigSchema = z
  .object({
    /** HelmRelease name, as live. @default "face-ocr-api" */
    releaseName: objectName.default("face-ocr-api"),
    /** Namespace of the HelmRelease and of everything it reads through valuesFrom. @default "default" */
    releaseNamespace: namespaceName.default("default"),
    /** Namespace the chart installs into; owned by this stack (protected, kept on delete). @default "cyber" */
    targetNamespace: namespaceName.default("cyber"),
    /** How often helm-controller reconciles the release. @default "1m" */
    interval: fluxDuration.default("1m"),
    chart: z
      .object({
        /** Chart name in the Helm repository. @default "microservice" */
        name: z.string().min(1, { error: "expected a chart name" }).default("microservice"),
        /** SemVer range of the chart; unset follows the newest chart, as the live release does. @default undefined (Flux: "*") */
        version: z.string().min(1, { error: 'expected a SemVer range such as "1.4.x"' }).optional(),
      })
      .strict()
      .prefault({}),
    helmRepository: z
      .object({
        /**
         * `reference`: it exists and is owned elsewhere (the live `s2t-acr-helm-repo` serves every release of the
         * cluster); only its name and namespace are used, and no `up` can change it.
         * `manage`: this stack owns the Flux HelmRepository (kept on delete); set `type`, `url` and its pull access
         * to the live values first, since one `up` changes chart fetches for every release that uses it.
         * @default "reference"
         */
        mode: z.enum(["manage", "reference"]).default("reference"),
        /** Name, as live. @default "s2t-acr-helm-repo" */
        name: objectName.default("s2t-acr-helm-repo"),
        /** Namespace; the HelmRelease's namespace when unset (the live sourceRef names none). @default api.releaseNamespace */
        namespace: namespaceName.optional(),
        /** `oci` (Helm charts pushed to an OCI registry) or `default` (an HTTPS index.yaml). @default "oci" */
        type: z.enum(["oci", "default"]).default("oci"),
        /** Repository URL. @default "oci://<registry login server>/helm" (type oci only) */
        url: z
          .string()
          .regex(/^(http|https|oci):\/\/\S+$/, { error: "expected a URL starting with oci://, https:// or http://" })
          .optional(),
        /** How often an HTTPS index is fetched; OCI repositories are not polled. @default "10m" */
        interval: fluxDuration.default("10m"),
      })
      .strict()
      .prefault({}),
    /** Pod replicas. @default 1 */
    replicaCount: wholeNumber(0, 100, "a whole number of replicas between 0 and 100").default(1),
    /** Port uvicorn listens on (the image's CMD says 8000): containerPort, APP_PORT and the probes' port. @default 8000 */
    containerPort: port.default(8000),
    vpa: z
      .object({
        /** Vertical Pod Autoscaler for the API. @default true */
        enabled: z.boolean({ error: "expected true or false" }).default(true),
        /** VPA update mode. @default "Auto" */
        updateMode: z.enum(["Auto", "Recreate", "Initial", "Off", "InPlaceOrRecreate"]).default("Auto"),
      })
      .strict()
      .prefault({}),
    resources: z
      .object({
        /** @default { cpu: "1", memory: "2Gi" } */
        limits: resourceAmounts("1", "2Gi"),
        /** @default { cpu: "250m", memory: "512Mi" } */
        requests: resourceAmounts("250m", "512Mi"),
      })
      .strict()
      .superRefine(refineRequestsWithinLimits)
      .prefault({}),
    probes: z
      .object({
        /** Liveness endpoint. @default "/api/v1/ping" */
        livenessPath: z
          .string()
          .regex(/^\/\S*$/, { error: 'expected an absolute path such as "/api/v1/ping"' })
          .default("/api/v1/ping"),
        /** Readiness endpoint. @default "/api/v1/ready" */
        readinessPath: z
          .string()
          .regex(/^\/\S*$/, { error: 'expected an absolute path such as "/api/v1/ready"' })
          .default("/api/v1/ready"),
        /** Startup probe attempts, 10 s apart, before the kubelet restarts a slow-starting pod. @default 30 (5 minutes) */
        startupFailureThreshold: wholeNumber(1, 360, "a whole number of attempts between 1 and 360").default(30),
      })
      .strict()
      .prefault({}),
    image: z
      .object({
        /** @default "Always" */
        pullPolicy: z.enum(["Always", "IfNotPresent", "Never"]).default("Always"),
      })
      .strict()
      .prefault({}),
    imageAutomation: z
      .object({
        /** Namespace of the ImageRepository and ImagePolicy (where the image-reflector-controller and the live ImageUpdateAutomation are). @default "flux-system" */
        namespace: namespaceName.default("flux-system"),
        /** ImageRepository name; the live one is not in the guide, check `kubectl get imagerepository -n flux-system`. @default "<targetNamespace>-<releaseName>-helm-image-repository" */
        imageRepositoryName: objectName.optional(),
        /** How often the registry is scanned for new tags. @default "1m" */
        scanInterval: fluxDuration.default("1m"),
        /** Tags the policy considers (Go RE2, like the pipeline's `1.0.0-alpha.<unix time>`). @default "^\\d+\\.\\d+\\.\\d+-alpha\\.\\d+$" */
        tagPattern: z.string().refine(isRegex, { error: "expected a regular expression" }).default("^\\d+\\.\\d+\\.\\d+-alpha\\.\\d+$"),
        /** SemVer range; `-0` lets prereleases in. @default ">=1.0.0-0" */
        semverRange: z
          .string()
          .regex(/^[\s<>=~^*xX|.\-+0-9A-Za-z]+$/, { error: 'expected a SemVer range such as ">=1.0.0-0"' })
          .default(">=1.0.0-0"),
        /** Tag written into the image-tag file the first time; Flux rewrites it afterwards. @default "1.0.0-alpha.1770916300" */
        initialTag: z.string().min(1, { error: "expected an image tag" }).default("1.0.0-alpha.1770916300"),
        /** Path of the image-tag file in the draft-deployment repository. @default "<environment>/<releaseName>-image-tag.yaml", e.g. "dev/face-ocr-api-image-tag.yaml" */
        gitPath: repoRelativePath("dev/face-ocr-api-image-tag.yaml", YAML_FILE).optional(),
      })
      .strict()
      .prefault({}),
    database: z
      .object({
        /** @default "postgres.cyber.svc.cluster.local" */
        host: z
          .string()
          .regex(/^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/, { error: "expected a host name" })
          .default("postgres.cyber.svc.cluster.local"),
        /** @default 5432 */
        port: port.default(5432),
        /** @default "face-ocr-db" */
        name: z.string().min(1, { error: "expected a database name" }).default("face-ocr-db"),
        /** @default "postgres" */
        user: z.string().min(1, { error: "expected a user name" }).default("postgres"),
      })
      .strict()
      .prefault({}),
    env: apiEnvSchema,
    /**
     * Further plain env vars (name to value), for a variable the code does not know yet. Never a secret.
     * `pulumi config set --path api.extraEnv.WORKERS 4` stores a number and `... true` a boolean: both are
     * accepted and rendered as strings (`"4"`, `"true"`), as the chart's `env[].value` needs. @default {}
     */
    extraEnv: z.record(z.string(), stringish).default({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const [key, value] of Object.entries(cfg.extraEnv)) {
      if (!ENV_NAME_PATTERN.test(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["extraEnv", key],
          input: value,
          message: `expected an env var name of upper-case letters, digits and '_', not "${key}"`,
        });
      } else if (key in API_DERIVED_ENV) {
        ctx.addIssue({
          code: "custom",
          path: ["extraEnv", key],
          input: value,
          params: REMOVE_KEY,
          message: `expected no value: ${key} is ${API_DERIVED_ENV[key as keyof typeof API_DERIVED_ENV]}`,
        });
      } else if ((API_ENV_NAMES as string[]).includes(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["env", key],
          input: value,
          message: `expected ${key} here, under api.env (typed config), not under api.extraEnv`,
        });
      }
    }
    const repo = cfg.helmRepository;
    if (repo.url !== undefined && repo.type === "oci" && !repo.url.startsWith("oci://")) {
      ctx.addIssue({
        code: "custom",
        path: ["helmRepository", "url"],
        input: repo.url,
        message: 'expected an oci:// URL because helmRepository.type is "oci"',
      });
    }
    if (repo.url !== undefined && repo.type === "default" && repo.url.startsWith("oci://")) {
      ctx.addIssue({
        code: "custom",
        path: ["helmRepository", "url"],
        input: repo.url,
        message: 'expected an https:// URL because helmRepository.type is "default"; set helmRepository.type to "oci" for an OCI registry',
      });
    }
    if (repo.mode === "manage" && repo.type === "default" && repo.url === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["helmRepository", "url"],
        input: undefined,
        message: 'expected the index URL: only an OCI repository URL (type "oci") can be derived from the registry',
      });
    }
    const automation = cfg.imageAutomation;
    if (isRegex(automation.tagPattern) && !new RegExp(automation.tagPattern).test(automation.initialTag)) {
      ctx.addIssue({
        code: "custom",
        path: ["imageAutomation", "initialTag"],
        input: automation.initialTag,
        message: `expected a tag the policy can select: it does not match imageAutomation.tagPattern ${automation.tagPattern}`,
      });
    }
  })
  .prefault({});

function isRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

export type ApiConfig = z.infer<typeof apiConfigSchema>;
export type ApiEnvConfig = ApiConfig["env"];
