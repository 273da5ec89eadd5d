import { beforeAll, describe, expect, it } from "vitest";
import { BuildPipelines } from "../../components/pipelines/buildPipelines";
import { approvalArgs, branchControlArgs, environmentArgs, exclusiveLockArgs } from "../../components/pipelines/deploymentEnvironmentSpec";
import { pipelinesModel } from "../../components/pipelines/pipelineModel";
import { parseStackConfig, parseStackConfigOrThrow } from "../../config/parse";
import { validateAzureDevOpsInputs } from "../../validation/azureDevOpsSchema";
import { minimalStackConfig, RecordedRun, runComponent, runStack } from "../harness";

const ENVIRONMENT = "azuredevops:index/environment:Environment";
const BRANCH_CONTROL = "azuredevops:index/checkBranchControl:CheckBranchControl";
const APPROVAL = "azuredevops:index/checkApproval:CheckApproval";
const EXCLUSIVE_LOCK = "azuredevops:index/checkExclusiveLock:CheckExclusiveLock";
const PROJECT_ID = "fake-project-id-data-ai";
const PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000";
const GROUP_A = "11111111-2222-3333-4444-555555555555";
const GROUP_B = "66666666-7777-8888-9999-aaaaaaaaaaaa";

/** The id the mocks give an Environment: `<logical name>-id`. */
const environmentId = (stack: string) => `pipelines-env-${stack}-id`;

const branchControl = (stack: string) => ({
  projectId: PROJECT_ID,
  targetResourceType: "environment",
  targetResourceId: environmentId(stack),
  displayName: "Deploys only from refs/heads/main",
  allowedBranches: "refs/heads/main",
  verifyBranchProtection: true,
  ignoreUnknownProtectionStatus: false,
});

const approval = (stack: string, approvers: string[], minimumRequiredApprovers = 1, timeout = 1440) => ({
  projectId: PROJECT_ID,
  targetResourceType: "environment",
  targetResourceId: environmentId(stack),
  approvers,
  minimumRequiredApprovers,
  requesterCanApprove: false,
  timeout,
  instructions:
    `Approve the deployment of stack ${stack} once its pull request's preview of ${stack} (and its policy results) shows only the promoted change. ` +
    "Reject it if a later promotion has deployed since: approving would deploy this older release over it.",
});

describe("the deployment Environments in the shared stack's plan (the stack that owns the Azure DevOps objects)", () => {
  let run: RecordedRun;
  beforeAll(async () => {
    run = await runStack({ stack: "shared" });
  });

  it("has one Environment per stack, in deployment order, named after the platform pipeline", () => {
    expect(run.ofType(ENVIRONMENT).map((r) => [r.name, r.inputs])).toEqual(
      ["shared", "dev", "uat", "prod"].map((stack) => [
        `pipelines-env-${stack}`,
        {
          projectId: PROJECT_ID,
          name: `face-ocr-platform-${stack}`,
          description: `Deployments of Pulumi stack ${stack} by the face-ocr-platform pipeline (managed by Pulumi).`,
        },
      ]),
    );
  });

  it("lets only main deploy to each of them, and only while main is protected", () => {
    expect(run.ofType(BRANCH_CONTROL).map((r) => [r.name, r.inputs])).toEqual(
      ["shared", "dev", "uat", "prod"].map((stack) => [`pipelines-env-${stack}-branch`, branchControl(stack)]),
    );
    for (const check of run.ofType(BRANCH_CONTROL)) {
      expect(check.dependencies).toEqual([run.one(ENVIRONMENT, check.name.replace(/-branch$/, "")).urn]);
    }
  });

  it("lets one deployment of each stack run at a time", () => {
    expect(run.ofType(EXCLUSIVE_LOCK).map((r) => [r.name, r.inputs])).toEqual(
      ["shared", "dev", "uat", "prod"].map((stack) => [
        `pipelines-env-${stack}-lock`,
        { projectId: PROJECT_ID, targetResourceType: "environment", targetResourceId: environmentId(stack) },
      ]),
    );
  });

  it("puts the one approval on prod's Environment, with the offline plan's placeholder approver", () => {
    const check = run.one(APPROVAL);
    expect([check.name, check.inputs]).toEqual(["pipelines-env-prod-approval", approval("prod", [PLACEHOLDER_ID])]);
    expect(check.dependencies).toEqual([run.one(ENVIRONMENT, "pipelines-env-prod").urn]);
  });

  it("sends only inputs the provider's check schema accepts", () => {
    const checked = [...run.ofType(ENVIRONMENT), ...run.ofType(BRANCH_CONTROL), ...run.ofType(EXCLUSIVE_LOCK), ...run.ofType(APPROVAL)];
    expect(checked).toHaveLength(13);
    for (const r of checked) expect(validateAzureDevOpsInputs(r.type, r.plainInputs), r.name).toEqual({ known: true, errors: [] });
  });
});

