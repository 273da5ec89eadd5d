import * as azuredevops from "@pulumi/azuredevops";
import * as pulumi from "@pulumi/pulumi";
import { appBuildDefinitionArgs, buildDefinitionNumber, platformBuildDefinitionArgs, prValidationPolicyArgs } from "./buildDefinitionSpec";
import { PLATFORM_DEFINITION_SUFFIX } from "../../config/sections/pipelines";
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
  /** This repository's pipeline and its PR policy, from `pipelinesModel(config).platform`. */
  readonly platform: PlatformPipelineModel;
}

/**
 * The Azure DevOps side of the platform: one YAML build definition per app
 * repository (face-ocr-worker, face-ocr-api, ...), this repository's own
 * preview/up pipeline, and the branch policy that makes its preview a
 * required check on pull requests. Repositories already exist and are looked
 * up by name.
 */
export class BuildPipelines extends pulumi.ComponentResource {
  /** App build definitions by app name. */
  public readonly apps: Readonly<Record<string, azuredevops.BuildDefinition>>;
  public readonly platform?: azuredevops.BuildDefinition;
  public readonly prValidation?: azuredevops.BranchPolicyBuildValidation;

  constructor(name: string, args: BuildPipelinesArgs, opts?: pulumi.ComponentResourceOptions) {
    checkDefinitionNames(name, args);
    super("face-ocr:pipelines:BuildPipelines", name, {}, opts);
    const folder = args.folder ?? "\\";
    const apps: Record<string, azuredevops.BuildDefinition> = {};

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
    }
    this.apps = apps;

    this.registerOutputs({
      appDefinitionIds: Object.fromEntries(Object.entries(apps).map(([app, def]) => [app, def.id])),
      platformDefinitionId: this.platform?.id,
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
