import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import {
  PLATFORM_VARIABLE_GROUP,
  pipelinesModel,
  WORKER_BUILD_NUMBER_FORMAT,
  WORKER_IMAGE_TAGS,
} from "../../components/pipelines/pipelineModel";
import { GET_REGISTRY_IMAGE } from "../../components/registry/imageDigest";
import { parseStackConfigOrThrow } from "../../config/parse";
import { DEFAULT_DEPLOYMENT_STACKS } from "../../config/sections/deployments";
import { DEFAULT_BRANCHES, WORKER_APP } from "../../config/sections/pipelines";
import { stackVariable } from "../../scripts/affectedStacks";
import { stackConfigFor } from "../../plan/stackConfigFor";
import { compileAzurePipelinesSchema, expandTemplateInsertions, validatePipelineYaml } from "../../validation/azurePipelinesSchema";
import { devStackSection, minimalStackConfig, PROJECT_DIR, RecordedRun, runStack } from "../harness";
import { instantiateSteps } from "./stepTemplate";

interface Step {
  script?: string;
  displayName?: string;
  condition?: string;
  env?: Record<string, string>;
  checkout?: string;
  fetchDepth?: number;
  task?: string;
  template?: string;
  parameters?: Record<string, unknown>;
  name?: string;
  [key: string]: unknown;
}
interface Job {
  job?: string;
  deployment?: string;
  environment?: string;
  steps?: Step[];
  strategy?: { runOnce: { deploy: { steps: Step[] } } };
}
interface Stage {
  stage: string;
  dependsOn?: string | string[];
  condition?: string;
  jobs: Job[];
}

const platform = pipelinesModel(parseStackConfigOrThrow(minimalStackConfig(), "dev")).platform;
const file = path.join(PROJECT_DIR, platform.yamlPath);
const text = fs.readFileSync(file, "utf8");
const doc = YAML.parse(text) as {
  trigger: { batch: boolean; branches: { include: string[] } };
  lockBehavior: string;
  pr: string;
  parameters: { name: string; default: unknown }[];
  resources: { pipelines: { pipeline: string; source: string; trigger: { branches: { include: string[] } } }[] };
  variables: ({ group: string } | { name: string; value: string })[];
  stages: Stage[];
};
const SETUP_TEMPLATE = ".ci/stack-job-setup.yml";
const setupText = fs.readFileSync(path.join(PROJECT_DIR, SETUP_TEMPLATE), "utf8");
const setupTemplate = YAML.parse(setupText) as Parameters<typeof instantiateSteps>[0];
/** Steps that came from the setup template, as opposed to a job's own. */
const fromSetup = new WeakSet<Step>();
const setupSteps = (parameters: Step["parameters"] = {}): Step[] => {
  const steps = instantiateSteps(setupTemplate, parameters) as Step[];
  for (const step of steps) fromSetup.add(step);
  return steps;
};

