import { z } from "zod";
import { IMAGE_REPOSITORY_PATTERN } from "../imageRef";
import { deploymentsConfigSchema } from "./deployments";
import { repoRelativePath, YAML_FILE } from "./repoPath";
import { pipelineVariableValue } from "./shellSafe";

/** The values Appendix C of the deployment guide sets in every app pipeline. */
export const DEFAULT_AZURE_SUBSCRIPTION = "S2T Sela-data-ai";
export const DEFAULT_KEY_VAULT_NAME = "predicintel-devops-kv";
export const DEFAULT_PROJECT = "data-ai";
export const DEFAULT_BRANCHES: readonly string[] = ["main", "dev"];
export const DEFAULT_APP_YAML_PATH = "azure-pipelines.yaml";
export const DEFAULT_TEMPLATE_REPOSITORY = "Cybersmart-Next/template";
export const DEFAULT_TEMPLATE_FILE = "project-pipelines.yml";

/** Git branch names as Azure Repos accepts them (no refs/heads/ prefix, no spaces or wildcards). */
const BRANCH = /^(?!refs\/)[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
/** Azure Repos repository names: no slashes, no leading dot or underscore. */
const REPO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Pipeline variable names: letters, digits, `.` and `_`, not starting with a digit. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;
/** Template environments are PascalCase parameter prefixes: `Dev` becomes the `DevRegistries` parameter. */
const ENVIRONMENT_NAME = /^[A-Z][A-Za-z0-9]*$/;
/** Key Vault names: 3-24 letters, digits and hyphens, starting with a letter. */
const KEY_VAULT_NAME = /^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$/;
/** Azure Container Registry names. */
const REGISTRY_NAME = /^[a-zA-Z0-9]{5,50}$/;

/** The app pipelines every stack has, named after their Azure Repos repositories (deployment guide, "Repositories"). */
export const WORKER_APP = "face-ocr-worker";
export const API_APP = "face-ocr-api";
/** Default name of this repository's build definition (`pipelines.platform.name`). */
export const DEFAULT_PLATFORM_PIPELINE = "face-ocr-platform";

/**
 * Logical-name suffix of this repository's build definition: the component registers it as `<component>-platform`
 * and each app's as `<component>-<app name>` (components/pipelines/buildPipelines.ts), so no app may be named this.
 * Fixed, so renaming the pipeline in config renames it in Azure DevOps instead of replacing it.
 */
export const PLATFORM_DEFINITION_SUFFIX = "platform";

/** The template's environments in Appendix C: DevRegistries and UATRegistries. */
export const DEFAULT_ENVIRONMENTS: readonly string[] = ["Dev", "UAT"];

/** Variables the program sets itself; config may not redefine them. */
export const RESERVED_VARIABLES: readonly string[] = ["AzureSubscription", "KeyVaultName", "RAY_VERSION"];

const branch = z.string().regex(BRANCH, { error: 'expected a branch name such as "main" (without refs/heads/)' });
const repoName = (example: string) =>
  z.string().regex(REPO_NAME, { error: `expected an Azure Repos repository name such as "${example}"` });

const appSchema = z
  .object({
    /** Build definition name and, unless `repository` says otherwise, the Azure Repos repository name. */
    name: repoName("face-ocr-reports"),
    /** Azure Repos repository in the pipelines project. @default the app's name */
    repository: repoName("face-ocr-reports").optional(),
    /** Repository path of the app's image in the stack's registry, e.g. `data-ai/face-ocr-reports`. */
    imageRepository: z
      .string()
      .regex(IMAGE_REPOSITORY_PATTERN, { error: 'expected a lower-case registry path such as "data-ai/face-ocr-reports"' }),
    /** Dockerfile path inside the repository. @default "Dockerfile" */
    dockerfile: repoRelativePath("docker/Dockerfile").default("Dockerfile"),
  })
  .strict();

/** Config key `pipelines`: the Azure DevOps build definitions and the pipeline YAML generated for the app repositories. */
export const pipelinesConfigSchema = z
  .object({
    /**
     * Whether this stack owns the Azure DevOps build definitions and the branch
     * policy. They are shared by every stack (one pipeline per repository), so
     * exactly one stack owns them: the shared stack (docs/stacks.md); an
     * environment stack has no `pipelines` key. @default true
     */
    enabled: z.boolean().default(true),
    /** Azure DevOps project of the app repositories and their pipelines. @default "data-ai" */
    project: z.string().min(1, { error: 'expected an Azure DevOps project name such as "data-ai"' }).default(DEFAULT_PROJECT),
    /** Folder of the build definitions in Azure Pipelines. @default "\\" (the root) */
    folder: z
      .string()
      .regex(/^\\(?:[^\\/:*?"<>|]+(?:\\[^\\/:*?"<>|]+)*)?$/, { error: 'expected a pipelines folder such as "\\\\" or "\\\\face-ocr"' })
      .default("\\"),
    /** Branches whose pushes build the app images. @default ["main", "dev"] */
    branches: z
      .array(branch)
      .min(1, { error: "expected at least one branch" })
      .default([...DEFAULT_BRANCHES]),
    /** Path of the pipeline YAML in each app repository. @default "azure-pipelines.yaml" */
    yamlPath: repoRelativePath(DEFAULT_APP_YAML_PATH, YAML_FILE).default(DEFAULT_APP_YAML_PATH),
    /** Value of the `AzureSubscription` variable: the service connection the template uses. @default "S2T Sela-data-ai" */
    azureSubscription: z.string().min(1).default(DEFAULT_AZURE_SUBSCRIPTION),
    /** Value of the `KeyVaultName` variable. @default "predicintel-devops-kv" */
    keyVaultName: z
      .string()
      .regex(KEY_VAULT_NAME, { error: "expected a Key Vault name: 3-24 letters, digits and hyphens" })
      .default(DEFAULT_KEY_VAULT_NAME),
    /** More plain (non-secret) variables for every app pipeline, name to value. @default {} */
    variables: z
      .record(z.string().regex(VARIABLE_NAME, { error: "expected a variable name of letters, digits, . and _" }), pipelineVariableValue)
      .default({})
      .superRefine((vars, ctx) => {
        for (const name of Object.keys(vars)) {
          if (RESERVED_VARIABLES.includes(name)) {
            ctx.addIssue({
              code: "custom",
              path: [name],
              input: vars[name],
              message: `reserved: the program sets ${name} itself (RAY_VERSION from rayVersion, the others from pipelines.azureSubscription and pipelines.keyVaultName); remove it from pipelines.variables`,
            });
          }
        }
      }),
    /** The shared pipeline template every app pipeline extends. */
    template: z
      .object({
        /** `<project>/<repository>` of the template repository. @default "Cybersmart-Next/template" */
        repository: z
          .string()
          .regex(/^[^/]+\/[^/]+$/, { error: 'expected <project>/<repository>, such as "Cybersmart-Next/template"' })
          .default(DEFAULT_TEMPLATE_REPOSITORY),
        /** Template file in that repository. @default "project-pipelines.yml" */
        file: repoRelativePath(DEFAULT_TEMPLATE_FILE, YAML_FILE).default(DEFAULT_TEMPLATE_FILE),
        /** Branch or tag of the template to pin (`refs/tags/v3`); the repository's default branch when unset. */
        ref: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    /**
     * Promotion environments of the template (`<Env>Registries` parameters) and
     * the registries each one pushes to besides the stack's own registry. Dev
     * and UAT are always there; config adds registries to them, or adds
     * environments after them. @default { Dev: [], UAT: [] }
     */
    environments: z
      .record(
        z.string().regex(ENVIRONMENT_NAME, { error: 'expected a PascalCase environment name such as "UAT"' }),
        z.array(z.string().regex(REGISTRY_NAME, { error: "expected an Azure Container Registry name (5-50 letters and digits)" })),
      )
      .default({})
      .transform((envs) => ({ ...Object.fromEntries(DEFAULT_ENVIRONMENTS.map((env) => [env, [] as string[]])), ...envs })),
    /**
     * App repositories built the same way, besides face-ocr-worker and face-ocr-api. Names must differ from
     * face-ocr-worker, face-ocr-api, `platform` and `pipelines.platform.name`, and from each other (ignoring case,
     * as Azure DevOps does). @default []
     */
    additionalApps: z.array(appSchema).default([]),
    /** This repository's own pipeline: preview on pull requests, up on main. */
    platform: z
      .object({
        /** Build definition name; not face-ocr-worker, face-ocr-api or an additional app's name. @default "face-ocr-platform" */
        name: z.string().min(1).default(DEFAULT_PLATFORM_PIPELINE),
        /** Azure Repos repository of this program, in the pipelines project. @default "face-ocr-platform" */
        repository: repoName("face-ocr-platform").default("face-ocr-platform"),
        /** Pipeline file at the repository root. @default "azure-pipelines.yml" */
        yamlPath: repoRelativePath("azure-pipelines.yml", YAML_FILE).default("azure-pipelines.yml"),
        /** The protected branch: PRs into it need a passing preview, pushes to it deploy. @default "main" */
        branch: branch.default("main"),
        /**
         * Minutes a passing preview stays valid once `branch` has moved on. 0 expires it the moment the branch is
         * updated, so the PR re-runs the preview against what the push to `branch` just deployed; a longer window
         * lets a PR merge on a preview of a state that no longer exists. @default 0
         */
        validDurationMinutes: z.int({ error: "expected whole minutes" }).min(0, { error: "expected 0 or more minutes" }).default(0),
      })
      .strict()
      .prefault({}),
    /**
     * The stacks this repository's pipeline deploys, in order, each through an Azure DevOps Environment that only
     * `platform.branch` may deploy to, and the approvals some of them wait for (prod by default). Not
     * `environments` above, which are the template's registries. See config/sections/deployments.ts.
     */
    deployments: deploymentsConfigSchema,
  })
  .strict()
  .superRefine((pipelines, ctx) => {
    // Every build definition lives in one folder (Azure DevOps refuses two of the same name there) and under one
    // component (two of the same logical name would share a URN). Inputs may be partly invalid here: other issues
    // are reported too, so look only at what parsed.
    const platformName = typeof pipelines.platform?.name === "string" ? pipelines.platform.name : DEFAULT_PLATFORM_PIPELINE;
    for (const builtIn of [WORKER_APP, API_APP]) {
      if (sameName(platformName, builtIn)) {
        ctx.addIssue({
          code: "custom",
          path: ["platform", "name"],
          input: platformName,
          message: `reserved: ${builtIn} is the build definition of an app repository; allowed: any other name, such as "${DEFAULT_PLATFORM_PIPELINE}"`,
        });
      }
    }
    const apps = Array.isArray(pipelines.additionalApps) ? pipelines.additionalApps : [];
    const allowed = `allowed: an Azure Repos repository name other than ${WORKER_APP}, ${API_APP}, ${platformName} (pipelines.platform.name) and ${PLATFORM_DEFINITION_SUFFIX}, each used once (case does not count)`;
    const earlier: string[] = [];
    // Every app pipeline writes pipelines.yamlPath into its repository, so two apps in one repository would
    // generate the same file, the second silently replacing the first.
    const repositories: string[] = [WORKER_APP, API_APP];
    apps.forEach((app, i) => {
      const name = app?.name;
      if (typeof name !== "string") return;
      const problem = additionalAppNameProblem(name, platformName, earlier);
      if (problem !== undefined) {
        ctx.addIssue({ code: "custom", path: ["additionalApps", i, "name"], input: name, message: `${problem}; ${allowed}` });
      }
      earlier.push(name);
      const repository = typeof app.repository === "string" ? app.repository : name;
      const holder = repositories.find((other) => sameName(other, repository));
      // A clash of the default repository (the name) is already reported as a name clash.
      if (holder !== undefined && (app.repository !== undefined || problem === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: ["additionalApps", i, app.repository !== undefined ? "repository" : "name"],
          input: repository,
          message: `repository ${holder} already holds the generated pipeline file of another app (pipelines.yamlPath); allowed: an Azure Repos repository no other app pipeline uses (case does not count)`,
        });
      }
      repositories.push(repository);
    });
  })
  .prefault({});

/** Azure DevOps compares pipeline names without regard to case. */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function additionalAppNameProblem(name: string, platformName: string, earlier: readonly string[]): string | undefined {
  if (sameName(name, WORKER_APP) || sameName(name, API_APP)) {
    return `reserved: ${sameName(name, WORKER_APP) ? WORKER_APP : API_APP} is a built-in app pipeline`;
  }
  if (sameName(name, platformName)) {
    return `reserved: ${platformName} is this repository's build definition (pipelines.platform.name), and Azure DevOps refuses two definitions of one name in a folder`;
  }
  if (sameName(name, PLATFORM_DEFINITION_SUFFIX)) {
    return `reserved: the platform build definition's logical name ends in -${PLATFORM_DEFINITION_SUFFIX}, so an app named ${name} would register a second resource with the same URN`;
  }
  const twin = earlier.find((other) => sameName(other, name));
  if (twin !== undefined) return `listed twice: an earlier additional app is already named ${twin}`;
  return undefined;
}

export type PipelinesConfig = z.infer<typeof pipelinesConfigSchema>;
export type AdditionalAppConfig = z.infer<typeof appSchema>;
