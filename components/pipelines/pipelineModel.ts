/**
 * The pipeline model: one plain description of every pipeline, computed from
 * stack config before any resource exists. The build definitions, the
 * generated `azure-pipelines.yaml` of each app repository and the
 * check-app-repo lockstep all read it, so they cannot drift apart.
 */
import type { StackConfig } from "../../config/stackConfig";
import type { ApprovalConfig } from "../../config/sections/deployments";
import { API_APP, WORKER_APP } from "../../config/sections/pipelines";
import { workerBaseImage } from "../ray/baseImage";
import { acrLoginServer, acrRepositoryUrl, registryLoginServer } from "../registry/registrySpec";

/** The build argument every app image gets, so Dockerfiles take the stack's Ray version. */
export const RAY_VERSION_VARIABLE = "RAY_VERSION";

/** Azure DevOps variable group that holds the platform pipeline's credentials (not created by the program). */
export const PLATFORM_VARIABLE_GROUP = "face-ocr-platform-pulumi";

/**
 * The worker pipeline's run name, e.g. `20260114.3`: unique per pipeline and never reused, so it is also the
 * worker image's immutable tag, and the platform pipeline reads it as `resources.pipeline.<alias>.runName`.
 */
export const WORKER_BUILD_NUMBER_FORMAT = "$(Date:yyyyMMdd).$(Rev:r)";

/** The tags each worker build pushes: its build number (immutable), then the moving `dev` the dev stack names. */
export const WORKER_IMAGE_TAGS: readonly string[] = ["$(Build.BuildNumber)", "dev"];

/** The alias under which app pipelines check out the shared template repository. */
export const TEMPLATE_ALIAS = "template";

export type AppKind = "worker" | "worker-base" | "api" | "additional";

/** The base image's build in base-image mode: its own definition, its files under `base/` of the worker repository. */
export const WORKER_BASE_APP = `${WORKER_APP}-base`;
export const WORKER_BASE_DIR = "base";

/** Repository paths a pipeline's CI trigger follows or ignores (`trigger.paths`). */
export interface PathFilter {
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
}

export interface PipelineVariable {
  readonly name: string;
  readonly value: string;
}

export interface AppPipelineModel {
  /** Build definition name, e.g. `face-ocr-worker`. */
  readonly name: string;
  /** What the app repository holds; check-app-repo checks the worker's Dockerfile and the API's requirements. */
  readonly kind: AppKind;
  /** Azure Repos repository in the pipelines project. */
  readonly repository: string;
  /** Pipeline file in the repository, e.g. `azure-pipelines.yaml`. */
  readonly yamlPath: string;
  /** Branches whose pushes build the image, e.g. `main`, `dev`. */
  readonly branches: readonly string[];
  /** Paths whose changes build it; unset: any change. The worker and its base split the worker repository by `base/`. */
  readonly paths?: PathFilter;
  /** Pipeline variables in order: AzureSubscription, KeyVaultName, RAY_VERSION, then config's extras. */
  readonly variables: readonly PipelineVariable[];
  /** `<project>/<repository>`, file and optional ref of the shared template. */
  readonly template: { readonly repository: string; readonly file: string; readonly ref?: string };
  /** Image repository path, e.g. `data-ai/face-ocr-worker`. */
  readonly imageRepository: string;
  /** Full image URL the build pushes, e.g. `cybersmartstg.azurecr.io/data-ai/face-ocr-worker`. */
  readonly registryUrl: string;
  /** Dockerfile path inside the repository. */
  readonly dockerfile: string;
  /** Build context inside the repository: `""` (the root) or `base/`. */
  readonly contextDir: string;
  /** `docker build` arguments the template must forward: passes RAY_VERSION (none for the base, whose FROM is generated). */
  readonly buildArguments?: string;
  /** Run name format (`name:` of the YAML), when the image tags use the build number. */
  readonly buildNumberFormat?: string;
  /** Tags the template must push the image with; unset leaves the template's own tagging. */
  readonly imageTags?: readonly string[];
  /** Promotion environments in order (`Dev`, `UAT`, ...), each with the image URLs it pushes to. */
  readonly environments: readonly { readonly name: string; readonly registryUrls: readonly string[] }[];
}

export interface PlatformPipelineModel {
  /** Build definition name, e.g. `face-ocr-platform`. */
  readonly name: string;
  /** Azure Repos repository of this program. */
  readonly repository: string;
  /** Pipeline file at the repository root. */
  readonly yamlPath: string;
  /** Protected branch: PRs into it need a passing preview, pushes to it deploy. */
  readonly branch: string;
  /** Minutes a passing preview stays valid once the branch has moved; 0: it expires when the branch is updated. */
  readonly validDurationMinutes: number;
  /** The stacks it deploys, in order, each through its own Environment. */
  readonly deployments: readonly DeploymentModel[];
}

/** One stack the platform pipeline deploys, through its own Azure DevOps Environment. */
export interface DeploymentModel {
  /** The Pulumi stack, e.g. `prod`. */
  readonly stack: string;
  /** The Environment its deployment job names (`environment:` in azure-pipelines.yml). */
  readonly environment: string;
  /** The approval a deployment of it waits for; unset: none. */
  readonly approval?: ApprovalConfig;
}

