import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { describe, expect, it } from "vitest";
import {
  PLATFORM_VARIABLE_GROUP,
  pipelinesModel,
  WORKER_BUILD_NUMBER_FORMAT,
  WORKER_IMAGE_TAGS,
} from "../../components/pipelines/pipelineModel";
import { parseStackConfigOrThrow } from "../../config/load";
import { DEFAULT_BRANCHES, WORKER_APP } from "../../config/sections/pipelines";
import { compileAzurePipelinesSchema, validatePipelineYaml } from "../../validation/azurePipelinesSchema";
import { devStackSection, minimalStackConfig, PROJECT_DIR } from "../harness";

interface Step {
  script?: string;
  displayName?: string;
  condition?: string;
  env?: Record<string, string>;
  checkout?: string;
  task?: string;
  [key: string]: unknown;
}

const platform = pipelinesModel(parseStackConfigOrThrow(minimalStackConfig(), "dev")).platform;
const file = path.join(PROJECT_DIR, platform.yamlPath);
const text = fs.readFileSync(file, "utf8");
const doc = YAML.parse(text) as {
  trigger: { branches: { include: string[] } };
  pr: string;
  resources: { pipelines: { pipeline: string; source: string; trigger: { branches: { include: string[] } } }[] };
  variables: ({ group: string } | { name: string; value: string })[];
  steps: (Step | Record<string, Step[]>)[];
};
const eachStack = doc.steps.find((s) => "${{ each stack in parameters.stacks }}" in s) as Record<string, Step[]>;
const perStack = eachStack["${{ each stack in parameters.stacks }}"];
const steps = doc.steps.filter((s) => s !== eachStack) as Step[];
/** The per-stack `pulumi up` step. */
const upEachStack = perStack.find((s) => s.script?.startsWith("pulumi up "));
const variable = (name: string) => doc.variables.find((v): v is { name: string; value: string } => "name" in v && v.name === name)?.value;

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

describe("the platform's own azure-pipelines.yml", () => {
  it("is the file the platform build definition points at, triggered by pushes to the protected branch", () => {
    expect(fs.existsSync(file)).toBe(true);
    expect(platform.yamlPath).toBe("azure-pipelines.yml");
    expect(doc.trigger.branches.include).toEqual([platform.branch]);
    expect(doc.pr).toBe("none");
  });

  it("takes its credentials from the variable group, mapping secrets into env by reference only", () => {
    expect(doc.variables).toContainEqual({ group: PLATFORM_VARIABLE_GROUP });
    for (const step of [...steps, ...perStack]) {
      for (const [name, value] of Object.entries(step.env ?? {})) expect(value, name).toBe(`$(${name})`);
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
      "AKS_RESOURCE_GROUP",
      "AKS_CLUSTER_NAME",
    ]);
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
  // plain pipeline variable sets must therefore be mapped in that step's env.
  it("maps every secret variable a script reads into that step's env", () => {
    const plain = doc.variables.flatMap((v) => ("name" in v ? [v.name.toUpperCase()] : []));
    const fromEarlierSteps: string[] = [];
    const unmapped: string[] = [];
    const scripts = [...steps, ...perStack].filter((s) => typeof s.script === "string");
    expect(scripts.length).toBeGreaterThan(0);
    for (const step of scripts) {
      const script = step.script as string;
      const own = shellVariablesSet(script);
      const mapped = new Set(Object.keys(step.env ?? {}));
      for (const name of shellVariablesUsed(script)) {
        if (own.has(name) || mapped.has(name) || PREDEFINED.test(name) || SHELL_VARIABLES.has(name)) continue;
        if (fromEarlierSteps.includes(name)) continue;
        if (plain.includes(name) && !listedSecrets.includes(name)) continue;
        unmapped.push(`${step.displayName ?? script.split("\n")[0]}: $${name}`);
      }
      fromEarlierSteps.push(...pipelineVariablesSet(script));
    }
    expect(unmapped).toEqual([]);
  });

  it("reads the cluster's name and resource group from the variable group's secrets", () => {
    const cluster = steps.find((s) => s.displayName === "Cluster and registry credentials");
    expect(cluster?.script).toContain("az aks get-credentials");
    const used = shellVariablesUsed(cluster?.script ?? "");
    expect(["AKS_RESOURCE_GROUP", "AKS_CLUSTER_NAME"].filter((name) => used.has(name) && listedSecrets.includes(name))).toEqual([
      "AKS_RESOURCE_GROUP",
      "AKS_CLUSTER_NAME",
    ]);
  });

  it("installs the Pulumi CLI release that matches the pinned SDK", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(doc.variables).toContainEqual({ name: "PULUMI_VERSION", value: pkg.dependencies["@pulumi/pulumi"] });
    expect(steps.some((s) => s.script?.includes('get.pulumi.com | sh -s -- --version "$(PULUMI_VERSION)"'))).toBe(true);
  });

  it("runs npm ci and the tests (the CI script) before anything touches a stack", () => {
    const ciStep = steps.findIndex((s) => s.script === "bash .ci/run");
    expect(ciStep).toBeGreaterThan(-1);
    const ci = fs.readFileSync(path.join(PROJECT_DIR, ".ci", "run"), "utf8");
    expect(ci).toContain("npm ci");
    expect(ci).toMatch(/npm test/);
    expect(doc.steps.indexOf(eachStack)).toBeGreaterThan(ciStep);
  });

  it("previews every stack with the policy pack and that stack's policy config on pull requests, labels its RayService change from the saved preview JSON, and updates it on main only", () => {
    expect(perStack.map((s) => [s.script, s.condition])).toEqual([
      [
        "pulumi preview --diff --policy-pack policies --policy-pack-config policies/config/${{ stack }}.json --stack ${{ stack }} --non-interactive",
        "and(succeeded(), eq(variables['Build.Reason'], 'PullRequest'))",
      ],
      [
        [
          "set -euo pipefail",
          'pulumi preview --json --stack ${{ stack }} --non-interactive > "$(Agent.TempDirectory)/preview-${{ stack }}.json"',
          'npm run --silent ray-upgrade-impact -- "$(Agent.TempDirectory)/preview-${{ stack }}.json"',
          "",
        ].join("\n"),
        "and(succeeded(), eq(variables['Build.Reason'], 'PullRequest'))",
      ],
      [
        "pulumi up --yes --policy-pack policies --policy-pack-config policies/config/${{ stack }}.json --stack ${{ stack }} --non-interactive",
        "and(succeeded(), ne(variables['Build.Reason'], 'PullRequest'), ne(variables['Build.Reason'], 'ResourceTrigger'), eq(variables['Build.SourceBranch'], 'refs/heads/main'))",
      ],
    ]);
    for (const s of perStack) expect(Object.keys(s.env ?? {})).toContain("PULUMI_ACCESS_TOKEN");
  });

  it("is valid Azure Pipelines YAML (Microsoft's schema; the each-loop expanded)", () => {
    expect(validatePipelineYaml(compileAzurePipelinesSchema(), text)).toEqual([]);
  }, 120_000);
});

