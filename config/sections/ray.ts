import { z } from "zod";
import { REMOVE_KEY } from "../issues";
import { stringish } from "./stringish";
import { IMAGE_DIGEST_PATTERN, IMAGE_TAG_PATTERN } from "../imageRef";
import { heavyDependenciesConfigSchema } from "./heavyDependencies";
import { checkServeCodeMounts, importPath, routePrefix, runtimeEnvSchema, serveName } from "./rayServeGrammar";
import { checkUpgradeStrategy, rayAutoscalingSchema, rayUpgradeSchema } from "./rayUpgrade";
import { RAY_START_OPTION_ERROR, RAY_START_OPTION_PATTERN, rayStartValue } from "./shellSafe";
import { refineRequestsWithinLimits } from "./requestsWithinLimits";

/*
 * Config key `ray`: the RayService in namespace `ray`, its head, CPU worker
 * and GPU worker groups, the model-cache PVC and the PriorityClass.
 *
 * Every default reproduces the live system (the guide's ray-service.yaml and
 * its Appendix D) or, where the guide is silent, is a documented choice
 * (docs/ray.md, "Defaults the guide leaves open"). Maps merge with their
 * defaults: `pulumi config set --path ray.gpuWorker.rayStartParams.foo bar`
 * keeps `block` and `num-cpus`, and `ray.gpuWorker.env.FOO` adds to the
 * built-in env. Lists (tolerations, nodeAffinity, ...) replace. Image pull
 * secrets are the registry's (`registry.pullSecrets` for this namespace).
 */

// ---------------------------------------------------------------- defaults

/** Taint effects Kubernetes knows. */
export const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;
export const TOLERATION_OPERATORS = ["Equal", "Exists"] as const;
export const NODE_SELECTOR_OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"] as const;

export type TaintEffect = (typeof TAINT_EFFECTS)[number];

export interface TolerationConfig {
  readonly key?: string;
  readonly operator: (typeof TOLERATION_OPERATORS)[number];
  readonly value?: string;
  readonly effect?: TaintEffect;
  readonly tolerationSeconds?: number;
}

export interface NodeSelectorExpressionConfig {
  readonly key: string;
  readonly operator: (typeof NODE_SELECTOR_OPERATORS)[number];
  readonly values?: string[];
}

