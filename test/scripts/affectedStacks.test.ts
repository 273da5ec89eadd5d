import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { affectedStacks, promotedStacks, runAffectedStacks, stackVariable } from "../../scripts/affectedStacks";

const STACKS = ["shared", "dev", "uat", "prod"];

describe("affectedStacks", () => {
  it.each([
    [["Pulumi.uat.yaml"], ["uat"]],
    [["policies/config/prod.json"], ["prod"]],
    [
      ["Pulumi.prod.yaml", "Pulumi.uat.yaml", "policies/config/uat.json"],
      ["uat", "prod"],
    ],
    [["components/ray/rayCluster.ts"], STACKS],
    [["Pulumi.uat.yaml", "README.md"], STACKS],
    [["Pulumi.yaml"], STACKS],
    [["policies/index.ts"], STACKS],
    [["package-lock.json"], STACKS],
    // A stack without a stack file is not one of the stacks: its files are like any other file.
    [["Pulumi.staging.yaml"], STACKS],
    [["sub/Pulumi.dev.yaml"], STACKS],
    [[], []],
  ])("%j -> %j", (changed, expected) => {
    expect(affectedStacks(changed, STACKS)).toEqual(expected);
  });
});

describe("promotedStacks", () => {
  it.each([
    [["Pulumi.uat.yaml"], ["uat"]],
    [
      ["Pulumi.prod.yaml", "Pulumi.uat.yaml", "components/ray/rayCluster.ts"],
      ["uat", "prod"],
    ],
    [["policies/config/prod.json"], []],
    [["components/ray/rayCluster.ts"], []],
  ])("%j -> %j", (changed, expected) => {
    expect(promotedStacks(changed, STACKS)).toEqual(expected);
  });
});

describe("npm run affected-stacks", () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "affected-stacks-"));
  for (const stack of ["shared", "dev", "uat"]) fs.writeFileSync(path.join(project, `Pulumi.${stack}.yaml`), "config: {}\n");
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));
  const seen: string[] = [];
  const changes = (files: string[]) => (base: string) => {
    seen.push(base);
    return files;
  };

  it("lists the affected and promoted stacks among those with a stack file, since HEAD^1 by default", () => {
    const result = runAffectedStacks([], project, changes(["Pulumi.uat.yaml", "Pulumi.prod.yaml"]));
    expect(result).toEqual({
      exitCode: 0,
      stdout: [
        "affected-stacks: 2 file(s) changed since HEAD^1; stacks with a stack file: shared dev uat",
        "affected: shared dev uat",
        "promoted: uat",
        "",
      ].join("\n"),
      stderr: "",
    });
    expect(seen).toEqual(["HEAD^1"]);
  });

  it("sets an output variable per stack of the pipeline with --pipeline", () => {
    const result = runAffectedStacks(["--base", "origin/main", "--pipeline"], project, changes(["Pulumi.uat.yaml"]));
    expect(result.stdout.split("\n").slice(1)).toEqual([
      "affected: uat",
      "promoted: uat",
      "##vso[task.setvariable variable=affected_shared;isOutput=true]false",
      "##vso[task.setvariable variable=promoted_shared;isOutput=true]false",
      "##vso[task.setvariable variable=affected_dev;isOutput=true]false",
      "##vso[task.setvariable variable=promoted_dev;isOutput=true]false",
      "##vso[task.setvariable variable=affected_uat;isOutput=true]true",
      "##vso[task.setvariable variable=promoted_uat;isOutput=true]true",
      "##vso[task.setvariable variable=affected_prod;isOutput=true]false",
      "##vso[task.setvariable variable=promoted_prod;isOutput=true]false",
      "",
    ]);
    expect(seen.at(-1)).toBe("origin/main");
    expect(stackVariable("promoted", "eu-prod")).toBe("promoted_eu_prod");
  });

  it("exits 2 when git cannot list the changes, and on an unknown option", () => {
    const failing = () => {
      throw Object.assign(new Error("Command failed"), { stderr: "fatal: bad revision 'HEAD^1'\n" });
    };
    expect(runAffectedStacks([], project, failing)).toEqual({
      exitCode: 2,
      stdout: "",
      stderr:
        "affected-stacks: git cannot list the changes since HEAD^1 (fatal: bad revision 'HEAD^1'); a checkout needs that commit (fetchDepth: 2 or more)\n",
    });
    expect(runAffectedStacks(["--stack", "dev"], project, changes([]))).toEqual({
      exitCode: 2,
      stdout: "",
      stderr: "Unknown option '--stack'\nusage: npm run affected-stacks -- [--base REF] [--pipeline]   (REF defaults to HEAD^1)\n",
    });
  });

  it("reads the changes from git in a real checkout", () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), "affected-stacks-git-"));
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], { cwd: repo });
    try {
      fs.writeFileSync(path.join(repo, "Pulumi.dev.yaml"), "config: {}\n");
      fs.writeFileSync(path.join(repo, "Pulumi.uat.yaml"), "config: {}\n");
      git("init", "-q");
      git("add", ".");
      git("commit", "-qm", "one");
      fs.writeFileSync(path.join(repo, "Pulumi.uat.yaml"), "config: {a: 1}\n");
      git("commit", "-qam", "promote");
      expect(runAffectedStacks([], repo).stdout.split("\n").slice(0, 3)).toEqual([
        "affected-stacks: 1 file(s) changed since HEAD^1; stacks with a stack file: dev uat",
        "affected: uat",
        "promoted: uat",
      ]);
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });
});