describe("approvals from config", () => {
  it("adds an approval to uat and replaces prod's, each with its own approvers, minimum and timeout", async () => {
    const run = await runStack({
      config: {
        pipelines: {
          deployments: {
            approvals: {
              uat: { approvers: [GROUP_A] },
              prod: { approvers: [GROUP_A, GROUP_B], minimumApprovers: 2, timeoutMinutes: 120 },
            },
          },
        },
      },
    });
    expect(run.ofType(APPROVAL).map((r) => [r.name, r.inputs])).toEqual([
      ["pipelines-env-uat-approval", approval("uat", [GROUP_A])],
      ["pipelines-env-prod-approval", approval("prod", [GROUP_A, GROUP_B], 2, 120)],
    ]);
  });

  it("deploys the stacks config lists, in its order; prod's default approval goes with prod", async () => {
    const run = await runStack({ config: { pipelines: { deployments: { stacks: ["dev", "qa"] } } } });
    expect(run.ofType(ENVIRONMENT).map((r) => r.inputs.name)).toEqual(["face-ocr-platform-dev", "face-ocr-platform-qa"]);
    expect(run.ofType(BRANCH_CONTROL)).toHaveLength(2);
    expect(run.ofType(EXCLUSIVE_LOCK)).toHaveLength(2);
    expect(run.ofType(APPROVAL)).toEqual([]);
  });

  it("registers no Environment in a stack that does not own the Azure DevOps objects", async () => {
    const run = await runStack({ config: { "pipelines.enabled": "false" } });
    expect(run.resources.filter((r) => r.type.startsWith("azuredevops:"))).toEqual([]);
    for (const stack of ["dev", "uat", "prod"]) {
      const environmentStack = await runStack({ stack });
      expect(
        environmentStack.resources.filter((r) => r.type.startsWith("azuredevops:")).map((r) => r.name),
        stack,
      ).toEqual([]);
    }
  });

  it("follows a renamed platform pipeline and branch", async () => {
    const model = pipelinesModel(
      parseStackConfigOrThrow({ ...minimalStackConfig(), pipelines: { platform: { name: "platform-as-code", branch: "release" } } }, "dev"),
    );
    const run = await runComponent(() => new BuildPipelines("pipelines", model));
    expect(run.one(ENVIRONMENT, "pipelines-env-prod").inputs.name).toBe("platform-as-code-prod");
    expect(run.one(BRANCH_CONTROL, "pipelines-env-prod-branch").inputs).toMatchObject({
      allowedBranches: "refs/heads/release",
      displayName: "Deploys only from refs/heads/release",
    });
  });
});