/** The GPU node pool's taints, as Appendix D tolerates them. */
export const DEFAULT_GPU_TOLERATIONS: readonly TolerationConfig[] = [
  { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" },
  { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
  { key: "nvidia.com/gpu", operator: "Exists", effect: "PreferNoSchedule" },
  { key: "kubernetes.azure.com/scalesetpriority", operator: "Equal", value: "spot", effect: "NoSchedule" },
];

/** Appendix D: GPU workers only on 16 GB VRAM nodes. */
export const DEFAULT_GPU_NODE_AFFINITY: readonly NodeSelectorExpressionConfig[] = [{ key: "gpu/vram", operator: "In", values: ["16gb"] }];

/** Environment variable names computed from the heavy-dependency install steps; stack config cannot set them. */
export const DERIVED_GPU_WORKER_ENV = ["PYTHONPATH", "LD_LIBRARY_PATH"] as const;

/** rayStartParams keys derived from the program's Ray ports (and the API's RAY_ADDRESS); stack config cannot set them. */
export const DERIVED_HEAD_RAY_START_PARAMS = ["ray-client-server-port"] as const;

// ---------------------------------------------------------------- primitives

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Kubernetes resource.Quantity, as the CRD's pattern has it. */
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const dnsLabel = (what: string) =>
  z
    .string()
    .max(63, { error: `expected a ${what} of at most 63 characters` })
    .regex(DNS_LABEL, { error: `expected a ${what}: lower-case letters, digits and "-", starting and ending with a letter or digit` });

const dnsSubdomain = (what: string) =>
  z
    .string()
    .max(253, { error: `expected a ${what} of at most 253 characters` })
    .regex(DNS_SUBDOMAIN, {
      error: `expected a ${what}: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit`,
    });

// Every quantity here is an amount of a resource or a volume's size, which Kubernetes refuses below zero.
const quantity = stringish.pipe(
  z
    .string()
    .regex(QUANTITY, { error: 'expected a Kubernetes quantity such as "6", "500m" or "12Gi"' })
    .refine((v) => !v.startsWith("-"), { error: 'expected a quantity of at least 0, such as "6", "500m" or "12Gi"' }),
);

const replicaCount = (what: string) =>
  z
    .number({ error: `expected a whole number of ${what}` })
    .int({ error: `expected a whole number of ${what}` })
    .min(0, { error: `expected 0 or more ${what}` });

const absolutePath = z.string().regex(/^\/[^\0]*$/, { error: 'expected an absolute path such as "/home/ray/apps"' });

// ---------------------------------------------------------------- building blocks

interface ResourceListDefaults {
  readonly cpu: string;
  readonly memory: string;
}

export interface ResourcesDefaults {
  readonly limits: ResourceListDefaults;
  readonly requests: ResourceListDefaults;
}

function resourceListSchema(d: ResourceListDefaults) {
  return z
    .object({
      /** CPU, e.g. `"6"` or `"500m"`. */
      cpu: quantity.default(d.cpu),
      /** Memory, e.g. `"12Gi"`. */
      memory: quantity.default(d.memory),
      /** Scratch disk; unset by default. */
      "ephemeral-storage": quantity.optional(),
    })
    .strict()
    .prefault({});
}

/**
 * Container resources. GPUs are not set here: a group's `gpus` sets the
 * `nvidia.com/gpu` limit and request and Ray's `num-gpus` together.
 */
function resourcesSchema(d: ResourcesDefaults) {
  return z
    .object({ limits: resourceListSchema(d.limits), requests: resourceListSchema(d.requests) })
    .strict()
    .superRefine(refineRequestsWithinLimits)
    .prefault({});
}

/** A string map whose listed entries have defaults and which accepts further entries. */
function mergedStringMap(
  defaults: Readonly<Record<string, string>>,
  keyPattern: RegExp,
  keyError: string,
  valueSchema: z.ZodType<string, unknown> = stringish,
) {
  const shape: Record<string, z.ZodType<string, unknown>> = {};
  for (const [k, v] of Object.entries(defaults)) shape[k] = valueSchema.default(v) as unknown as z.ZodType<string, unknown>;
  return z
    .object(shape)
    .catchall(valueSchema)
    .superRefine((map, ctx) => {
      for (const key of Object.keys(map)) {
        if (!keyPattern.test(key))
          ctx.addIssue({ code: "custom", path: [key], input: map[key], message: `${JSON.stringify(key)} is not a valid key: ${keyError}` });
      }
    })
    .prefault({})
    .transform((map) => map as Record<string, string>);
}

const labelValue = stringish.pipe(
  z
    .string()
    .max(63, { error: "expected a label value of at most 63 characters" })
    .regex(LABEL_VALUE, { error: "expected a label value: letters, digits, '-', '_' and '.'" }),
);

const tolerationSchema = z
  .object({
    /** Taint key; empty with operator Exists tolerates every taint. */
    key: z.string().optional(),
    /** @default "Equal" */
    operator: z.enum(TOLERATION_OPERATORS, { error: 'expected "Equal" or "Exists"' }).default("Equal"),
    value: stringish.optional(),
    /** Unset tolerates every effect. */
    effect: z.enum(TAINT_EFFECTS, { error: `expected one of ${TAINT_EFFECTS.join(", ")} (the Kubernetes taint effects)` }).optional(),
    /** Only with effect NoExecute. */
    tolerationSeconds: z.number().int().min(0).optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.operator === "Exists" && t.value !== undefined && t.value !== "") {
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        input: t.value,
        message: "a toleration with operator Exists matches any value and must not set one",
      });
    }
    if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute") {
      ctx.addIssue({
        code: "custom",
        path: ["tolerationSeconds"],
        input: t.tolerationSeconds,
        message: 'tolerationSeconds only applies to effect "NoExecute"',
      });
    }
  });

