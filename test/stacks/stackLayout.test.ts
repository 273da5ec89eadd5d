// The committed stacks (shared, dev, uat, prod): each plans, each owns its own resource types, the shared stack's
// outputs reach the environment stacks, and the split renames no logical resource of the single-stack dev (a rename
// is a replace). One offline plan per stack, shared across the file.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { StackConfigError } from "../../config/errors";
import { parseStackConfig, stackConfigFromStrings } from "../../config/parse";
import { PLACEHOLDER_DIGEST } from "../../config/realRun";
import type { StackConfig } from "../../config/stackConfig";
import { fakeDigest, PlanMocks, STACK_REFERENCE_TYPE, UnknownStackReferenceError } from "../../plan/mocks";
import { offlinePlan, OfflinePlanResult } from "../../plan/offlinePlan";
import { PROJECT_NAME } from "../../config/projectName";
import { PlanInputError } from "../../plan/stackConfigFile";
import { PROCESS_TEST_TIMEOUT, runCli } from "../cliProcess";
import {
  EXAMPLE_CLUSTER,
  loadIndex,
  MINIMAL_SERVE_APP,
  minimalStackConfig,
  PROJECT_DIR,
  RecordedRun,
  runStack,
  SINGLE_STACK,
  SINGLE_STACK_DIR,
} from "../harness";
import { Loose, rayServiceOf, workerGroupOf } from "../ray/fixtures";

const COMMITTED_STACKS = ["shared", "dev", "uat", "prod"] as const;
const ENVIRONMENT_STACKS = ["dev", "uat", "prod"] as const;
type Planned = Extract<OfflinePlanResult, { kind: "planned" }>;

const plans = {} as Record<(typeof COMMITTED_STACKS)[number], Planned>;
let singleStack: Planned;

function planned(result: OfflinePlanResult): Planned {
  if (result.kind !== "planned") throw new Error(result.message);
  return result;
}

beforeAll(async () => {
  const program = await loadIndex();
  // One plan at a time: the mock runtime is one per process.
  for (const stack of COMMITTED_STACKS)
    plans[stack] = planned(await offlinePlan({ projectDir: PROJECT_DIR, stack, overrides: [], program }));
  singleStack = planned(await offlinePlan({ projectDir: SINGLE_STACK_DIR, stack: SINGLE_STACK, overrides: [], program }));
}, 120_000);

