import { beforeAll, describe, expect, it } from "vitest";
import * as YAML from "yaml";
import { BuildPipelines } from "../../components/pipelines/buildPipelines";
import { buildDefinitionNumber, previewExpiry, prValidationPolicyArgs } from "../../components/pipelines/buildDefinitionSpec";
import { pipelinesModel } from "../../components/pipelines/pipelineModel";
import { pipelineYamlFiles } from "../../components/pipelines/pipelineYaml";
import { parseStackConfigOrThrow } from "../../config/parse";
import { DEFAULT_OUTPUT_MOCKS } from "../../plan/mocks";
import { stackConfigFor } from "../../plan/stackConfigFor";
import { validateAzureDevOpsInputs } from "../../validation/azureDevOpsSchema";
import { devStackSection, EXAMPLE_CLUSTER, minimalStackConfig, PROJECT_DIR, RecordedRun, runComponent, runStack } from "../harness";

const BUILD_DEFINITION = "azuredevops:index/buildDefinition:BuildDefinition";
const BRANCH_POLICY = "azuredevops:index/branchPolicyBuildValidation:BranchPolicyBuildValidation";
const GET_PROJECT = "azuredevops:index/getProject:getProject";
const GET_REPOSITORY = "azuredevops:index/getGitRepository:getGitRepository";
const ENVIRONMENT = "azuredevops:index/environment:Environment";
const BRANCH_CONTROL = "azuredevops:index/checkBranchControl:CheckBranchControl";
const APPROVAL = "azuredevops:index/checkApproval:CheckApproval";
const EXCLUSIVE_LOCK = "azuredevops:index/checkExclusiveLock:CheckExclusiveLock";
const COMPONENT = "face-ocr:pipelines:BuildPipelines";

/** What the mocks answer for lookups (plan/mocks.ts): fake ids named after what was looked up. */
const PROJECT_ID = "fake-project-id-data-ai";
const repoId = (repo: string) => `fake-repo-id-${repo}`;

function appDefinition(repo: string, rayVersion: string) {
  return {
    projectId: PROJECT_ID,
    name: repo,
    path: "\\",
    repository: { repoType: "TfsGit", repoId: repoId(repo), branchName: "refs/heads/main", ymlPath: "azure-pipelines.yaml" },
    ciTrigger: { override: { batch: false, branchFilters: [{ includes: ["main", "dev"], excludes: [] }] } },
    variables: [
      { name: "AzureSubscription", value: "S2T Sela-data-ai", isSecret: false, allowOverride: false },
      { name: "KeyVaultName", value: "predicintel-devops-kv", isSecret: false, allowOverride: false },
      { name: "RAY_VERSION", value: rayVersion, isSecret: false, allowOverride: false },
    ],
  };
}

function rayVersionsOf(run: RecordedRun): Record<string, unknown> {
  return Object.fromEntries(
    run
      .ofType(BUILD_DEFINITION)
      .map((r) => [
        r.inputs.name,
        (r.inputs.variables as { name: string; value: string }[] | undefined)?.find((v) => v.name === "RAY_VERSION")?.value,
      ]),
  );
}