const nodeSelectorExpressionSchema = z
  .object({
    key: z.string().min(1, { error: "expected a node label key such as gpu/vram" }),
    operator: z.enum(NODE_SELECTOR_OPERATORS, { error: `expected one of ${NODE_SELECTOR_OPERATORS.join(", ")}` }),
    values: z.array(stringish).optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    const n = e.values?.length ?? 0;
    if ((e.operator === "In" || e.operator === "NotIn") && n === 0) {
      ctx.addIssue({ code: "custom", path: ["values"], input: e.values, message: `operator ${e.operator} needs at least one value` });
    }
    if ((e.operator === "Exists" || e.operator === "DoesNotExist") && n > 0) {
      ctx.addIssue({ code: "custom", path: ["values"], input: e.values, message: `operator ${e.operator} takes no values` });
    }
    if ((e.operator === "Gt" || e.operator === "Lt") && (n !== 1 || !/^-?\d+$/.test(e.values?.[0] ?? ""))) {
      ctx.addIssue({
        code: "custom",
        path: ["values"],
        input: e.values,
        message: `operator ${e.operator} takes exactly one integer value`,
      });
    }
  });

const configMapMountSchema = z
  .object({
    /** Name of the ConfigMap in the `ray` namespace. */
    configMap: dnsSubdomain("ConfigMap name"),
    /** Where the ConfigMap's keys appear as files. */
    mountPath: absolutePath,
    /** Volume name; @default the ConfigMap name */
    name: dnsLabel("volume name").optional(),
    /** @default true */
    readOnly: z.boolean().default(true),
  })
  .strict();

export type ConfigMapMountConfig = z.infer<typeof configMapMountSchema>;

function uniqueBy<T>(
  items: readonly T[],
  key: (item: T) => string | undefined,
  field: string,
  what: string,
  ctx: z.RefinementCtx,
  prefix: PropertyKey[] = [],
) {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    if (k === undefined) return;
    const first = seen.get(k);
    if (first !== undefined) {
      ctx.addIssue({ code: "custom", path: [...prefix, i, field], input: k, message: `duplicate ${what}; [${first}] already uses it` });
    } else seen.set(k, i);
  });
}

// ---------------------------------------------------------------- worker groups

export interface WorkerGroupDefaults {
  readonly replicas: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly gpus: number;
  readonly rayStartParams: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly tolerations: readonly TolerationConfig[];
  readonly nodeAffinity: readonly NodeSelectorExpressionConfig[];
  readonly resources: ResourcesDefaults;
}

/** The fields every worker group has, with this group's defaults. */
function workerGroupShape(d: WorkerGroupDefaults, minGpus: number) {
  return {
    /** Pods to run now. @default per group */
    replicas: replicaCount("replicas").default(d.replicas),
    /** Fewest pods (the autoscaler never goes below). */
    minReplicas: replicaCount("replicas").default(d.minReplicas),
    /** Most pods (the autoscaler never goes above). */
    maxReplicas: replicaCount("replicas").default(d.maxReplicas),
    /**
     * GPUs per pod: the one value behind Ray's `num-gpus` and the container's
     * `nvidia.com/gpu` limit and request.
     */
    gpus: z
      .number({ error: "expected a whole number of GPUs" })
      .int({ error: "expected a whole number of GPUs" })
      .min(minGpus, { error: minGpus > 0 ? `expected at least ${minGpus} GPU for the GPU worker group` : "expected 0 or more GPUs" })
      .default(d.gpus),
    /** `ray start` parameters, values as strings. Entries merge with the defaults. */
    rayStartParams: mergedStringMap(d.rayStartParams, RAY_START_OPTION_PATTERN, RAY_START_OPTION_ERROR, rayStartValue),
    /** Pod labels. Entries merge with the defaults. */
    labels: mergedStringMap(d.labels, LABEL_KEY, "expected a Kubernetes label key such as app or example.com/team", labelValue),
    /** Taints the pods tolerate. */
    tolerations: z.array(tolerationSchema).default(d.tolerations.map((t) => ({ ...t }))),
    /** Node label expressions a node must match (one required node selector term). */
    nodeAffinity: z
      .array(nodeSelectorExpressionSchema)
      .default(d.nodeAffinity.map((e) => ({ ...e, values: e.values ? [...e.values] : undefined }))),
    /** Container resources of the Ray container. */
    resources: resourcesSchema(d.resources),
  };
}