describe("a finished worker build deploys itself to the dev stack", () => {
  const onWorkerBuild = steps.filter((s) => s.condition === "and(succeeded(), eq(variables['Build.Reason'], 'ResourceTrigger'))");
  const withBuild = '--config-path --config "ray.gpuWorker.image.tag=$(resources.pipeline.worker.runName)"';

  it("runs on completion of the face-ocr-worker build definition, for builds of its dev branch", () => {
    expect(doc.resources.pipelines).toEqual([{ pipeline: "worker", source: WORKER_APP, trigger: { branches: { include: ["dev"] } } }]);
    expect(DEFAULT_BRANCHES).toContain("dev");
  });

  it("previews, then updates WORKER_STACK (dev, a stack with a stack file), naming the build's tag", () => {
    expect(variable("WORKER_STACK")).toBe("dev");
    expect(fs.existsSync(path.join(PROJECT_DIR, `Pulumi.${variable("WORKER_STACK")}.yaml`))).toBe(true);
    expect(onWorkerBuild.map((s) => s.script)).toEqual([
      `pulumi preview --diff --policy-pack policies --policy-pack-config policies/config/$(WORKER_STACK).json --stack $(WORKER_STACK) --non-interactive ${withBuild}`,
      `pulumi up --yes --policy-pack policies --policy-pack-config policies/config/$(WORKER_STACK).json --stack $(WORKER_STACK) --non-interactive ${withBuild}`,
    ]);
    for (const s of onWorkerBuild) expect(s.env).toEqual(upEachStack?.env);
  });

  it("names the build by the tag the worker pipeline pushed: its run name is its build number, pushed as a tag", () => {
    const worker = pipelinesModel(parseStackConfigOrThrow(minimalStackConfig(), "dev")).apps.find((a) => a.name === WORKER_APP);
    expect(worker?.buildNumberFormat).toBe(WORKER_BUILD_NUMBER_FORMAT);
    expect(worker?.imageTags).toEqual(WORKER_IMAGE_TAGS);
    expect(WORKER_IMAGE_TAGS[0]).toBe("$(Build.BuildNumber)");
  });

  it("the main-branch update of every stack does not also run for a worker build", () => {
    expect(upEachStack?.condition).toBe(
      "and(succeeded(), ne(variables['Build.Reason'], 'PullRequest'), ne(variables['Build.Reason'], 'ResourceTrigger'), eq(variables['Build.SourceBranch'], 'refs/heads/main'))",
    );
  });

  it("logs in to the stacks' registry before any stack runs, so the program can read the worker's digest", () => {
    expect(variable("REGISTRY_NAME")).toBe((devStackSection("registry") as { name: string }).name);
    const login = steps.findIndex((s) => s.script?.includes('az acr login --name "$(REGISTRY_NAME)"'));
    expect(login).toBeGreaterThan(-1);
    expect(doc.steps.indexOf(eachStack)).toBeGreaterThan(doc.steps.indexOf(steps[login]));
  });
});