describe("BuildPipelines in the dev stack", () => {
  let run: RecordedRun;
  beforeAll(async () => {
    run = await runStack();
  });

  it("registers three build definitions, one branch policy and the four stacks' Environments and checks under the component, named after it", () => {
    const component = run.one(COMPONENT, "pipelines");
    // Registration order follows the lookups' answers, so compare by name.
    const children = run.resources.filter((r) => r.parent === component.urn).sort((a, b) => a.name.localeCompare(b.name));
    expect(children.map((r) => [r.type, r.name])).toEqual([
      [ENVIRONMENT, "pipelines-env-dev"],
      [BRANCH_CONTROL, "pipelines-env-dev-branch"],
      [EXCLUSIVE_LOCK, "pipelines-env-dev-lock"],
      [ENVIRONMENT, "pipelines-env-prod"],
      [APPROVAL, "pipelines-env-prod-approval"],
      [BRANCH_CONTROL, "pipelines-env-prod-branch"],
      [EXCLUSIVE_LOCK, "pipelines-env-prod-lock"],
      [ENVIRONMENT, "pipelines-env-shared"],
      [BRANCH_CONTROL, "pipelines-env-shared-branch"],
      [EXCLUSIVE_LOCK, "pipelines-env-shared-lock"],
      [ENVIRONMENT, "pipelines-env-uat"],
      [BRANCH_CONTROL, "pipelines-env-uat-branch"],
      [EXCLUSIVE_LOCK, "pipelines-env-uat-lock"],
      [BUILD_DEFINITION, "pipelines-face-ocr-api"],
      [BUILD_DEFINITION, "pipelines-face-ocr-worker"],
      [BUILD_DEFINITION, "pipelines-platform"],
      [BRANCH_POLICY, "pipelines-platform-pr"],
    ]);
    expect(run.ofType(BUILD_DEFINITION)).toHaveLength(3);
    expect(run.ofType(BRANCH_POLICY)).toHaveLength(1);
    expect(run.ofType(ENVIRONMENT)).toHaveLength(4);
    expect(run.ofType(BRANCH_CONTROL)).toHaveLength(4);
    expect(run.ofType(APPROVAL)).toHaveLength(1);
    expect(run.ofType(EXCLUSIVE_LOCK)).toHaveLength(4);
  });

  it("looks up project data-ai once and each existing repository by name", () => {
    expect(run.invokes.filter((i) => i.token.startsWith("azuredevops:")).map(({ token, args }) => ({ token, args }))).toEqual([
      { token: GET_PROJECT, args: { name: "data-ai" } },
      { token: GET_REPOSITORY, args: { name: "face-ocr-worker", projectId: PROJECT_ID } },
      { token: GET_REPOSITORY, args: { name: "face-ocr-api", projectId: PROJECT_ID } },
      { token: GET_REPOSITORY, args: { name: "face-ocr-platform", projectId: PROJECT_ID } },
    ]);
  });

  it("builds face-ocr-worker and face-ocr-api from azure-pipelines.yaml on main and dev, with Appendix C's variables and RAY_VERSION", () => {
    expect(run.one(BUILD_DEFINITION, "pipelines-face-ocr-worker").inputs).toEqual(appDefinition("face-ocr-worker", "2.52.0"));
    expect(run.one(BUILD_DEFINITION, "pipelines-face-ocr-api").inputs).toEqual(appDefinition("face-ocr-api", "2.52.0"));
  });

  it("builds this repository's azure-pipelines.yml on every push to main, one run per push", () => {
    expect(run.one(BUILD_DEFINITION, "pipelines-platform").inputs).toEqual({
      projectId: PROJECT_ID,
      name: "face-ocr-platform",
      path: "\\",
      repository: {
        repoType: "TfsGit",
        repoId: repoId("face-ocr-platform"),
        branchName: "refs/heads/main",
        ymlPath: "azure-pipelines.yml",
      },
      ciTrigger: { override: { batch: false, branchFilters: [{ includes: ["main"], excludes: [] }] } },
    });
  });

  it("makes that pipeline a required (blocking) check on pull requests into main", () => {
    const platformId = DEFAULT_OUTPUT_MOCKS[BUILD_DEFINITION]("pipelines-platform", {}).id as string;
    const policy = run.one(BRANCH_POLICY);
    expect(policy.inputs).toEqual({
      projectId: PROJECT_ID,
      enabled: true,
      blocking: true,
      settings: {
        buildDefinitionId: Number(platformId),
        displayName: "face-ocr-platform preview",
        manualQueueOnly: false,
        // The provider's "expire immediately when the branch is updated": main moving (a `pulumi up`) voids the preview.
        queueOnSourceUpdateOnly: false,
        validDuration: 0,
        scopes: [{ repositoryId: repoId("face-ocr-platform"), repositoryRef: "refs/heads/main", matchType: "Exact" }],
      },
    });
    expect(policy.dependencies).toEqual([run.one(BUILD_DEFINITION, "pipelines-platform").urn]);
  });

  it("keeps a preview valid for a set window after main moves only when asked, and never writes 'never expire'", async () => {
    const windowed = await runStack({ config: { "pipelines.platform.validDurationMinutes": "60" } });
    const settings = windowed.one(BRANCH_POLICY).inputs.settings as Record<string, unknown>;
    expect([settings.validDuration, settings.queueOnSourceUpdateOnly]).toEqual([60, true]);
    expect(previewExpiry(0)).toEqual({ validDuration: 0, queueOnSourceUpdateOnly: false });
    expect(previewExpiry(720)).toEqual({ validDuration: 720, queueOnSourceUpdateOnly: true });
  });

  it("sends only inputs and invoke arguments the azuredevops provider schema accepts", () => {
    const resources = run.resources.filter((r) => r.type.startsWith("azuredevops:"));
    const invokes = run.invokes.filter((i) => i.token.startsWith("azuredevops:"));
    expect(resources).toHaveLength(17);
    expect(invokes).toHaveLength(4);
    for (const r of resources) expect(validateAzureDevOpsInputs(r.type, r.plainInputs), r.name).toEqual({ known: true, errors: [] });
    for (const i of invokes) expect(validateAzureDevOpsInputs(i.token, i.args, "function"), i.token).toEqual({ known: true, errors: [] });
  });

  it("would be caught by the schema check if the policy sent the definition id as the provider's string", () => {
    const policy = run.one(BRANCH_POLICY).plainInputs as { settings: Record<string, unknown> };
    const asString = { ...policy, settings: { ...policy.settings, buildDefinitionId: "9001" } };
    expect(validateAzureDevOpsInputs(BRANCH_POLICY, asString).errors).toEqual([
      { path: "settings.buildDefinitionId", reason: "must be integer" },
    ]);
  });
});