interface WorkerGroupCommon {
  replicas: number;
  minReplicas: number;
  maxReplicas: number;
  gpus: number;
  rayStartParams: Record<string, string>;
}

/** The invariants of a worker group; `key` is its config key (`cpuWorker`, `gpuWorker`) for the messages. */
function checkWorkerGroup(key: string, g: WorkerGroupCommon, ctx: z.RefinementCtx): void {
  const at = `ray.${key}`;
  if (g.minReplicas > g.maxReplicas) {
    ctx.addIssue({
      code: "custom",
      path: ["minReplicas"],
      input: g.minReplicas,
      message: `minReplicas must not exceed maxReplicas (${g.maxReplicas})`,
    });
  } else if (g.replicas < g.minReplicas || g.replicas > g.maxReplicas) {
    ctx.addIssue({
      code: "custom",
      path: ["replicas"],
      input: g.replicas,
      message: `replicas must be between minReplicas (${g.minReplicas}) and maxReplicas (${g.maxReplicas}); KubeRay would silently clamp it`,
    });
  }
  const numGpus = g.rayStartParams["num-gpus"];
  if (numGpus !== undefined) {
    if (g.gpus === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["rayStartParams", "num-gpus"],
        input: numGpus,
        message: `num-gpus without a GPU limit: ${at}.gpus is 0, so the pods get no nvidia.com/gpu and Ray would place GPU actors where there is no GPU; set ${at}.gpus instead (it sets num-gpus and the nvidia.com/gpu limit and request together)`,
      });
    } else if (numGpus !== String(g.gpus)) {
      ctx.addIssue({
        code: "custom",
        path: ["rayStartParams", "num-gpus"],
        input: numGpus,
        message: `num-gpus does not match ${at}.gpus (${g.gpus}), which sets the nvidia.com/gpu limit; remove num-gpus from rayStartParams, it is derived from ${at}.gpus`,
      });
    }
  }
}

/**
 * Why `ray.gpuWorker.image` has no default: no pipeline produces a build tag a default could name, and a
 * made-up one would only fail at image pull. Each stack says which build it runs.
 */
export const MISSING_WORKER_IMAGE_MESSAGE =
  "the GPU worker image has no default; pin one build with ray.gpuWorker.image.digest " +
  "(the current build's digest: `az acr repository show --name <registry> --image data-ai/face-ocr-worker:dev --query digest -o tsv`), " +
  'or name it with ray.gpuWorker.image.tag (the moving tag "dev", which the live system runs, is refused in prod)';

const imageSchema = z
  .object({
    /**
     * Tag of the build, e.g. `dev`, the moving tag the worker pipeline pushes (rendered with imagePullPolicy
     * Always; refused in prod). Required unless `digest` is set.
     */
    // A date-shaped tag (`20250101`) set with `pulumi config set --path` arrives as a number.
    tag: z
      .preprocess(
        (v) => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? String(v) : v),
        z.string().regex(IMAGE_TAG_PATTERN, { error: 'expected an image tag: up to 128 of [A-Za-z0-9_.-], not starting with "." or "-"' }),
      )
      .optional(),
    /** Content digest `sha256:<64 hex>`; pins the exact image (takes precedence over the tag when pulling). */
    digest: z.string().regex(IMAGE_DIGEST_PATTERN, { error: "expected an image digest sha256:<64 lower-case hex digits>" }).optional(),
  })
  .strict()
  // No default image: a missing `image` is checked like an empty one, with the stack's role (config/stackConfig.ts),
  // as the shared stack runs no worker.
  .prefault({});

export const CPU_WORKER_DEFAULTS: WorkerGroupDefaults = {
  replicas: 1,
  minReplicas: 1,
  maxReplicas: 2,
  gpus: 0,
  rayStartParams: {},
  labels: {},
  tolerations: [],
  nodeAffinity: [],
  resources: { limits: { cpu: "2", memory: "4Gi" }, requests: { cpu: "2", memory: "4Gi" } },
};