function typeCounts(plan: Planned): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { type } of plan.run.resources) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** The cloud and cluster resource types a stack owns: custom resources, without the engine's own (`pulumi:*`). */
function ownedTypes(plan: Planned): string[] {
  return [...new Set(plan.run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:")).map((r) => r.type))].sort();
}

/** A URN as another stack of the project would have it. */
function inStack(urn: string, stack: string): string {
  return urn.replace(/^urn:pulumi:[^:]+::/, `urn:pulumi:${stack}::`);
}

/** The part of a URN after the project: the resource's qualified type and logical name. */
function logicalName(urn: string): string {
  return urn.split("::").slice(2).join("::");
}

function configOf(plan: Planned): StackConfig {
  const result = stackConfigFromStrings(plan.planConfig.config, PROJECT_NAME, plan.planConfig.secretKeys, plan.run.stack);
  if (!result.ok) throw new Error(result.problems.join("\n"));
  return result.config;
}

describe("the committed stacks", () => {
  it("are shared, dev, uat and prod, and each plans with exit 0, no schema finding and no policy violation", () => {
    const stackFiles = fs.readdirSync(PROJECT_DIR).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f));
    expect(stackFiles.sort()).toEqual(["Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.shared.yaml", "Pulumi.uat.yaml"]);
    const results = Object.fromEntries(
      COMMITTED_STACKS.map((s) => [
        s,
        { exitCode: plans[s].exitCode, schema: plans[s].schema.findings, policy: plans[s].policy.violations },
      ]),
    );
    const clean = { exitCode: 0, schema: [], policy: [] };
    expect(results).toEqual({ shared: clean, dev: clean, uat: clean, prod: clean });
  });

  it("register exactly these resource types: the registry and the Azure DevOps objects in shared, a cluster's objects in each environment", () => {
    const environment = {
      "pulumi:pulumi:Stack": 1,
      "pulumi:providers:kubernetes": 1,
      "face-ocr:registry:ContainerRegistry": 1,
      "azure-native:authorization:RoleAssignment": 1,
      "face-ocr:ray:RayCluster": 1,
      "kubernetes:core/v1:Namespace": 2,
      "kubernetes:core/v1:PersistentVolumeClaim": 1,
      "kubernetes:ray.io/v1:RayService": 1,
      "face-ocr:api:FaceOcrApi": 1,
      "kubernetes:core/v1:Secret": 1,
      "kubernetes:image.toolkit.fluxcd.io/v1:ImageRepository": 1,
      "kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy": 1,
      "kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease": 1,
    };
    expect(Object.fromEntries(COMMITTED_STACKS.map((s) => [s, typeCounts(plans[s])]))).toEqual({
      shared: {
        "pulumi:pulumi:Stack": 1,
        "face-ocr:registry:ContainerRegistry": 1,
        "azure-native:containerregistry:Registry": 1,
        "face-ocr:pipelines:BuildPipelines": 1,
        "azuredevops:index/buildDefinition:BuildDefinition": 3,
        "azuredevops:index/branchPolicyBuildValidation:BranchPolicyBuildValidation": 1,
        // One deployment Environment per stack, each with its branch control and lock; prod's with the approval.
        "azuredevops:index/environment:Environment": 4,
        "azuredevops:index/checkBranchControl:CheckBranchControl": 4,
        "azuredevops:index/checkExclusiveLock:CheckExclusiveLock": 4,
        "azuredevops:index/checkApproval:CheckApproval": 1,
      },
      // Dev names its worker by the moving tag `dev`, which the docker provider resolves to a digest; uat and prod
      // pin a digest, so they ask no registry.
      dev: { ...environment, "pulumi:providers:docker": 1 },
      uat: environment,
      prod: environment,
    });
  });

  it("own no resource type twice: shared's types are in no environment stack, and dev, uat and prod own the same ones", () => {
    expect(ownedTypes(plans.shared)).toEqual([
      "azure-native:containerregistry:Registry",
      "azuredevops:index/branchPolicyBuildValidation:BranchPolicyBuildValidation",
      "azuredevops:index/buildDefinition:BuildDefinition",
      "azuredevops:index/checkApproval:CheckApproval",
      "azuredevops:index/checkBranchControl:CheckBranchControl",
      "azuredevops:index/checkExclusiveLock:CheckExclusiveLock",
      "azuredevops:index/environment:Environment",
    ]);
    for (const env of ENVIRONMENT_STACKS) {
      expect({ env, both: ownedTypes(plans[env]).filter((t) => ownedTypes(plans.shared).includes(t)) }).toEqual({ env, both: [] });
    }
    expect(ownedTypes(plans.uat)).toEqual(ownedTypes(plans.dev));
    expect(ownedTypes(plans.prod)).toEqual(ownedTypes(plans.dev));
  });

  it("build in the shared stack with the Ray, Python and CUDA tags and the heavy dependencies dev runs", () => {
    const release = (c: StackConfig) => ({
      rayVersion: c.rayVersion,
      pythonTag: c.pythonTag,
      cudaTag: c.cudaTag,
      heavyDependencies: c.ray.gpuWorker.heavyDependencies,
    });
    const shared = release(configOf(plans.shared));
    expect(shared).toEqual(release(configOf(plans.dev)));
    expect([shared.rayVersion, shared.pythonTag, shared.cudaTag]).toEqual(["2.52.0", "py310", "cu121"]);
  });
});

