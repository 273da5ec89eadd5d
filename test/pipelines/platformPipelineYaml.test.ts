import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { describe, expect, it } from "vitest";
import { PLATFORM_VARIABLE_GROUP, pipelinesModel } from "../../components/pipelines/pipelineModel";
import { parseStackConfigOrThrow } from "../../config/load";
import { PROJECT_DIR } from "../harness";

interface Step {
  script?: string;
  condition?: string;
  env?: Record<string, string>;
  checkout?: string;
  task?: string;
  [key: string]: unknown;
}

const platform = pipelinesModel(parseStackConfigOrThrow({ registry: { resourceGroupName: "rg-example" } }, "dev")).platform;
const file = path.join(PROJECT_DIR, platform.yamlPath);
const doc = YAML.parse(fs.readFileSync(file, "utf8")) as {
  trigger: { branches: { include: string[] } };
  pr: string;
  variables: ({ group: string } | { name: string; value: string })[];
  steps: (Step | Record<string, Step[]>)[];
};
const eachStack = doc.steps.find((s) => "${{ each stack in parameters.stacks }}" in s) as Record<string, Step[]>;
const perStack = eachStack["${{ each stack in parameters.stacks }}"];
const steps = doc.steps.filter((s) => s !== eachStack) as Step[];

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

  it("previews every stack with the policy pack and that stack's policy config on pull requests, and updates it on main only", () => {
    expect(perStack.map((s) => [s.script, s.condition])).toEqual([
      [
        "pulumi preview --diff --policy-pack policies --policy-pack-config policies/config/${{ stack }}.json --stack ${{ stack }} --non-interactive",
        "and(succeeded(), eq(variables['Build.Reason'], 'PullRequest'))",
      ],
      [
        "pulumi up --yes --policy-pack policies --policy-pack-config policies/config/${{ stack }}.json --stack ${{ stack }} --non-interactive",
        "and(succeeded(), ne(variables['Build.Reason'], 'PullRequest'), eq(variables['Build.SourceBranch'], 'refs/heads/main'))",
      ],
    ]);
    for (const s of perStack) expect(Object.keys(s.env ?? {})).toContain("PULUMI_ACCESS_TOKEN");
  });
});