export const GPU_WORKER_DEFAULTS: WorkerGroupDefaults = {
  replicas: 1,
  minReplicas: 1,
  maxReplicas: 3,
  gpus: 1,
  rayStartParams: { block: "true", "num-cpus": "8" },
  labels: { app: "rayservice-sample", component: "gpu-worker" },
  tolerations: DEFAULT_GPU_TOLERATIONS,
  nodeAffinity: DEFAULT_GPU_NODE_AFFINITY,
  resources: { limits: { cpu: "6", memory: "12Gi" }, requests: { cpu: "6", memory: "4Gi" } },
};

const envMap = z.record(
  z.string().regex(ENV_NAME, { error: "expected an environment variable name: letters, digits and _, not starting with a digit" }),
  stringish,
);

const cpuWorkerSchema = z
  .object({
    ...workerGroupShape(CPU_WORKER_DEFAULTS, 0),
    /** Extra environment variables of the Ray container. @default {} */
    env: envMap.default({}),
    /** ConfigMaps mounted into the Ray container (the guide's "ConfigMap apps"). @default [] */
    configMapMounts: z.array(configMapMountSchema).default([]),
  })
  .strict()
  .superRefine((g, ctx) => {
    checkWorkerGroup("cpuWorker", g, ctx);
    uniqueBy(g.configMapMounts, (m) => m.name ?? m.configMap, "name", "volume name", ctx, ["configMapMounts"]);
    uniqueBy(g.configMapMounts, (m) => m.mountPath, "mountPath", "mount path", ctx, ["configMapMounts"]);
  })
  .prefault({});

const gpuWorkerSchema = z
  .object({
    ...workerGroupShape(GPU_WORKER_DEFAULTS, 1),
    /**
     * Extra environment variables of the worker container, set after the
     * built-in ones (an entry with a built-in name replaces its value).
     * PYTHONPATH and LD_LIBRARY_PATH are derived and cannot be set. @default {}
     */
    env: envMap.default({}),
    /** The worker image in the registry's `workerRepository`: a tag or a digest. Required: no default (see docs/ray.md). */
    image: imageSchema,
    /** Where the heavy ML packages come from (initContainer or base image) and the stack's exact pins. */
    heavyDependencies: heavyDependenciesConfigSchema,
    /** Size limit of the `python-packages` emptyDir the initContainer fills (~4-5 GB today). @default "10Gi" */
    sharedPackagesSizeLimit: quantity.default("10Gi"),
    /** Resources of the `install-heavy-deps` initContainer. @default limits 2 CPU / 4Gi, requests 1 CPU / 2Gi */
    installResources: resourcesSchema({ limits: { cpu: "2", memory: "4Gi" }, requests: { cpu: "1", memory: "2Gi" } }),
  })
  .strict()
  .superRefine((g, ctx) => {
    checkWorkerGroup("gpuWorker", g, ctx);
    for (const name of DERIVED_GPU_WORKER_ENV) {
      if (name in g.env) {
        ctx.addIssue({
          code: "custom",
          path: ["env", name],
          input: g.env[name],
          params: REMOVE_KEY,
          message: "cannot be set in config: it is derived from where the heavy dependencies install (components/ray/heavyDependencies.ts)",
        });
      }
    }
  })
  .prefault({});

const headSchema = z
  .object({
    /** `ray start` parameters of the head. Entries merge with the defaults; the client port is derived. */
    rayStartParams: mergedStringMap({ "dashboard-host": "0.0.0.0" }, RAY_START_OPTION_PATTERN, RAY_START_OPTION_ERROR, rayStartValue),
    /** @default limits and requests 2 CPU / 8Gi */
    resources: resourcesSchema({ limits: { cpu: "2", memory: "8Gi" }, requests: { cpu: "2", memory: "8Gi" } }),
    /** ConfigMaps mounted into the head container (the guide's "ConfigMap apps"). @default [] */
    configMapMounts: z.array(configMapMountSchema).default([]),
  })
  .strict()
  .superRefine((h, ctx) => {
    for (const key of DERIVED_HEAD_RAY_START_PARAMS) {
      if (key in h.rayStartParams) {
        ctx.addIssue({
          code: "custom",
          path: ["rayStartParams", key],
          input: h.rayStartParams[key],
          params: REMOVE_KEY,
          message:
            "cannot be set in config: it is derived from the Ray client port (10001), which is also the head's client containerPort and the API's RAY_ADDRESS",
        });
      }
    }
    uniqueBy(h.configMapMounts, (m) => m.name ?? m.configMap, "name", "volume name", ctx, ["configMapMounts"]);
    uniqueBy(h.configMapMounts, (m) => m.mountPath, "mountPath", "mount path", ctx, ["configMapMounts"]);
  })
  .prefault({});