describe("the shared stack's outputs", () => {
  const OTHER_LOGIN_SERVER = "otherregistry.azurecr.io";
  const OTHER_ID =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-other/providers/Microsoft.ContainerRegistry/registries/otherregistry";
  let shared: RecordedRun;
  let uat: RecordedRun;

  beforeAll(async () => {
    // The shared stack with another registry, and uat reading it. uat's worker named by a tag here, so the docker
    // provider that resolves it is registered too (uat's own file pins a digest).
    shared = await runStack({ stack: "shared", config: { "registry.name": "otherregistry", "registry.resourceGroupName": "rg-other" } });
    const uatFile = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.uat.yaml"), "utf8")) as { config: Record<string, Loose> };
    const ray = uatFile.config[`${PROJECT_NAME}:ray`];
    uat = await runStack({
      stack: "uat",
      stackOutputs: { shared: shared.outputs },
      config: { ray: { ...ray, gpuWorker: { ...ray.gpuWorker, image: { tag: "uat-build" } } } },
    });
  }, 60_000);

  it("are the registry's name, login server and ARM id", () => {
    expect([shared.outputs.registryName, shared.outputs.registryLoginServer, shared.outputs.registryId]).toEqual([
      "otherregistry",
      OTHER_LOGIN_SERVER,
      OTHER_ID,
    ]);
  });

  it("reach the environment stack: RayService images, HelmRelease and Flux image repository, AcrPull scope, docker provider", () => {
    const worker = `${OTHER_LOGIN_SERVER}/data-ai/face-ocr-worker:uat-build`;
    const images: string[] = [];
    JSON.stringify(rayServiceOf(uat), (key, value) => (key === "image" && images.push(value), value));
    expect(images).toEqual([
      "rayproject/ray:2.52.0-py310",
      "rayproject/ray:2.52.0-py310",
      `${worker}@${fakeDigest(worker)}`,
      "rayproject/ray:2.52.0-py310-cu121",
    ]);
    expect(workerGroupOf(uat, "gpu-worker-group").template.spec.containers[0].image).toBe(`${worker}@${fakeDigest(worker)}`);
    const helmRelease = uat.one("kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease").inputs as Loose;
    expect(helmRelease.spec.values.image.repository).toBe(`${OTHER_LOGIN_SERVER}/data-ai/face-ocr-api`);
    expect((uat.one("kubernetes:image.toolkit.fluxcd.io/v1:ImageRepository").inputs as Loose).spec.image).toBe(
      `${OTHER_LOGIN_SERVER}/data-ai/face-ocr-api`,
    );
    expect(uat.one("azure-native:authorization:RoleAssignment").inputs.scope).toBe(OTHER_ID);
    expect(uat.one("pulumi:providers:docker").inputs.registryAuth).toBe(JSON.stringify([{ address: OTHER_LOGIN_SERVER }]));
    expect(uat.invokes.filter((i) => i.token.startsWith("docker:")).map((i) => i.args)).toEqual([{ name: worker }]);
    expect([uat.outputs.registryName, uat.outputs.registryLoginServer]).toEqual(["otherregistry", OTHER_LOGIN_SERVER]);
    // Nothing of the committed registry is left: no input or output names it.
    expect(JSON.stringify([uat.resources.map((r) => r.inputs), uat.outputs])).not.toContain("cybersmartstg");
  });
});

