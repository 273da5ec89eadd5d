import * as azuredevops from "@pulumi/azuredevops";
import * as pulumi from "@pulumi/pulumi";
import { appBuildDefinitionArgs, buildDefinitionNumber, platformBuildDefinitionArgs, prValidationPolicyArgs } from "./buildDefinitionSpec";
import { PLATFORM_DEFINITION_SUFFIX } from "../../config/sections/pipelines";
import { approvalArgs, branchControlArgs, environmentArgs, exclusiveLockArgs } from "./deploymentEnvironmentSpec";
import { AppPipelineModel, PlatformPipelineModel } from "./pipelineModel";

export interface BuildPipelinesArgs {
  /** Whether this stack owns the Azure DevOps objects; when false the component registers nothing. @default true */
  readonly enabled?: boolean;
  /** Azure DevOps project of the repositories, looked up by name. */
  readonly project: string;
  /** Pipelines folder. @default "\\" */
  readonly folder?: string;
  /** The app pipelines, from `pipelinesModel(config).apps`. */
  readonly apps: readonly AppPipelineModel[];
  /** This repository's pipeline, its PR policy and the Environments it deploys through, from `pipelinesModel(config).platform`. */
  readonly platform: PlatformPipelineModel;
}

/**
 * The Azure DevOps side of the platform: one YAML build definition per app
 * repository (face-ocr-worker, face-ocr-api, ...), this repository's own
 * preview/up pipeline, and the branch policy that makes its preview a
 * required check on pull requests, and the Environments it deploys each stack
 * through, with their checks. Repositories already exist and are looked up by
 * name.
 */
export class BuildPipelines extends pulumi.ComponentResource {
  /** App build definitions by app name. */
  public readonly apps: Readonly<Record<string, azuredevops.BuildDefinition>>;
  public readonly platform?: azuredevops.BuildDefinition;
  public readonly prValidation?: azuredevops.BranchPolicyBuildValidation;
  /** Deployment Environments by stack. */
  public readonly environments: Readonly<Record<string, azuredevops.Environment>>;

  constructor(name: string, args: BuildPipelinesArgs, opts?: pulumi.ComponentResourceOptions) {
    checkDefinitionNames(name, args);
    super("face-ocr:pipelines:BuildPipelines", name, {}, opts);
    const folder = args.folder ?? "\\";
    const apps: Record<string, azuredevops.BuildDefinition> = {};
    const environments: Record<string, azuredevops.Environment> = {};

    if (args.enabled ?? true) {
      const project = azuredevops.getProjectOutput({ name: args.project }, { parent: this });
      const repositoryId = (repository: string) =>
        azuredevops.getGitRepositoryOutput({ name: repository, projectId: project.id }, { parent: this }).id;

      for (const app of args.apps) {
        apps[app.name] = new azuredevops.BuildDefinition(
          `${name}-${app.name}`,
          appBuildDefinitionArgs(app, { projectId: project.id, repositoryId: repositoryId(app.repository) }, folder),
          { parent: this },
        );
      }

      const platformRepositoryId = repositoryId(args.platform.repository);
      // Fixed suffixes: renaming the pipeline in config renames it in Azure DevOps instead of replacing it.
      this.platform = new azuredevops.BuildDefinition(
        `${name}-${PLATFORM_DEFINITION_SUFFIX}`,
        platformBuildDefinitionArgs(args.platform, { projectId: project.id, repositoryId: platformRepositoryId }, folder),
        { parent: this },
      );
      this.prValidation = new azuredevops.BranchPolicyBuildValidation(
        `${name}-platform-pr`,
        prValidationPolicyArgs(args.platform, {
          projectId: project.id,
          repositoryId: platformRepositoryId,
          buildDefinitionId: this.platform.id.apply(buildDefinitionNumber),
        }),
        { parent: this },
      );

      for (const deployment of args.platform.deployments) {
        const logical = `${name}-env-${deployment.stack}`;
        const environment = new azuredevops.Environment(logical, environmentArgs(deployment, args.platform, project.id), { parent: this });
        const refs = { projectId: project.id, environmentId: environment.id };
        new azuredevops.CheckBranchControl(`${logical}-branch`, branchControlArgs(args.platform, refs), { parent: this });
        new azuredevops.CheckExclusiveLock(`${logical}-lock`, exclusiveLockArgs(refs), { parent: this });
        if (deployment.approval) {
          new azuredevops.CheckApproval(`${logical}-approval`, approvalArgs(deployment, deployment.approval, refs), { parent: this });
        }
        environments[deployment.stack] = environment;
      }
    }
    this.apps = apps;
    this.environments = environments;

    this.registerOutputs({
      appDefinitionIds: Object.fromEntries(Object.entries(apps).map(([app, def]) => [app, def.id])),
      platformDefinitionId: this.platform?.id,
      environmentIds: Object.fromEntries(Object.entries(environments).map(([stack, env]) => [stack, env.id])),
    });
  }
}

/**
 * Logical names `<name>-<app>` and `<name>-platform` share one namespace, and every definition shares one folder, where
 * Azure DevOps refuses two of one name (ignoring case). Config refuses such apps with a message naming the key
 * (config/sections/pipelines.ts); this stops a direct caller before anything is registered.
 */
function checkDefinitionNames(name: string, args: BuildPipelinesArgs): void {
  const taken = new Set([PLATFORM_DEFINITION_SUFFIX, args.platform.name.toLowerCase()]);
  for (const app of args.apps) {
    if (taken.has(app.name.toLowerCase())) {
      throw new Error(
        `app pipeline "${app.name}" collides with another build definition of component "${name}" ` +
          `(logical name ${name}-${app.name}, or name ${app.name} in the folder); rename the app`,
      );
    }
    taken.add(app.name.toLowerCase());
  }
}