/**
 * `face-ocr-platform-prod`: named after the pipeline that deploys through it, so the project's other teams' Environments
 * (`prod` is a common name) are never taken for it.
 */
export function deploymentEnvironmentName(pipelineName: string, stack: string): string {
  return `${pipelineName}-${stack}`;
}

export interface PipelinesModel {
  /** Whether this stack owns the Azure DevOps objects. */
  readonly enabled: boolean;
  /** Azure DevOps project of the repositories and pipelines. */
  readonly project: string;
  /** Pipelines folder, e.g. `\`. */
  readonly folder: string;
  readonly rayVersion: string;
  readonly apps: readonly AppPipelineModel[];
  readonly platform: PlatformPipelineModel;
}

/** The slice of stack config the pipelines depend on (the Ray tags and the heavy dependencies for the base image's pipeline). */
export type PipelinesModelInput = Pick<StackConfig, "rayVersion" | "pythonTag" | "cudaTag" | "registry" | "pipelines" | "ray">;

/** `--build-arg RAY_VERSION=$(RAY_VERSION)`: the pipeline variable, expanded by Azure Pipelines at run time. */
export function rayVersionBuildArguments(): string {
  return `--build-arg ${RAY_VERSION_VARIABLE}=$(${RAY_VERSION_VARIABLE})`;
}

export function pipelinesModel(config: PipelinesModelInput): PipelinesModel {
  const p = config.pipelines;
  // Not the registry component's `loginServer` Output: this model is plain data, computed before any resource exists,
  // for the generated YAML and check-app-repo (which run without Pulumi) as much as for the build definitions (which
  // carry no URL). registryLoginServer (components/registry/registrySpec.ts) is the one derivation; the component checks
  // a managed registry's reported login server against it.
  const loginServer = registryLoginServer(config.registry);
  const variables: PipelineVariable[] = [
    { name: "AzureSubscription", value: p.azureSubscription },
    { name: "KeyVaultName", value: p.keyVaultName },
    { name: RAY_VERSION_VARIABLE, value: config.rayVersion },
    ...Object.entries(p.variables).map(([name, value]) => ({ name, value })),
  ];
  const app = (kind: AppKind, name: string, repository: string, imageRepository: string, dockerfile: string): AppPipelineModel => ({
    ...(kind === "worker" ? { buildNumberFormat: WORKER_BUILD_NUMBER_FORMAT, imageTags: WORKER_IMAGE_TAGS } : {}),
    name,
    kind,
    repository,
    yamlPath: p.yamlPath,
    branches: [...p.branches],
    variables,
    template: {
      repository: p.template.repository,
      file: p.template.file,
      ...(p.template.ref !== undefined ? { ref: p.template.ref } : {}),
    },
    imageRepository,
    registryUrl: acrRepositoryUrl(loginServer, imageRepository),
    dockerfile,
    contextDir: "",
    buildArguments: rayVersionBuildArguments(),
    environments: Object.entries(p.environments).map(([env, extra]) => ({
      name: env,
      registryUrls: [loginServer, ...extra.map(acrLoginServer)]
        .filter((server, i, all) => all.indexOf(server) === i)
        .map((server) => acrRepositoryUrl(server, imageRepository)),
    })),
  });
  const base = workerBaseImage(config, loginServer);
  const worker = app("worker", WORKER_APP, WORKER_APP, config.registry.workerRepository, "Dockerfile");
  const basePaths = [`${WORKER_BASE_DIR}/*`];
  const workerApps: AppPipelineModel[] = base
    ? [
        // Pushes that only change the base build the base; its new tag reaches the worker through the Dockerfile's FROM.
        { ...worker, paths: { exclude: basePaths } },
        {
          ...app("worker-base", WORKER_BASE_APP, WORKER_APP, base.repository, `${WORKER_BASE_DIR}/Dockerfile`),
          yamlPath: `${WORKER_BASE_DIR}/${p.yamlPath}`,
          paths: { include: basePaths },
          contextDir: `${WORKER_BASE_DIR}/`,
          buildArguments: undefined,
          imageTags: [base.tag],
        },
      ]
    : [worker];
  return {
    enabled: p.enabled,
    project: p.project,
    folder: p.folder,
    rayVersion: config.rayVersion,
    apps: [
      ...workerApps,
      app("api", API_APP, API_APP, config.registry.apiRepository, "Dockerfile"),
      ...p.additionalApps.map((a) => app("additional", a.name, a.repository ?? a.name, a.imageRepository, a.dockerfile)),
    ],
    platform: {
      name: p.platform.name,
      repository: p.platform.repository,
      yamlPath: p.platform.yamlPath,
      branch: p.platform.branch,
      validDurationMinutes: p.platform.validDurationMinutes,
      deployments: p.deployments.stacks.map((stack) => {
        const approval = p.deployments.approvals[stack];
        return { stack, environment: deploymentEnvironmentName(p.platform.name, stack), ...(approval ? { approval } : {}) };
      }),
    },
  };
}