describe("the move from the single-stack dev", () => {
  it("renames no logical resource: each one is in the committed dev or the shared stack under its URN", () => {
    const where = Object.fromEntries(
      singleStack.run.resources.map((r) => [
        logicalName(r.urn),
        (["dev", "shared"] as const).filter((s) => plans[s].run.resources.some((x) => x.urn === inStack(r.urn, s))),
      ]),
    );
    console.log(
      `Where each resource of the single-stack dev went:\n${Object.entries(where)
        .map(([name, stacks]) => `  ${stacks.join(" and ") || "NOWHERE"}: ${name}`)
        .join("\n")}`,
    );
    const C = "face-ocr:registry:ContainerRegistry";
    const P = "face-ocr:pipelines:BuildPipelines";
    const R = "face-ocr:ray:RayCluster";
    const A = "face-ocr:api:FaceOcrApi";
    expect(where).toEqual({
      "pulumi:pulumi:Stack::face-ocr-platform-dev": ["dev"],
      "pulumi:providers:kubernetes::cluster": ["dev"],
      // A component holds no state of its own; each stack has one to parent what it owns of the registry.
      [`${C}::registry`]: ["dev", "shared"],
      [`${C}$azure-native:containerregistry:Registry::registry-acr`]: ["shared"],
      [`${C}$azure-native:authorization:RoleAssignment::registry-kubelet-acrpull`]: ["dev"],
      [`${C}$pulumi:providers:docker::registry-reader`]: ["dev"],
      [`${P}::pipelines`]: ["shared"],
      [`${P}$azuredevops:index/buildDefinition:BuildDefinition::pipelines-platform`]: ["shared"],
      [`${P}$azuredevops:index/buildDefinition:BuildDefinition::pipelines-face-ocr-worker`]: ["shared"],
      [`${P}$azuredevops:index/buildDefinition:BuildDefinition::pipelines-face-ocr-api`]: ["shared"],
      [`${P}$azuredevops:index/branchPolicyBuildValidation:BranchPolicyBuildValidation::pipelines-platform-pr`]: ["shared"],
      ...Object.fromEntries(
        ["shared", "dev", "uat", "prod"].flatMap((stack) => [
          [`${P}$azuredevops:index/environment:Environment::pipelines-env-${stack}`, ["shared"]],
          [`${P}$azuredevops:index/checkBranchControl:CheckBranchControl::pipelines-env-${stack}-branch`, ["shared"]],
          [`${P}$azuredevops:index/checkExclusiveLock:CheckExclusiveLock::pipelines-env-${stack}-lock`, ["shared"]],
        ]),
      ),
      [`${P}$azuredevops:index/checkApproval:CheckApproval::pipelines-env-prod-approval`]: ["shared"],
      [`${R}::ray`]: ["dev"],
      [`${R}$kubernetes:core/v1:Namespace::ray-namespace`]: ["dev"],
      [`${R}$kubernetes:core/v1:PersistentVolumeClaim::ray-model-cache`]: ["dev"],
      [`${R}$kubernetes:ray.io/v1:RayService::ray-service`]: ["dev"],
      [`${A}::api`]: ["dev"],
      [`${A}$kubernetes:core/v1:Namespace::api-namespace`]: ["dev"],
      [`${A}$kubernetes:core/v1:Secret::api-secret-env`]: ["dev"],
      [`${A}$kubernetes:image.toolkit.fluxcd.io/v1:ImageRepository::api-image-repository`]: ["dev"],
      [`${A}$kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy::api-image-policy`]: ["dev"],
      [`${A}$kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease::api-helm-release`]: ["dev"],
    });
  });

  it("adds no resource: every URN of dev and shared was the single-stack dev's, but the shared stack's own", () => {
    const before = new Set(singleStack.run.resources.map((r) => r.urn));
    const added = (["dev", "shared"] as const).flatMap((s) =>
      plans[s].run.resources.map((r) => inStack(r.urn, SINGLE_STACK)).filter((urn) => !before.has(urn)),
    );
    expect(added).toEqual(["urn:pulumi:dev::face-ocr-platform::pulumi:pulumi:Stack::face-ocr-platform-shared"]);
  });

  it("keeps the single-stack fixture's policy config the project's dev one", () => {
    const read = (dir: string) => fs.readFileSync(path.join(dir, "policies", "config", "dev.json"), "utf8");
    expect(read(SINGLE_STACK_DIR)).toBe(read(PROJECT_DIR));
  });
});

