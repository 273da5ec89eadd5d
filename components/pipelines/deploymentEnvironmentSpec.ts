/**
 * Pure specs of the deployment Environments: one Azure DevOps Environment per stack the platform pipeline deploys,
 * the branch control and exclusive lock every one of them carries and the approval some carry. No Pulumi runtime needed; the component
 * passes Outputs where the tests pass strings.
 */
import type * as azuredevops from "@pulumi/azuredevops";
import type * as pulumi from "@pulumi/pulumi";
import type { ApprovalConfig } from "../../config/sections/deployments";
import { branchRef } from "./buildDefinitionSpec";
import { DeploymentModel, PlatformPipelineModel } from "./pipelineModel";

/** What a check protects, as the provider names an Environment. */
export const ENVIRONMENT_TARGET = "environment";

export interface EnvironmentRefs {
  readonly projectId: pulumi.Input<string>;
  readonly environmentId: pulumi.Input<string>;
}

export function environmentArgs(
  deployment: DeploymentModel,
  platform: PlatformPipelineModel,
  projectId: pulumi.Input<string>,
): azuredevops.EnvironmentArgs {
  return {
    projectId,
    name: deployment.environment,
    description: `Deployments of Pulumi stack ${deployment.stack} by the ${platform.name} pipeline (managed by Pulumi).`,
  };
}

/**
 * Only runs of the protected branch may deploy, and only while that branch is protected (its PR policy is what made
 * the preview a required check): a pipeline run of any other branch, or a branch whose protection cannot be read,
 * waits at the Environment and fails.
 */
export function branchControlArgs(platform: PlatformPipelineModel, refs: EnvironmentRefs): azuredevops.CheckBranchControlArgs {
  const branch = branchRef(platform.branch);
  return {
    projectId: refs.projectId,
    targetResourceType: ENVIRONMENT_TARGET,
    targetResourceId: refs.environmentId,
    displayName: `Deploys only from ${branch}`,
    allowedBranches: branch,
    verifyBranchProtection: true,
    ignoreUnknownProtectionStatus: false,
  };
}

/**
 * One deployment of the stack at a time. The pipeline's `lockBehavior: sequential` makes later runs wait their turn
 * instead of being cancelled, so every merge deploys, in merge order.
 */
export function exclusiveLockArgs(refs: EnvironmentRefs): azuredevops.CheckExclusiveLockArgs {
  return { projectId: refs.projectId, targetResourceType: ENVIRONMENT_TARGET, targetResourceId: refs.environmentId };
}

/** The approval a deployment waits for. Whoever started the run cannot approve it: a second person looks at every release. */
export function approvalArgs(deployment: DeploymentModel, approval: ApprovalConfig, refs: EnvironmentRefs): azuredevops.CheckApprovalArgs {
  return {
    projectId: refs.projectId,
    targetResourceType: ENVIRONMENT_TARGET,
    targetResourceId: refs.environmentId,
    approvers: [...approval.approvers],
    minimumRequiredApprovers: approval.minimumApprovers,
    requesterCanApprove: false,
    timeout: approval.timeoutMinutes,
    instructions:
      `Approve the deployment of stack ${deployment.stack} once its pull request's preview of ${deployment.stack} ` +
      "(and its policy results) shows only the promoted change. Reject it if a later promotion has deployed since: " +
      "approving would deploy this older release over it.",
  };
}