const stage = (name: string): Stage => {
  const found = doc.stages.find((s) => s.stage === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
/** Each job's steps, built once: the tests compare steps by identity. */
const jobSteps = new WeakMap<Job, Step[]>();
/** A job's steps as the agent runs them: the setup template instantiated with its parameters, the each-loop expanded once. */
function stepsOf(job: Job): Step[] {
  const cached = jobSteps.get(job);
  if (cached) return cached;
  const own = job.steps ?? job.strategy?.runOnce.deploy.steps ?? [];
  const steps = (expandTemplateInsertions(own) as Step[]).flatMap((s) => (s.template === SETUP_TEMPLATE ? setupSteps(s.parameters) : [s]));
  jobSteps.set(job, steps);
  return steps;
}
const onlyJob = (name: string): Job => {
  const jobs = stage(name).jobs;
  expect(jobs).toHaveLength(1);
  return jobs[0];
};
const scriptsOf = (name: string) => stepsOf(onlyJob(name)).filter((s) => s.script !== undefined && !fromSetup.has(s));
const variable = (name: string) => doc.variables.find((v): v is { name: string; value: string } => "name" in v && v.name === name)?.value;
const allJobs = doc.stages.flatMap((s) => s.jobs);

const ON_PR = "and(succeeded(), eq(variables['Build.Reason'], 'PullRequest'))";
const ON_MAIN =
  "ne(variables['Build.Reason'], 'PullRequest'), ne(variables['Build.Reason'], 'ResourceTrigger'), eq(variables['Build.SourceBranch'], 'refs/heads/main')";
const ON_WORKER_BUILD = "and(succeeded(), eq(variables['Build.Reason'], 'ResourceTrigger'))";
const up = (stack: string) =>
  `pulumi up --yes --policy-pack policies --policy-pack-config policies/config/${stack}.json --stack ${stack} --non-interactive`;
const STACK_ENV = {
  PULUMI_ACCESS_TOKEN: "$(PULUMI_ACCESS_TOKEN)",
  ARM_CLIENT_ID: "$(ARM_CLIENT_ID)",
  ARM_CLIENT_SECRET: "$(ARM_CLIENT_SECRET)",
  ARM_TENANT_ID: "$(ARM_TENANT_ID)",
  ARM_SUBSCRIPTION_ID: "$(ARM_SUBSCRIPTION_ID)",
  AZDO_ORG_SERVICE_URL: "$(AZDO_ORG_SERVICE_URL)",
  AZDO_PERSONAL_ACCESS_TOKEN: "$(AZDO_PERSONAL_ACCESS_TOKEN)",
};

/**
 * Shell variables a script reads: `$NAME` and `${NAME...}` with an upper-case name. Not `$(NAME)` (an Azure Pipelines
 * macro, expanded before the shell runs) nor `${{ ... }}` (a template expression).
 */
function shellVariablesUsed(script: string): Set<string> {
  return new Set([...script.matchAll(/\$(?:\{([A-Z_][A-Z0-9_]*)(?=[}:#%/-])|([A-Z_][A-Z0-9_]*))/g)].map((m) => m[1] ?? m[2]));
}

/** Variables a script sets for itself (`NAME=`, `export NAME=`, `read NAME`, `for NAME in`). */
function shellVariablesSet(script: string): Set<string> {
  const assigned = [...script.matchAll(/(?:^|[;&|\s])(?:export\s+|local\s+|readonly\s+|declare\s+(?:-\w+\s+)*)?([A-Z_][A-Z0-9_]*)=/gm)];
  const read = [...script.matchAll(/\b(?:read(?:\s+-\w+)*|for)\s+([A-Z_][A-Z0-9_]*)/g)];
  return new Set([...assigned, ...read].map((m) => m[1]));
}

/** Variables a script sets for later steps (`##vso[task.setvariable variable=NAME]`, not secret ones). */
function pipelineVariablesSet(script: string): string[] {
  return [...script.matchAll(/##vso\[task\.setvariable variable=([A-Za-z_][A-Za-z0-9_.]*)(;[^\]]*)?\]/g)]
    .filter((m) => !/issecret=true/i.test(m[2] ?? ""))
    .map((m) => m[1].toUpperCase().replace(/\./g, "_"));
}

/** Predefined Azure Pipelines variables, as the agent exports them (`Agent.TempDirectory` is `AGENT_TEMPDIRECTORY`). */
const PREDEFINED = /^(?:AGENT|BUILD|SYSTEM|PIPELINE|ENVIRONMENT|RESOURCES|COMMON)_[A-Z0-9_]+$|^TF_BUILD$/;
/** What the shell and the agent's OS set. */
const SHELL_VARIABLES = new Set(["HOME", "PATH", "PWD", "OLDPWD", "USER", "SHELL", "TMPDIR", "HOSTNAME", "IFS", "UID", "RANDOM", "LINENO"]);

/** The secret variables the file's `variables:` comment lists: from "Secret variables:" to the end of that sentence. */
const listedSecrets = (() => {
  const sentence = /#\s*Secret variables:([\s\S]*?)\.\s*\n/.exec(text)?.[1] ?? "";
  return [...sentence.replace(/^\s*#/gm, " ").matchAll(/\b[A-Z][A-Z0-9_]+\b/g)].map((m) => m[0]);
})();

/** The setup template's step that fetches one stack's cluster credentials, by its display name. */
const CLUSTER_STEP = /^Credentials of the (\S+) cluster$/;
const clusterStepsOf = (job: Job) => stepsOf(job).filter((s) => CLUSTER_STEP.test(s.displayName ?? ""));
/** The variable group's name for one stack's value of NAME: `AKS_CLUSTER_NAME_UAT`. */
const clusterVariable = (name: string, stack: string) => `${name}_${stack.replace(/-/g, "_").toUpperCase()}`;
// A stack file the program refuses throws here: it must not quietly drop out of the lists compared below.
const hasCluster = (stack: string) => stackConfigFor(PROJECT_DIR, stack, []).cluster !== undefined;
const CLUSTER_STACKS = DEFAULT_DEPLOYMENT_STACKS.filter(hasCluster);
const REGISTRY_LOGIN = "Registry login (the worker's digest)";

/** `$(NAME)` macros replaced as the agent does before a script runs; a macro it does not know stays as written. */
function resolveMacros(text: string, variables: Readonly<Record<string, string>>): string {
  return text.replace(/\$\(([A-Za-z_][A-Za-z0-9_.]*)\)/g, (macro, name: string) => variables[name] ?? macro);
}

describe("the platform's own azure-pipelines.yml", () => {
  it("is the file the platform build definition points at, triggered by pushes to the protected branch", () => {
    expect(fs.existsSync(file)).toBe(true);
    expect(platform.yamlPath).toBe("azure-pipelines.yml");
    expect(doc.trigger.branches.include).toEqual([platform.branch]);
    expect(doc.pr).toBe("none");
  });

  it("runs once per push, and a run waits for the one before at each Environment's exclusive lock instead of cancelling it", () => {
    expect(doc.trigger.batch).toBe(false);
    expect(doc.lockBehavior).toBe("sequential");
  });

  it("runs its stages in order: checks, the PR preview, shared, dev, uat, prod, and the worker build's deployment", () => {
    expect(doc.stages.map((s) => [s.stage, s.dependsOn ?? null])).toEqual([
      ["checks", null],
      ["preview", "checks"],
      ["deploy_shared", "checks"],
      ["deploy_dev", "deploy_shared"],
      ["deploy_uat", ["checks", "deploy_dev"]],
      ["deploy_prod", ["checks", "deploy_dev", "deploy_uat"]],
      ["worker_build", "checks"],
    ]);
    // The deployment stages are the stacks of pipelines.deployments, in its order, and the PR preview knows them all.
    const deployed = doc.stages.filter((s) => s.stage.startsWith("deploy_")).map((s) => s.stage.slice("deploy_".length));
    expect(deployed).toEqual([...DEFAULT_DEPLOYMENT_STACKS]);
    expect(platform.deployments.map((d) => d.stack)).toEqual(deployed);
    expect(doc.parameters).toEqual([
      {
        name: "stacks",
        displayName: "Stacks a pull request may preview (each only when the change affects it)",
        type: "object",
        default: deployed,
      },
    ]);
  });

  it("previews on a pull request, deploys shared and dev on main, uat and prod only on their promotion, the worker build on its own", () => {
    expect(Object.fromEntries(doc.stages.map((s) => [s.stage, s.condition ?? null]))).toEqual({
      checks: null,
      preview: ON_PR,
      deploy_shared: `and(succeeded(), ${ON_MAIN})`,
      deploy_dev: `and(succeeded(), ${ON_MAIN})`,
      deploy_uat: `and(succeeded(), ${ON_MAIN}, eq(dependencies.checks.outputs['checks.changes.${stackVariable("promoted", "uat")}'], 'true'))`,
      // A prod promotion alone skips uat; a failed uat stops it.
      deploy_prod:
        `and(not(failed()), not(canceled()), ${ON_MAIN}, eq(dependencies.deploy_dev.result, 'Succeeded'), ` +
        `in(dependencies.deploy_uat.result, 'Succeeded', 'Skipped'), eq(dependencies.checks.outputs['checks.changes.${stackVariable("promoted", "prod")}'], 'true'))`,
      worker_build: ON_WORKER_BUILD,
    });
  });

  it("decides what is affected and promoted in the checks job's `changes` step, two commits deep", () => {
    const checks = onlyJob("checks");
    expect(checks.job).toBe("checks");
    const changes = stepsOf(checks).find((s) => s.name === "changes");
    expect(changes?.script).toBe("npm run --silent affected-stacks -- --pipeline");
    expect(stepsOf(checks).find((s) => s.checkout === "self")?.fetchDepth).toBe(2);
    expect(setupSteps().find((s) => s.checkout === "self")?.fetchDepth).toBe(2);
    const preview = stepsOf(onlyJob("preview"));
    expect(preview.find((s) => s.name === "changes")?.script).toBe(changes?.script);
  });

  it("deploys each stack with a deployment job through its Environment, the one the program creates for it", () => {
    for (const deployment of platform.deployments) {
      const job = onlyJob(`deploy_${deployment.stack}`);
      expect([job.deployment, job.environment]).toEqual(["up", deployment.environment]);
      expect(scriptsOf(`deploy_${deployment.stack}`).map((s) => [s.script, s.env])).toEqual([[up(deployment.stack), STACK_ENV]]);
    }
    expect(allJobs.filter((j) => j.deployment !== undefined).map((j) => j.environment)).toEqual([
      "face-ocr-platform-shared",
      "face-ocr-platform-dev",
      "face-ocr-platform-uat",
      "face-ocr-platform-prod",
      "face-ocr-platform-dev",
    ]);
  });

  it("previews every affected stack with the policy pack and that stack's policy config, and labels its RayService change from the saved preview JSON", () => {
    // The variable npm run affected-stacks sets has a `_` for each `-` of the stack's name; the template does the same.
    expect(stackVariable("affected", "eu-prod")).toBe("affected_eu_prod");
    const affected = "and(succeeded(), eq(variables['changes.affected_${{ replace(stack, '-', '_') }}'], 'true'))";
    expect(scriptsOf("preview").map((s) => [s.script, s.condition ?? null])).toEqual([
      [
        "pulumi preview --diff --policy-pack policies --policy-pack-config policies/config/${{ stack }}.json --stack ${{ stack }} --non-interactive",
        affected,
      ],
      [
        [
          "set -euo pipefail",
          'pulumi preview --json --stack ${{ stack }} --non-interactive > "$(Agent.TempDirectory)/preview-${{ stack }}.json"',
          'npm run --silent ray-upgrade-impact -- "$(Agent.TempDirectory)/preview-${{ stack }}.json"',
          "",
        ].join("\n"),
        affected,
      ],
    ]);
    for (const s of scriptsOf("preview")) expect(s.env).toEqual(STACK_ENV);
  });

  it("takes its credentials from the variable group, mapping secrets into env by reference only", () => {
    expect(doc.variables).toContainEqual({ group: PLATFORM_VARIABLE_GROUP });
    for (const step of allJobs.flatMap(stepsOf)) {
      const stack = CLUSTER_STEP.exec(step.displayName ?? "")?.[1];
      for (const [name, value] of Object.entries(step.env ?? {})) {
        // A cluster's step reads that stack's variables under the names its script uses.
        expect(value, name).toBe(stack !== undefined && name.startsWith("AKS_") ? `$(${clusterVariable(name, stack)})` : `$(${name})`);
      }
    }
  });

  it("lists the variable group's secret variables in its comment, as docs/pipelines.md does", () => {
    expect(listedSecrets).toEqual([
      "PULUMI_ACCESS_TOKEN",
      "ARM_CLIENT_ID",
      "ARM_CLIENT_SECRET",
      "ARM_TENANT_ID",
      "ARM_SUBSCRIPTION_ID",
      "AZDO_ORG_SERVICE_URL",
      "AZDO_PERSONAL_ACCESS_TOKEN",
      "AKS_RESOURCE_GROUP_DEV",
      "AKS_CLUSTER_NAME_DEV",
      "AKS_RESOURCE_GROUP_UAT",
      "AKS_CLUSTER_NAME_UAT",
      "AKS_RESOURCE_GROUP_PROD",
      "AKS_CLUSTER_NAME_PROD",
    ]);
    const docs = fs.readFileSync(path.join(PROJECT_DIR, "docs", "pipelines.md"), "utf8");
    const prerequisite = /^1\. Variable group `face-ocr-platform-pulumi`[\s\S]*?(?=\n {3}Azure Pipelines does not)/m.exec(docs)?.[0] ?? "";
    expect([...prerequisite.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1])).toEqual(listedSecrets);
    // One pair per stack with a cluster, none for the shared stack.
    expect(listedSecrets.filter((name) => name.startsWith("AKS_"))).toEqual(
      CLUSTER_STACKS.flatMap((stack) => [clusterVariable("AKS_RESOURCE_GROUP", stack), clusterVariable("AKS_CLUSTER_NAME", stack)]),
    );
  });

  it("finds the shell variables a script reads, and those it sets itself", () => {
    expect([...shellVariablesUsed('az x "$ARM_CLIENT_ID" ${AKS_CLUSTER_NAME:-x} ${HOME} $(NODE_VERSION) ${{ stack }} $lower')]).toEqual([
      "ARM_CLIENT_ID",
      "AKS_CLUSTER_NAME",
      "HOME",
    ]);
    expect([...shellVariablesSet('A=1\nexport B="x"; read -r C\nfor D in x; do :; done')]).toEqual(["A", "B", "C", "D"]);
    expect(pipelineVariablesSet("echo '##vso[task.setvariable variable=KUBECONFIG]/tmp/k'")).toEqual(["KUBECONFIG"]);
  });

  // Azure Pipelines does not put secret variables into a script's environment unless its `env:` maps them, so
  // `set -u` (or an empty argument) would stop the step. Anything a script reads that neither it, the agent nor a
  // plain pipeline variable (or an earlier step of the same job) sets must therefore be mapped in that step's env.
  it("maps every secret variable a script reads into that step's env, in every job", () => {
    const plain = doc.variables.flatMap((v) => ("name" in v ? [v.name.toUpperCase()] : []));
    const unmapped: string[] = [];
    let scripts = 0;
    for (const job of allJobs) {
      const fromEarlierSteps: string[] = [];
      for (const step of stepsOf(job).filter((s) => typeof s.script === "string")) {
        scripts++;
        const script = step.script as string;
        const own = shellVariablesSet(script);
        const mapped = new Set(Object.keys(step.env ?? {}));
        for (const name of shellVariablesUsed(script)) {
          if (own.has(name) || mapped.has(name) || PREDEFINED.test(name) || SHELL_VARIABLES.has(name)) continue;
          if (fromEarlierSteps.includes(name)) continue;
          if (plain.includes(name) && !listedSecrets.includes(name)) continue;
          unmapped.push(`${job.job ?? job.deployment} ${step.displayName ?? script.split("\n")[0]}: $${name}`);
        }
        fromEarlierSteps.push(...pipelineVariablesSet(script));
      }
    }
    // The setup template's 3 (Pulumi CLI, dependencies, policy pack dependencies), then: checks 2; preview 3 + the
    // changes step, Azure and registry login, the kubeconfig, 3 clusters, its own 2; shared 3 + 1; dev 3 + Azure and
    // registry login, the kubeconfig, 1 cluster, 1; uat and prod the same without the registry login; the worker
    // build 3 + Azure and registry login, the kubeconfig, 1 cluster, 2.
    expect(scripts).toBe(2 + 12 + 4 + 8 + 2 * 7 + 9);
    expect(unmapped).toEqual([]);
  });

  it("fetches the clusters of the stacks each job runs and no other: the affected ones on a PR, its own in a deployment, dev's for a worker build", () => {
    const affected = (stack: string) => `and(succeeded(), eq(variables['changes.${stackVariable("affected", stack)}'], 'true'))`;
    const clustersOf = (name: string) =>
      clusterStepsOf(onlyJob(name)).map((s) => [CLUSTER_STEP.exec(s.displayName ?? "")?.[1], s.condition ?? null]);
    expect(Object.fromEntries(doc.stages.map((s) => [s.stage, clustersOf(s.stage)]))).toEqual({
      checks: [],
      preview: [
        ["dev", affected("dev")],
        ["uat", affected("uat")],
        ["prod", affected("prod")],
      ],
      deploy_shared: [],
      deploy_dev: [["dev", null]],
      deploy_uat: [["uat", null]],
      deploy_prod: [["prod", null]],
      worker_build: [["dev", null]],
    });
    // The PR may preview any stack of the parameter; each with a cluster gets its credentials.
    expect(clustersOf("preview").map(([stack]) => stack)).toEqual((doc.parameters[0].default as string[]).filter(hasCluster));
    expect(clustersOf("worker_build")).toEqual([[variable("WORKER_STACK"), null]]);
    // The PR asks which stacks are affected before the first of them.
    const preview = stepsOf(onlyJob("preview"));
    expect(preview.findIndex((s) => s.name === "changes")).toBeLessThan(preview.indexOf(clusterStepsOf(onlyJob("preview"))[0]));
  });

  it("reads each cluster's resource group and name from that stack's secret variables, and names its context after the stack file's cluster.context", () => {
    for (const job of allJobs) {
      for (const step of clusterStepsOf(job)) {
        const stack = CLUSTER_STEP.exec(step.displayName ?? "")?.[1] as string;
        expect(step.env).toEqual({
          AKS_RESOURCE_GROUP: `$(${clusterVariable("AKS_RESOURCE_GROUP", stack)})`,
          AKS_CLUSTER_NAME: `$(${clusterVariable("AKS_CLUSTER_NAME", stack)})`,
        });
        expect(listedSecrets).toEqual(
          expect.arrayContaining([clusterVariable("AKS_RESOURCE_GROUP", stack), clusterVariable("AKS_CLUSTER_NAME", stack)]),
        );
        expect(step.script).toBe(
          [
            "set -euo pipefail",
            `context="$(npm run --silent stack-context -- --stack ${stack})"`,
            'az aks get-credentials --resource-group "$AKS_RESOURCE_GROUP" --name "$AKS_CLUSTER_NAME" --context "$context" --file "$(Agent.TempDirectory)/kubeconfig" --overwrite-existing',
            "",
          ].join("\n"),
        );
      }
    }
    expect(clusterVariable("AKS_CLUSTER_NAME", "eu-prod")).toBe("AKS_CLUSTER_NAME_EU_PROD");
  });

  it("runs az with each stack's own cluster and context, merged into one kubeconfig; a stack without a cluster stops the step before az runs", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-credentials-"));
    try {
      const log = path.join(dir, "az.log");
      fs.mkdirSync(path.join(dir, "bin"));
      fs.writeFileSync(path.join(dir, "bin", "az"), `#!/bin/sh\necho "$*" >> "${log}"\n`, { mode: 0o755 });
      // Obviously fake values, as the variable group would hold them.
      const group = Object.fromEntries(
        ["dev", "uat", "shared"].flatMap((stack) => [
          [clusterVariable("AKS_RESOURCE_GROUP", stack), `rg-fake-${stack}`],
          [clusterVariable("AKS_CLUSTER_NAME", stack), `aks-fake-${stack}`],
        ]),
      );
      const macros = { ...group, "Agent.TempDirectory": dir };
      const run = (step: Step) =>
        spawnSync("bash", ["-c", resolveMacros(step.script as string, macros)], {
          cwd: PROJECT_DIR,
          encoding: "utf8",
          env: {
            PATH: `${path.join(dir, "bin")}:${process.env.PATH ?? ""}`,
            HOME: process.env.HOME ?? dir,
            // The run's own temporary folder (test/temporaryFolder.ts), so what the steps leave there is seen.
            ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
            ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, resolveMacros(v, macros)])),
          },
        });
      const steps = setupSteps({ clusters: ["dev", "uat"] }).filter((s) => CLUSTER_STEP.test(s.displayName ?? ""));
      expect(steps.map((s) => run(s).status)).toEqual([0, 0]);
      expect(fs.readFileSync(log, "utf8").split("\n")).toEqual([
        `aks get-credentials --resource-group rg-fake-dev --name aks-fake-dev --context aks-data-ai-dev --file ${dir}/kubeconfig --overwrite-existing`,
        `aks get-credentials --resource-group rg-fake-uat --name aks-fake-uat --context aks-data-ai-uat --file ${dir}/kubeconfig --overwrite-existing`,
        "",
      ]);
      fs.rmSync(log);
      const [shared] = setupSteps({ clusters: ["shared"] }).filter((s) => CLUSTER_STEP.test(s.displayName ?? ""));
      const refused = run(shared);
      expect([refused.status, refused.stderr, fs.existsSync(log)]).toEqual([
        2,
        expect.stringContaining('stack-context: stack "shared" has role shared and no cluster'),
        false,
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("installs the Pulumi CLI release that matches the pinned SDK in every job that runs it", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(doc.variables).toContainEqual({ name: "PULUMI_VERSION", value: pkg.dependencies["@pulumi/pulumi"] });
    expect(setupSteps().some((s) => s.script?.includes('get.pulumi.com | sh -s -- --version "$(PULUMI_VERSION)"'))).toBe(true);
    const runsPulumi = allJobs.filter((j) => stepsOf(j).some((s) => /^pulumi /m.test(s.script ?? "") || s.script?.includes("\npulumi ")));
    expect(runsPulumi).toHaveLength(6);
    for (const job of runsPulumi) expect((job.steps ?? job.strategy?.runOnce.deploy.steps)?.[0].template).toBe(SETUP_TEMPLATE);
  });

  it("runs npm ci and the tests (the CI script) before anything touches a stack", () => {
    expect(stepsOf(onlyJob("checks")).some((s) => s.script === "bash .ci/run")).toBe(true);
    const ci = fs.readFileSync(path.join(PROJECT_DIR, ".ci", "run"), "utf8");
    expect(ci).toContain("npm ci");
    expect(ci).toMatch(/npm test/);
    // Every other stage waits for checks, directly or through the stage before it.
    const reaches = (name: string): boolean => {
      const deps = [stage(name).dependsOn ?? []].flat();
      return deps.includes("checks") || deps.some(reaches);
    };
    expect(doc.stages.filter((s) => s.stage !== "checks").every((s) => reaches(s.stage))).toBe(true);
  });

  it("logs in to Azure only where a job reaches a cluster or the registry, first; to the registry where a stack may name its worker by tag; the shared stack's job calls no Azure CLI", () => {
    expect(variable("REGISTRY_NAME")).toBe((devStackSection("registry") as { name: string }).name);
    const azureCalls = (job: Job) => stepsOf(job).filter((s) => /(^|\n)\s*az /.test(s.script ?? ""));
    expect(Object.fromEntries(doc.stages.map((s) => [s.stage, azureCalls(onlyJob(s.stage)).map((step) => step.displayName)]))).toEqual({
      checks: [],
      preview: [
        "Azure login",
        REGISTRY_LOGIN,
        "Credentials of the dev cluster",
        "Credentials of the uat cluster",
        "Credentials of the prod cluster",
      ],
      deploy_shared: [],
      deploy_dev: ["Azure login", REGISTRY_LOGIN, "Credentials of the dev cluster"],
      deploy_uat: ["Azure login", "Credentials of the uat cluster"],
      deploy_prod: ["Azure login", "Credentials of the prod cluster"],
      worker_build: ["Azure login", REGISTRY_LOGIN, "Credentials of the dev cluster"],
    });
    expect(setupSteps({ registryLogin: true }).find((s) => s.displayName === REGISTRY_LOGIN)?.script).toBe(
      'az acr login --name "$(REGISTRY_NAME)"',
    );
    // Every cluster step writes the file the program's Kubernetes providers read.
    for (const job of allJobs.filter((j) => clusterStepsOf(j).length > 0)) {
      const steps = stepsOf(job);
      const kubeconfig = steps.findIndex(
        (s) => s.script === 'echo "##vso[task.setvariable variable=KUBECONFIG]$(Agent.TempDirectory)/kubeconfig"',
      );
      expect(kubeconfig).toBe(steps.indexOf(clusterStepsOf(job)[0]) - 1);
    }
  });

  it("is valid Azure Pipelines YAML (Microsoft's schema; the each-loop expanded), and so is its setup template", () => {
    const schema = compileAzurePipelinesSchema();
    expect(validatePipelineYaml(schema, text)).toEqual([]);
    expect(validatePipelineYaml(schema, setupText)).toEqual([]);
    for (const stage of doc.stages) {
      for (const step of stepsOf(onlyJob(stage.stage))) {
        if (fromSetup.has(step)) expect(validatePipelineYaml(schema, YAML.stringify({ steps: [step] })), stage.stage).toEqual([]);
      }
    }
  }, 120_000);
});

describe("registry logins follow the stacks' plans", () => {
  it("logs in to the registry in each deployment whose stack's program asks it for the worker's digest, and in no other", async () => {
    const asks: Record<string, boolean> = {};
    for (const stack of DEFAULT_DEPLOYMENT_STACKS) {
      const run = await runStack({ stack });
      asks[stack] = run.invokes.some((i) => i.token === GET_REGISTRY_IMAGE);
    }
    expect(asks).toEqual({ shared: false, dev: true, uat: false, prod: false });
    const logsIn = (job: Job) => stepsOf(job).some((s) => s.displayName === REGISTRY_LOGIN);
    expect(Object.fromEntries(DEFAULT_DEPLOYMENT_STACKS.map((stack) => [stack, logsIn(onlyJob(`deploy_${stack}`))]))).toEqual(asks);
    // A worker build names the worker by its tag: WORKER_STACK's program asks for that tag's digest.
    const build = await runStack({ stack: variable("WORKER_STACK"), config: { "ray.gpuWorker.image.tag": "20260114.3" } });
    expect([build.invokes.some((i) => i.token === GET_REGISTRY_IMAGE), logsIn(onlyJob("worker_build"))]).toEqual([true, true]);
  }, 120_000);
});

describe("prod's Environment in the shared stack's plan", () => {
  let run: RecordedRun;
  beforeAll(async () => {
    run = await runStack({ stack: "shared" });
  });

  it("is the Environment prod's deployment job names, and carries the approval; no other Environment does", () => {
    const environments = run.ofType("azuredevops:index/environment:Environment");
    const named = (stack: string) => environments.find((e) => e.inputs.name === onlyJob(`deploy_${stack}`).environment);
    const approvals = run.ofType("azuredevops:index/checkApproval:CheckApproval");
    expect(approvals.map((a) => a.dependencies)).toEqual([[named("prod")?.urn]]);
    expect(approvals[0].inputs.targetResourceId).toBe(`${named("prod")?.name}-id`);
    for (const stack of DEFAULT_DEPLOYMENT_STACKS) {
      const branchChecks = run
        .ofType("azuredevops:index/checkBranchControl:CheckBranchControl")
        .filter((c) => c.inputs.targetResourceId === `${named(stack)?.name}-id`);
      expect(
        branchChecks.map((c) => c.inputs.allowedBranches),
        stack,
      ).toEqual(["refs/heads/main"]);
    }
  });
});

describe("a finished worker build deploys itself to the dev stack", () => {
  const withBuild = '--config-path --config "ray.gpuWorker.image.tag=$(resources.pipeline.worker.runName)"';

  it("runs on completion of the face-ocr-worker build definition, for builds of its dev branch", () => {
    expect(doc.resources.pipelines).toEqual([{ pipeline: "worker", source: WORKER_APP, trigger: { branches: { include: ["dev"] } } }]);
    expect(DEFAULT_BRANCHES).toContain("dev");
  });

  it("previews, then updates WORKER_STACK (dev, a stack with a stack file) through its Environment, naming the build's tag", () => {
    expect(variable("WORKER_STACK")).toBe("dev");
    expect(fs.existsSync(path.join(PROJECT_DIR, `Pulumi.${variable("WORKER_STACK")}.yaml`))).toBe(true);
    expect(onlyJob("worker_build").environment).toBe(platform.deployments.find((d) => d.stack === variable("WORKER_STACK"))?.environment);
    expect(scriptsOf("worker_build").map((s) => [s.script, s.env])).toEqual([
      [
        `pulumi preview --diff --policy-pack policies --policy-pack-config policies/config/$(WORKER_STACK).json --stack $(WORKER_STACK) --non-interactive ${withBuild}`,
        STACK_ENV,
      ],
      [
        `pulumi up --yes --policy-pack policies --policy-pack-config policies/config/$(WORKER_STACK).json --stack $(WORKER_STACK) --non-interactive ${withBuild}`,
        STACK_ENV,
      ],
    ]);
  });

  it("names the build by the tag the worker pipeline pushed: its run name is its build number, pushed as a tag", () => {
    const worker = pipelinesModel(parseStackConfigOrThrow(minimalStackConfig(), "dev")).apps.find((a) => a.name === WORKER_APP);
    expect(worker?.buildNumberFormat).toBe(WORKER_BUILD_NUMBER_FORMAT);
    expect(worker?.imageTags).toEqual(WORKER_IMAGE_TAGS);
    expect(WORKER_IMAGE_TAGS[0]).toBe("$(Build.BuildNumber)");
  });

  it("is the only stage a worker build runs besides the checks, and the only one that runs for it", () => {
    const forWorker = doc.stages.filter((s) => s.condition?.includes("eq(variables['Build.Reason'], 'ResourceTrigger')"));
    expect(forWorker.map((s) => s.stage)).toEqual(["worker_build"]);
    for (const s of doc.stages.filter((x) => x.stage.startsWith("deploy_"))) {
      expect(s.condition).toContain("ne(variables['Build.Reason'], 'ResourceTrigger')");
    }
  });
});