describe("pipelines.deployments refuses", () => {
  const problems = (deployments: unknown) => {
    const result = parseStackConfig({ ...minimalStackConfig(), pipelines: { deployments } });
    return result.ok ? [] : result.problems;
  };

  it.each([
    [
      { approvals: { prod: { timeoutMinutes: 60 } } },
      "pipelines.deployments.approvals.prod.approvers is missing: invalid input: expected array, received undefined; set it with `pulumi config set --path pipelines.deployments.approvals.prod.approvers <value>`",
    ],
    [
      { approvals: { prod: { approvers: [] } } },
      "pipelines.deployments.approvals.prod.approvers = []: expected at least one approver's identity id; set it with `pulumi config set --path pipelines.deployments.approvals.prod.approvers <value>`",
    ],
    [
      { approvals: { prod: { approvers: ["platform-approvers"] } } },
      'pipelines.deployments.approvals.prod.approvers[0] = "platform-approvers": expected an Azure DevOps identity id (a GUID), such as a group\'s originId; set it with `pulumi config set --path pipelines.deployments.approvals.prod.approvers[0] <value>`',
    ],
    [
      { approvals: { prod: { approvers: [GROUP_A], minimumApprovers: 2 } } },
      "pipelines.deployments.approvals.prod.minimumApprovers = 2: more than the 1 approver(s) listed; allowed: 1 to 1; set it with `pulumi config set --path pipelines.deployments.approvals.prod.minimumApprovers <value>`",
    ],
    [
      { approvals: { prod: { approvers: [GROUP_A], timeoutMinutes: 50000 } } },
      "pipelines.deployments.approvals.prod.timeoutMinutes = 50000: expected 1 to 43200 minutes (30 days, the most Azure DevOps allows); set it with `pulumi config set --path pipelines.deployments.approvals.prod.timeoutMinutes <value>`",
    ],
    [
      { approvals: { staging: { approvers: [GROUP_A] } } },
      'pipelines.deployments.approvals.staging = "staging": not a stack of pipelines.deployments.stacks; allowed: shared, dev, uat, prod (or add the stack there); remove it with `pulumi config rm --path pipelines.deployments.approvals.staging`',
    ],
    [
      { stacks: ["shared", "dev", "dev"] },
      'pipelines.deployments.stacks[2] = "dev": listed twice; allowed: each stack once; set it with `pulumi config set --path pipelines.deployments.stacks[2] <value>`',
    ],
    [
      { stacks: ["Prod"] },
      'pipelines.deployments.stacks[0] = "Prod": expected a stack name of lower-case letters, digits and hyphens, such as "prod"; set it with `pulumi config set --path pipelines.deployments.stacks[0] <value>`',
    ],
    [{ approval: {} }, "pipelines.deployments.approval: unknown key; allowed keys here: stacks, approvals"],
  ])("%j", (deployments, problem) => {
    expect(problems(deployments)).toEqual([problem]);
  });
});

describe("a real run", () => {
  it("refuses prod's placeholder approver in the stack that owns the Azure DevOps objects, naming the key and its fix", async () => {
    await expect(runStack({ stack: "shared", asRealRun: true })).rejects.toThrow(
      '  - pipelines.deployments.approvals.prod.approvers[0] = "00000000-0000-0000-0000-000000000000": a placeholder, which only the offline plan accepts ' +
        "(no one could approve a deployment of prod); set the identity id of the group that approves it " +
        "(`az devops security group list --project data-ai --query \"graphGroups[?displayName=='<group>'].originId\" -o tsv`) " +
        "with `pulumi config set --path 'pipelines.deployments.approvals.prod.approvers[0]' <identity-id>`",
    );
  });

  it("does not ask a stack that does not own them", async () => {
    const error = await runStack({ asRealRun: true, config: { "pipelines.enabled": "false" } }).catch((e: Error) => e.message);
    expect(error).toMatch(/^Invalid config for stack "dev":\n/);
    expect(error).not.toContain("pipelines.deployments");
  });
});

describe("the Environment specs", () => {
  const platform = pipelinesModel(parseStackConfigOrThrow(minimalStackConfig(), "dev")).platform;
  const prod = platform.deployments[3];
  const refs = { projectId: "p", environmentId: "42" };

  it("come from the model: every stack's Environment, prod's approval", () => {
    expect(platform.deployments.map((d) => [d.stack, d.environment, d.approval])).toEqual([
      ["shared", "face-ocr-platform-shared", undefined],
      ["dev", "face-ocr-platform-dev", undefined],
      ["uat", "face-ocr-platform-uat", undefined],
      ["prod", "face-ocr-platform-prod", { approvers: [PLACEHOLDER_ID], minimumApprovers: 1, timeoutMinutes: 1440 }],
    ]);
  });

  it("are what the component sends", () => {
    expect(environmentArgs(prod, platform, "p")).toEqual({
      projectId: "p",
      name: "face-ocr-platform-prod",
      description: "Deployments of Pulumi stack prod by the face-ocr-platform pipeline (managed by Pulumi).",
    });
    expect(branchControlArgs(platform, refs)).toEqual({ ...branchControl("prod"), projectId: "p", targetResourceId: "42" });
    expect(exclusiveLockArgs(refs)).toEqual({ projectId: "p", targetResourceType: "environment", targetResourceId: "42" });
    expect(approvalArgs(prod, prod.approval!, refs)).toEqual({
      ...approval("prod", [PLACEHOLDER_ID]),
      projectId: "p",
      targetResourceId: "42",
    });
  });
});