// ---------------------------------------------------------------- Ray Serve

const jsonObject = z.record(z.string(), z.unknown());

const nonNegative = (what: string) => z.number({ error: `expected a number of ${what}` }).min(0, { error: `expected 0 or more ${what}` });

/** One Serve deployment's options (Ray Serve config file format, snake_case as Serve spells them). */
const serveDeploymentSchema = z
  .object({
    /** The deployment's class or function name in the app's code. */
    name: serveName("the deployment's class or function name"),
    num_replicas: z
      .union([z.number().int().min(0), z.literal("auto")], { error: 'expected a whole number of replicas or "auto"' })
      .optional(),
    max_ongoing_requests: z.number().int().min(1).optional(),
    max_queued_requests: z.number().int().optional(),
    user_config: jsonObject.optional(),
    autoscaling_config: jsonObject.optional(),
    graceful_shutdown_wait_loop_s: nonNegative("seconds").optional(),
    graceful_shutdown_timeout_s: nonNegative("seconds").optional(),
    health_check_period_s: nonNegative("seconds").optional(),
    health_check_timeout_s: nonNegative("seconds").optional(),
    ray_actor_options: z
      .object({
        num_cpus: nonNegative("CPUs").optional(),
        num_gpus: nonNegative("GPUs").optional(),
        memory: nonNegative("bytes").optional(),
        resources: z.record(z.string(), z.number()).optional(),
        accelerator_type: z.string().optional(),
        runtime_env: runtimeEnvSchema.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** One Serve application (Ray Serve config file format). */
const serveApplicationSchema = z
  .object({
    name: serveName("an application name"),
    /** HTTP route; unset keeps Serve's default, null disables HTTP for the app. */
    route_prefix: routePrefix.nullable().optional(),
    /** `module:attribute` of the app's bound deployment (`app = Deployment.bind()`). */
    import_path: importPath,
    /** Where the code comes from (a ConfigMap mount on PYTHONPATH, or a remote zip) and the app's environment. */
    runtime_env: runtimeEnvSchema.optional(),
    args: jsonObject.optional(),
    deployments: z.array(serveDeploymentSchema).optional(),
  })
  .strict()
  .superRefine((app, ctx) => uniqueBy(app.deployments ?? [], (d) => d.name, "name", "deployment name", ctx, ["deployments"]));

export type ServeApplicationConfig = z.infer<typeof serveApplicationSchema>;

/**
 * Why a RayService needs Serve applications, and how to fill them. KubeRay v1.7.0 (rayservice_controller.go:
 * getAndCheckServeStatus, reconcileServicesToReadyCluster) counts a cluster ready only when it has Serve
 * applications and all are RUNNING; only then does it create or switch `<name>-head-svc` and promote a pending cluster.
 */
export const EMPTY_SERVE_MESSAGE =
  "a RayService needs at least one Serve application: KubeRay (v1.7.0, rayservice_controller.go) marks it ready, creates or switches " +
  "<ray.serviceName>-head-svc and promotes a new RayCluster only once its Serve applications are RUNNING, so without any the API's " +
  "RAY_ADDRESS never resolves and every upgrade holds a second set of GPU pods that is never promoted; copy the live applications " +
  "(`kubectl get rayservice rayservice -n ray -o jsonpath='{.spec.serveConfigV2}'`) into ray.serve.applications in Pulumi.<stack>.yaml, " +
  'with their ConfigMaps in ray.head.configMapMounts and ray.cpuWorker.configMapMounts (docs/ray.md, "Change the Serve applications")';

const serveSchema = z
  .object({
    /** The Serve applications, rendered into the RayService's serveConfigV2. Required: at least one (see EMPTY_SERVE_MESSAGE). */
    applications: z.array(serveApplicationSchema).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    // At least one application: checked with the stack's role (config/stackConfig.ts), as the shared stack runs no RayService.
    uniqueBy(s.applications, (a) => a.name, "name", "application name", ctx, ["applications"]);
    uniqueBy(s.applications, (a) => a.route_prefix ?? undefined, "route_prefix", "route_prefix", ctx, ["applications"]);
  })
  .prefault({});

// ---------------------------------------------------------------- the section

/** Config key `ray`: the RayService and its worker groups. */
export const rayConfigSchema = z
  .object({
    /** Namespace of everything Ray. @default "ray" */
    namespace: dnsLabel("namespace name").default("ray"),
    /** Name of the RayService; the head Service is `<name>-head-svc`. @default "rayservice" */
    serviceName: dnsLabel("RayService name").default("rayservice"),
    /** Ray namespace the API's actors live in (its RAY_NAMESPACE). @default "face-ocr" */
    actorNamespace: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, { error: "expected a Ray namespace: letters, digits, '_', '-' and '.'" })
      .default("face-ocr"),
    priorityClass: z
      .object({
        /** @default "gpu-workload-high" */
        name: dnsSubdomain("PriorityClass name").default("gpu-workload-high"),
        /**
         * Create (and own) the PriorityClass. false references the existing one by name: `gpu-workload-high` exists in
         * the cluster and is cluster-wide, so other workloads may use it. @default false
         */
        create: z.boolean().default(false),
        /** Its priority; immutable once created, so match the live value before importing. @default 1000000 */
        value: z
          .number({ error: "expected a whole number" })
          .int({ error: "expected a whole number" })
          .max(1_000_000_000, { error: "expected at most 1000000000 (higher values are reserved for system-critical pods)" })
          .default(1_000_000),
      })
      .strict()
      .prefault({}),
    modelCache: z
      .object({
        /** PVC the initContainer downloads models into and the worker reads them from. @default "face-ocr-models" */
        claimName: dnsSubdomain("PVC name").default("face-ocr-models"),
        /** Azure Files (ReadWriteMany). @default "azurefile" */
        storageClassName: dnsSubdomain("StorageClass name").default("azurefile"),
        /** @default "1Gi" */
        size: quantity.default("1Gi"),
      })
      .strict()
      .prefault({}),
    /** Container security context of every Ray container (the Ray images run as `ray`, uid 1000). */
    securityContext: z
      .object({
        /** @default true */
        runAsNonRoot: z.boolean().default(true),
        /** @default 1000 */
        runAsUser: z.number().int().min(0).default(1000),
        /** @default false */
        allowPrivilegeEscalation: z.boolean().default(false),
        /** Drop every Linux capability. @default true */
        dropAllCapabilities: z.boolean().default(true),
      })
      .strict()
      .superRefine((s, ctx) => {
        if (s.runAsNonRoot && s.runAsUser === 0) {
          ctx.addIssue({ code: "custom", path: ["runAsUser"], input: 0, message: "uid 0 is root, which runAsNonRoot forbids" });
        }
      })
      .prefault({}),
    serve: serveSchema,
    /** How KubeRay rolls a changed rayClusterConfig (config/sections/rayUpgrade.ts). */
    upgrade: rayUpgradeSchema,
    /** In-tree autoscaling of the worker groups (config/sections/rayUpgrade.ts). */
    autoscaling: rayAutoscalingSchema,
    head: headSchema,
    cpuWorker: cpuWorkerSchema,
    gpuWorker: gpuWorkerSchema,
  })
  .strict()
  .superRefine((r, ctx) => {
    checkServeCodeMounts(r.serve.applications, { head: r.head.configMapMounts, cpuWorker: r.cpuWorker.configMapMounts }, ctx);
    checkUpgradeStrategy(r.upgrade, r.autoscaling, ctx);
  })
  .prefault({});

export type RayConfig = z.infer<typeof rayConfigSchema>;
export type HeadConfig = RayConfig["head"];
export type CpuWorkerConfig = RayConfig["cpuWorker"];
export type GpuWorkerConfig = RayConfig["gpuWorker"];
export type ResourcesConfig = GpuWorkerConfig["resources"];
export type SecurityContextConfig = RayConfig["securityContext"];
export type ServeConfig = RayConfig["serve"];
export type { RayAutoscalingConfig, RayUpgradeConfig } from "./rayUpgrade";
