/**
 * Pure specs of the Azure DevOps objects: the inputs of each build definition
 * and of the branch policy, from the pipeline model and the ids the lookups
 * return. No Pulumi runtime needed; the component passes Outputs where the
 * tests pass strings.
 */
import type * as azuredevops from "@pulumi/azuredevops";
import type * as pulumi from "@pulumi/pulumi";
import { AppPipelineModel, PlatformPipelineModel } from "./pipelineModel";

/** Azure Repos Git, as build definitions name it. */
export const AZURE_REPOS = "TfsGit";

export interface RepositoryRefs {
  readonly projectId: pulumi.Input<string>;
  readonly repositoryId: pulumi.Input<string>;
}

/** `main` to `refs/heads/main`. */
export function branchRef(branch: string): string {
  return `refs/heads/${branch}`;
}

/**
 * An app's build definition. The CI trigger is set on the definition
 * (overriding the YAML's), so Azure DevOps builds exactly the model's branches
 * even if someone edits the trigger in the app repository; the variables are
 * the model's, so a YAML that does not set RAY_VERSION still gets the stack's.
 */
export function appBuildDefinitionArgs(app: AppPipelineModel, refs: RepositoryRefs, folder: string): azuredevops.BuildDefinitionArgs {
  return {
    projectId: refs.projectId,
    name: app.name,
    path: folder,
    repository: {
      repoType: AZURE_REPOS,
      repoId: refs.repositoryId,
      branchName: branchRef(app.branches[0]),
      ymlPath: app.yamlPath,
    },
    ciTrigger: {
      override: {
        // Every push builds (no batching), as Appendix C's `trigger:` list does.
        batch: false,
        branchFilters: [{ includes: [...app.branches], excludes: [] }],
        ...(app.paths ? { pathFilters: [{ includes: [...(app.paths.include ?? [])], excludes: [...(app.paths.exclude ?? [])] }] } : {}),
      },
    },
    variables: app.variables.map((v) => ({ name: v.name, value: v.value, isSecret: false, allowOverride: false })),
  };
}

/**
 * This repository's build definition: CI on the protected branch deploys
 * (`pulumi up`); pull requests reach it only through the branch policy, since
 * Azure Repos ignores `pr:` in YAML. One run per push, not batched: a run deploys
 * uat or prod only when its own merge promotes them, which a batch of merges would
 * hide; each Environment's exclusive lock keeps two runs from deploying one stack
 * at once, in push order (components/pipelines/deploymentEnvironmentSpec.ts).
 */
export function platformBuildDefinitionArgs(
  platform: PlatformPipelineModel,
  refs: RepositoryRefs,
  folder: string,
): azuredevops.BuildDefinitionArgs {
  return {
    projectId: refs.projectId,
    name: platform.name,
    path: folder,
    repository: {
      repoType: AZURE_REPOS,
      repoId: refs.repositoryId,
      branchName: branchRef(platform.branch),
      ymlPath: platform.yamlPath,
    },
    ciTrigger: {
      override: {
        batch: false,
        branchFilters: [{ includes: [platform.branch], excludes: [] }],
      },
    },
  };
}

/** The policy that makes the platform pipeline (its `pulumi preview`) a required check on PRs into the protected branch. */
export function prValidationPolicyArgs(
  platform: PlatformPipelineModel,
  refs: RepositoryRefs & { readonly buildDefinitionId: pulumi.Input<number> },
): azuredevops.BranchPolicyBuildValidationArgs {
  return {
    projectId: refs.projectId,
    enabled: true,
    blocking: true,
    settings: {
      buildDefinitionId: refs.buildDefinitionId,
      displayName: `${platform.name} preview`,
      manualQueueOnly: false,
      ...previewExpiry(platform.validDurationMinutes),
      scopes: [{ repositoryId: refs.repositoryId, repositoryRef: branchRef(platform.branch), matchType: "Exact" }],
    },
  };
}

/**
 * The policy's build expiration. The provider has no expiry field of its own: the pair
 * (`validDuration`, `queueOnSourceUpdateOnly`) encodes it. (0, false) is "immediately when the branch is
 * updated"; (N, true) is "N minutes after the branch is updated"; (0, true) is "never", which this program never
 * writes: a push to the branch runs `pulumi up`, and a preview of the state before it must not count.
 */
export function previewExpiry(validDurationMinutes: number): { validDuration: number; queueOnSourceUpdateOnly: boolean } {
  return validDurationMinutes === 0
    ? { validDuration: 0, queueOnSourceUpdateOnly: false }
    : { validDuration: validDurationMinutes, queueOnSourceUpdateOnly: true };
}

/**
 * Build definition ids are integers that the provider reports as decimal
 * strings; the branch policy needs the integer.
 */
export function buildDefinitionNumber(id: string): number {
  if (!/^[0-9]+$/.test(id)) throw new Error(`build definition id "${id}" is not the decimal integer Azure DevOps reports`);
  return Number(id);
}
