import { z } from "zod";
import { cudaTagsFor, RAY_CUDA_TAGS } from "./cudaTags";
import { CUDA_TAG_PATTERN, isMutableImageRef, MUTABLE_TAGS, PYTHON_TAG_PATTERN, RAY_VERSION_PATTERN } from "./imageRef";
import { REMOVE_KEY } from "./issues";
import { DEFAULT_CUDA_TAG, DEFAULT_PYTHON_TAG, RAY_VERSION } from "./rayVersion";
import { heavyDependencies } from "../components/ray/heavyDependencies";
import { apiConfigSchema } from "./sections/api";
import { heavyDependencyPinIssues } from "./sections/heavyDependencies";
import { clusterConfigSchema } from "./sections/cluster";
import { pipelinesConfigSchema } from "./sections/pipelines";
import { rayConfigSchema } from "./sections/ray";
import { registryConfigSchema } from "./sections/registry";
import { EMPTY_SERVE_MESSAGE, MISSING_WORKER_IMAGE_MESSAGE } from "./sections/ray";
import { aStack, STACK_ROLES, StackRole } from "./stackRole";

export const ENVIRONMENTS = ["dev", "uat", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/**
 * Every non-secret config key of a stack, with its default. Unknown keys are
 * rejected so a typo never silently falls back to a default.
 */
export const stackConfigSchema = z
  .object({
    /**
     * What this stack owns: `shared` the registry and the Azure DevOps objects, `environment` one cluster's objects
     * (reading the shared stack's outputs), `standalone` everything (config/stackRole.ts, docs/stacks.md). @default "standalone"
     */
    role: z.enum(STACK_ROLES, { error: `expected ${STACK_ROLES.join(", ")}` }).default("standalone"),
    /**
     * Environment stacks: the shared stack whose outputs they read (`registryLoginServer`, `registryId`): its name in this
     * project, or `<organization>/<project>/<stack>`. @default "shared" in an environment stack
     */
    sharedStack: z
      .string()
      .regex(/^(?:[A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/, {
        error: 'expected a stack name such as "shared" or "<organization>/face-ocr-platform/shared"',
      })
      .optional(),
    /** Which environment this stack is; `prod` turns on the production-only rules (immutable images). @default "dev" */
    environment: z.enum(ENVIRONMENTS).default("dev"),
    /** Per-stack Ray override, to try a new Ray in dev first. @default RAY_VERSION */
    rayVersion: z
      .string()
      .regex(RAY_VERSION_PATTERN, { error: `expected an exact Ray version MAJOR.MINOR.PATCH, such as "${RAY_VERSION}"` })
      .default(RAY_VERSION),
    /** Python tag of every Ray image. @default "py310" */
    pythonTag: z
      .string()
      .regex(PYTHON_TAG_PATTERN, { error: `expected a Python tag of the form py3XX, such as "${DEFAULT_PYTHON_TAG}"` })
      .default(DEFAULT_PYTHON_TAG),
    /** CUDA tag of the GPU Ray images. @default "cu121" */
    cudaTag: z
      .string()
      .regex(CUDA_TAG_PATTERN, { error: `expected a CUDA tag of the form cuXXX, such as "${DEFAULT_CUDA_TAG}"` })
      .default(DEFAULT_CUDA_TAG),
    /** Required in environment and standalone stacks; the shared stack has no cluster. */
    cluster: clusterConfigSchema.optional(),
    registry: registryConfigSchema,
    pipelines: pipelinesConfigSchema,
    ray: rayConfigSchema,
    api: apiConfigSchema,
  })
  .strict()
  .superRefine((config, ctx) => {
    roleIssues(config, ctx);
    // Malformed values already have their own issue.
    const wellFormed = RAY_VERSION_PATTERN.test(config.rayVersion) && CUDA_TAG_PATTERN.test(config.cudaTag);
    const cudaTags = cudaTagsFor(config.rayVersion);
    if (wellFormed && !cudaTags) {
      ctx.addIssue({
        code: "custom",
        path: ["rayVersion"],
        input: config.rayVersion,
        message: `expected Ray ${RAY_CUDA_TAGS[0].fromRay} or later, the releases whose GPU images config/cudaTags.ts lists`,
      });
    } else if (wellFormed && cudaTags && !cudaTags.includes(config.cudaTag)) {
      ctx.addIssue({
        code: "custom",
        path: ["cudaTag"],
        input: config.cudaTag,
        message: `expected a CUDA tag that both the Ray ${config.rayVersion} GPU images and PyTorch's wheel index publish: ${cudaTags.join(", ")} (config/cudaTags.ts)`,
      });
    }
    // Production runs one known build of the GPU worker; a moving tag would change it under the plan.
    const image = config.ray.gpuWorker.image;
    if (config.environment === "prod" && isMutableImageRef({ repository: "worker", tag: image.tag, digest: image.digest })) {
      ctx.addIssue({
        code: "custom",
        path: ["ray", "gpuWorker", "image", "tag"],
        input: image.tag,
        message:
          `a moving tag (${MUTABLE_TAGS.join(", ")}) is not allowed when environment is "prod"; ` +
          `pin one build with ray.gpuWorker.image.digest (or a tag the pipeline never moves)`,
      });
    }
    // The step list depends on the CUDA tag (PyTorch's index); a malformed one is reported above.
    if (CUDA_TAG_PATTERN.test(config.cudaTag)) {
      const requirements = heavyDependencies(config.cudaTag).flatMap((s) => s.requirements);
      for (const issue of heavyDependencyPinIssues(config.ray.gpuWorker.heavyDependencies, requirements)) {
        ctx.addIssue({
          code: "custom",
          path: ["ray", "gpuWorker", "heavyDependencies", ...issue.path],
          input: issue.input,
          message: issue.message,
          ...(issue.remove ? { params: REMOVE_KEY } : {}),
        });
      }
    }
  });

export type StackConfig = z.infer<typeof stackConfigSchema>;

/** The parts of a parsed config the role checks read. */
interface RoleView {
  readonly role: StackRole;
  readonly cluster?: unknown;
  readonly ray: {
    readonly serve: { readonly applications: readonly unknown[] };
    readonly gpuWorker: { readonly image: { readonly tag?: string; readonly digest?: string } };
  };
}

/** What each role needs that the schema cannot require on its own: a cluster, Serve apps, a worker image. */
function roleIssues(config: RoleView, ctx: z.RefinementCtx): void {
  const role = config.role;
  if (role !== "shared" && config.cluster === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["cluster", "context"],
      input: undefined,
      message: `${aStack(role)} applies to one cluster: expected its kubeconfig context, such as "aks-data-ai-dev"`,
    });
  }
  if (role !== "shared" && config.ray.serve.applications.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["ray", "serve", "applications"],
      input: config.ray.serve.applications,
      message: EMPTY_SERVE_MESSAGE,
    });
  }
  // Reported at `digest`, so the message's command is the one that pins a build; `input: undefined` reads "... is missing".
  const image = config.ray.gpuWorker.image;
  if (role !== "shared" && image.tag === undefined && image.digest === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["ray", "gpuWorker", "image", "digest"],
      input: undefined,
      message: MISSING_WORKER_IMAGE_MESSAGE,
    });
  }
}

/** The top-level keys whose values are objects (stored as JSON by `pulumi config set --path`). */
export const OBJECT_CONFIG_KEYS: readonly string[] = ["cluster", "registry", "pipelines", "ray", "api"];