describe("BuildPipelines follows the stack's Ray version", () => {
  it("sets RAY_VERSION from a rayVersion override in both app definitions and the generated YAML", async () => {
    const bumped = await runStack({ config: { rayVersion: "2.53.0" } });
    expect(rayVersionsOf(bumped)).toEqual({ "face-ocr-worker": "2.53.0", "face-ocr-api": "2.53.0", "face-ocr-platform": undefined });
    const files = pipelineYamlFiles(stackConfigFor(PROJECT_DIR, "dev", ["rayVersion=2.53.0"]));
    expect(files.map((f) => YAML.parse(f.content).variables.RAY_VERSION)).toEqual(["2.53.0", "2.53.0"]);
  });

  it("keeps RAY_VERSION equal to the stack's Ray version in every app pipeline by default", async () => {
    const run = await runStack();
    expect(rayVersionsOf(run)).toEqual({ "face-ocr-worker": "2.52.0", "face-ocr-api": "2.52.0", "face-ocr-platform": undefined });
  });
});

describe("BuildPipelines options", () => {
  const model = pipelinesModel(
    parseStackConfigOrThrow(
      {
        cluster: EXAMPLE_CLUSTER,
        registry: { resourceGroupName: "rg-example" },
        ray: devStackSection("ray"),
        pipelines: { additionalApps: [{ name: "face-ocr-reports", imageRepository: "data-ai/face-ocr-reports" }] },
      },
      "dev",
    ),
  );

  it("registers nothing in a stack that does not own the pipelines", async () => {
    const run = await runComponent(() => new BuildPipelines("pipelines", { ...model, enabled: false }));
    expect(run.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack", COMPONENT]);
    expect(run.invokes).toEqual([]);
  });

  it("adds one definition per additional app", async () => {
    const run = await runComponent(() => new BuildPipelines("pipelines", model));
    expect(
      run
        .ofType(BUILD_DEFINITION)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["pipelines-face-ocr-api", "pipelines-face-ocr-reports", "pipelines-face-ocr-worker", "pipelines-platform"]);
    expect(run.one(BUILD_DEFINITION, "pipelines-face-ocr-reports").inputs).toEqual(appDefinition("face-ocr-reports", "2.52.0"));
  });
});

describe("BuildPipelines refuses apps that would collide with the platform definition", () => {
  const model = pipelinesModel(parseStackConfigOrThrow(minimalStackConfig(), "dev"));
  const withApp = (name: string) => ({ ...model, apps: [...model.apps, { ...model.apps[1], name, kind: "additional" as const }] });

  it.each([
    ["platform", "logical name pipelines-platform, or name platform in the folder"],
    ["Face-OCR-Platform", "logical name pipelines-Face-OCR-Platform, or name Face-OCR-Platform in the folder"],
  ])("refuses an app named %s (config refuses it first, naming the key)", async (name, what) => {
    await expect(runComponent(() => new BuildPipelines("pipelines", withApp(name)))).rejects.toThrow(
      `app pipeline "${name}" collides with another build definition of component "pipelines" (${what}); rename the app`,
    );
  });
});

describe("build definition ids", () => {
  it("are the integer the provider reports as a string", () => {
    expect(buildDefinitionNumber("42")).toBe(42);
  });

  it("refuse anything but the decimal integer the provider reports", () => {
    expect(() => buildDefinitionNumber("pipelines-face-ocr-platform-id")).toThrow(
      new Error('build definition id "pipelines-face-ocr-platform-id" is not the decimal integer Azure DevOps reports'),
    );
  });

  it("land in the policy unchanged", () => {
    const args = prValidationPolicyArgs(
      {
        name: "face-ocr-platform",
        repository: "face-ocr-platform",
        yamlPath: "azure-pipelines.yml",
        branch: "main",
        validDurationMinutes: 0,
        deployments: [],
      },
      { projectId: "p", repositoryId: "r", buildDefinitionId: 7 },
    );
    expect(validateAzureDevOpsInputs(BRANCH_POLICY, args)).toEqual({ known: true, errors: [] });
    expect((args.settings as { buildDefinitionId: number }).buildDefinitionId).toBe(7);
  });
});