describe("a key the stack's role does not own", () => {
  const refuse = (where: string, value: string, why: string, rm: string) =>
    `${where} = ${value}: expected no value in ${why}; remove it with \`pulumi config rm ${rm}\``;
  const IN_ENVIRONMENTS = "it describes a cluster's objects, which the environment stacks (dev, uat, prod) own";
  const KUBELET = "each environment stack grants its own cluster's kubelet identity AcrPull on the shared registry";
  const sharedRaw = (extra: Record<string, unknown> = {}, registry: Record<string, unknown> = {}) => ({
    role: "shared",
    ...extra,
    registry: { resourceGroupName: "rg-example", ...registry },
  });
  const environmentRaw = (extra: Record<string, unknown>) => ({
    role: "environment",
    cluster: { ...EXAMPLE_CLUSTER },
    ray: { serve: { applications: [{ ...MINIMAL_SERVE_APP }] }, gpuWorker: { image: { tag: "dev" } } },
    ...extra,
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      "sharedStack in a standalone stack",
      { ...minimalStackConfig(), sharedStack: "shared" },
      [
        refuse(
          "sharedStack",
          '"shared"',
          "a standalone stack: only an environment stack reads a shared stack (role environment)",
          "sharedStack",
        ),
      ],
    ],
    [
      "cluster in the shared stack",
      sharedRaw({ cluster: { context: "aks-data-ai-dev" } }),
      [
        refuse(
          "cluster",
          '{"context":"aks-data-ai-dev"}',
          `a shared stack: the shared stack applies nothing to a cluster; ${IN_ENVIRONMENTS}`,
          "cluster",
        ),
      ],
    ],
    [
      "api in the shared stack",
      sharedRaw({ api: { replicaCount: 2 } }),
      [refuse("api", '{"replicaCount":2}', `a shared stack: ${IN_ENVIRONMENTS}`, "api")],
    ],
    [
      "sharedStack in the shared stack",
      sharedRaw({ sharedStack: "shared" }),
      [refuse("sharedStack", '"shared"', "a shared stack: the shared stack is the one the others read", "sharedStack")],
    ],
    [
      "registry.pullSecrets in the shared stack",
      sharedRaw({}, { pullSecrets: [{ namespace: "ray", name: "regcred", existing: true }] }),
      [
        refuse(
          "registry.pullSecrets",
          '[{"namespace":"ray","name":"regcred","existing":true}]',
          `a shared stack: ${IN_ENVIRONMENTS}`,
          "--path registry.pullSecrets",
        ),
      ],
    ],
    [
      "registry.pullSecretUsername in the shared stack",
      sharedRaw({}, { pullSecretUsername: "00000000-1111-2222-3333-444444444444" }),
      [
        refuse(
          "registry.pullSecretUsername",
          '"00000000-1111-2222-3333-444444444444"',
          `a shared stack: ${IN_ENVIRONMENTS}`,
          "--path registry.pullSecretUsername",
        ),
      ],
    ],
    [
      "registry.kubeletAcrPull in the shared stack",
      sharedRaw({}, { kubeletAcrPull: true }),
      [refuse("registry.kubeletAcrPull", "true", `a shared stack: ${KUBELET}`, "--path registry.kubeletAcrPull")],
    ],
    [
      "registry.kubeletPrincipalId in the shared stack",
      sharedRaw({}, { kubeletPrincipalId: "11111111-2222-3333-4444-555555555555" }),
      [
        refuse(
          "registry.kubeletPrincipalId",
          '"11111111-2222-3333-4444-555555555555"',
          `a shared stack: ${KUBELET}`,
          "--path registry.kubeletPrincipalId",
        ),
      ],
    ],
    [
      "ray keys in the shared stack, all but ray.gpuWorker.heavyDependencies",
      sharedRaw({
        ray: { serve: { applications: [] }, gpuWorker: { replicas: 2, image: { tag: "dev" }, heavyDependencies: { mode: "baseImage" } } },
      }),
      [
        ["ray.serve", '{"applications":[]}'],
        ["ray.gpuWorker.replicas", "2"],
        ["ray.gpuWorker.image", '{"tag":"dev"}'],
      ].map(([key, value]) =>
        refuse(
          key,
          value,
          `a shared stack: ${IN_ENVIRONMENTS} (the shared stack reads only ray.gpuWorker.heavyDependencies)`,
          `--path ${key}`,
        ),
      ),
    ],
    [
      "pipelines in an environment stack",
      environmentRaw({ pipelines: { enabled: false } }),
      [
        refuse(
          "pipelines",
          '{"enabled":false}',
          "an environment stack: the shared stack owns the Azure DevOps build definitions and their generated YAML; set pipelines in Pulumi.shared.yaml",
          "pipelines",
        ),
      ],
    ],
  ])("%s is refused, naming the key, its value, the stack that owns it and the command", (_, raw, problems) => {
    expect(parseStackConfig(raw)).toEqual({ ok: false, problems });
  });

  it("is accepted where it belongs: the same keys plan in their own role", () => {
    const accepted = [
      sharedRaw({ ray: { gpuWorker: { heavyDependencies: { mode: "baseImage" } } } }),
      environmentRaw({ sharedStack: "shared", registry: { kubeletPrincipalId: "11111111-2222-3333-4444-555555555555" } }),
      minimalStackConfig(),
    ];
    expect(accepted.map((raw) => parseStackConfig(raw).ok)).toEqual([true, true, true]);
  });

  it("stops npm run plan with exit 2 and the message, no stack trace, nothing written", { timeout: PROCESS_TEST_TIMEOUT }, async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-role-"));
    try {
      const result = await runCli("plan/cli.ts", ["--out", outDir, "--stack", "shared", "--config", "cluster.context=aks-data-ai-dev"]);
      expect(result).toEqual({
        code: 2,
        stdout: "",
        stderr:
          'Invalid config for stack "shared":\n' +
          `  - ${refuse("cluster", '{"context":"aks-data-ai-dev"}', `a shared stack: the shared stack applies nothing to a cluster; ${IN_ENVIRONMENTS}`, "cluster")}\n`,
      });
      expect(fs.readdirSync(outDir)).toEqual([]);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});

describe("an environment stack's shared stack", () => {
  const uatWith = async (sharedStack: string, projectDir = PROJECT_DIR) =>
    offlinePlan({
      projectDir,
      stack: "uat",
      overrides: [{ key: "sharedStack", value: sharedStack, secret: false }],
      program: await loadIndex(),
    });

  it("may be named with its organization and this project", async () => {
    const result = planned(await uatWith("acme/face-ocr-platform/shared"));
    expect([result.exitCode, result.run.outputs.registryLoginServer]).toEqual([0, "cybersmartstg.azurecr.io"]);
  });

  it.each([
    [
      "in another project, which the offline plan cannot read",
      "acme/other-project/shared",
      'stack "uat": sharedStack = "acme/other-project/shared" names project other-project, and the offline plan only knows this ' +
        "project's stacks (face-ocr-platform); name a stack of face-ocr-platform",
    ],
    [
      "without a stack file, listing the stacks there are",
      "staging",
      'stack "uat" reads the shared stack (sharedStack = "staging"): no stack file Pulumi.staging.yaml for stack "staging"; ' +
        "stacks here: dev, prod, shared, uat",
    ],
  ])("is refused %s", async (_, sharedStack, message) => {
    await expect(uatWith(sharedStack)).rejects.toThrow(new PlanInputError(message));
  });

  it.each(["dev", "uat"])(
    "is refused as config when it names an environment stack (%s), which exports no registry",
    async (sharedStack) => {
      expect(await uatWith(sharedStack)).toEqual({
        kind: "invalid-config",
        exitCode: 2,
        message:
          'Invalid config for stack "uat":\n' +
          `  - sharedStack = "${sharedStack}": stack ${sharedStack} has role environment; expected the project's shared stack (role shared), ` +
          'such as "shared"; set it with `pulumi config set sharedStack <value>`',
      });
    },
  );

  it("stops the plan with exit 2 when its own config does not plan, naming both stacks", async () => {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-layout-"));
    try {
      for (const file of ["Pulumi.uat.yaml", "Pulumi.shared.yaml"])
        fs.copyFileSync(path.join(PROJECT_DIR, file), path.join(projectDir, file));
      fs.cpSync(path.join(PROJECT_DIR, "policies", "config"), path.join(projectDir, "policies", "config"), { recursive: true });
      const sharedFile = path.join(projectDir, "Pulumi.shared.yaml");
      const doc = YAML.parseDocument(fs.readFileSync(sharedFile, "utf8"));
      doc.setIn(["config", `${PROJECT_NAME}:registry`, "sku"], "Ultra");
      fs.writeFileSync(sharedFile, doc.toString());
      expect(await uatWith("shared", projectDir)).toEqual({
        kind: "invalid-config",
        exitCode: 2,
        message:
          'stack "uat" reads the shared stack "shared", whose config does not plan:\n' +
          'Invalid config for stack "shared":\n' +
          '  - registry.sku = "Ultra": expected Basic, Standard or Premium; set it with `pulumi config set --path registry.sku <value>`',
      });
    } finally {
      fs.rmSync(projectDir, { recursive: true, force: true });
    }
  });

  it("is answered offline only by its name: the mocks refuse a reference to a stack they have no outputs for", () => {
    const mocks = new PlanMocks({ stackOutputs: { shared: { registryName: "cybersmartstg" } } });
    const read = (name: string) => mocks.newResource({ type: STACK_REFERENCE_TYPE, name: "shared-stack", inputs: { name }, custom: true });
    expect(read("shared")).toEqual({
      id: "shared",
      state: { name: "shared", outputs: { registryName: "cybersmartstg" }, secretOutputNames: [] },
    });
    expect(() => read("staging")).toThrow(new UnknownStackReferenceError("staging", ["shared"]));
    expect(() => read("staging")).toThrow(
      'stack reference "staging": the offline plan has no outputs for that stack (it knows shared); ' +
        "sharedStack must name a stack of this project that has a Pulumi.<stack>.yaml",
    );
    expect(() => new PlanMocks().newResource({ type: STACK_REFERENCE_TYPE, name: "shared-stack", inputs: { name: "shared" } })).toThrow(
      "(it knows none)",
    );
  });
});

describe("a real run of an environment stack", () => {
  // The kubelet's placeholder has its own refusal (test/config/realRun.test.ts); a real-looking id leaves the digest's.
  const KUBELET = { "registry.kubeletPrincipalId": "11111111-2222-3333-4444-555555555555" };

  it.each(["uat", "prod"])("refuses %s's all-zero worker digest, the placeholder until its first promotion", async (stack) => {
    await expect(runStack({ stack, asRealRun: true, config: KUBELET })).rejects.toThrow(
      new StackConfigError(
        `Invalid config for stack "${stack}":\n` +
          `  - ray.gpuWorker.image.digest = "${PLACEHOLDER_DIGEST}": a placeholder, which only the offline plan accepts (no image has it); ` +
          "promote the release a tested stack runs (`npm run promote -- --from <stack> --to <this stack>`, docs/stacks.md), " +
          "or set one build's digest with `pulumi config set --path ray.gpuWorker.image.digest <sha256:...>`",
      ),
    );
  });

  it("runs once the digest is one build's", async () => {
    const digest = `sha256:${"ab".repeat(32)}`;
    const run = await runStack({ stack: "uat", asRealRun: true, config: { ...KUBELET, "ray.gpuWorker.image.digest": digest } });
    expect(workerGroupOf(run, "gpu-worker-group").template.spec.containers[0].image).toBe(
      `cybersmartstg.azurecr.io/data-ai/face-ocr-worker@${digest}`,
    );
  });
});

describe("the app's settings profile per environment", () => {
  it("runs dev on the development profile and uat and prod on production", async () => {
    const profiles: Record<string, unknown> = {};
    for (const stack of ["dev", "uat", "prod"]) {
      const run = await runStack({ stack });
      const release = run.one("kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease").plainInputs as {
        spec: { values: { env: Record<string, unknown> } };
      };
      profiles[stack] = release.spec.values.env.ENVIRONMENT;
    }
    expect(profiles).toEqual({ dev: "development", uat: "production", prod: "production" });
  });

  it("refuses the development profile in prod", async () => {
    await expect(runStack({ stack: "prod", config: { "api.env.ENVIRONMENT": "development" } })).rejects.toThrow(
      'Invalid config for stack "prod":\n' +
        '  - api.env.ENVIRONMENT = "development": the app\'s development settings profile is not allowed when environment is "prod"; ' +
        'set its production profile, "production" (the image\'s own default); set it with `pulumi config set --path api.env.ENVIRONMENT <value>`',
    );
  });
});
