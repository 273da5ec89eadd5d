/**
 * npm run affected-stacks -- [--base REF] [--pipeline]
 *
 * Which stacks a change touches, from the files changed between REF (default `HEAD^1`) and HEAD:
 *
 * - affected (previewed on a pull request): every stack when anything but a stack's own files changed (code,
 *   policies, Pulumi.yaml, the lockfile reach every stack), else the stacks whose `Pulumi.<stack>.yaml` or
 *   `policies/config/<stack>.json` changed;
 * - promoted (deployed on the protected branch, where uat and prod move only by promotion): the stacks whose
 *   `Pulumi.<stack>.yaml` changed, which is what `npm run promote` writes.
 *
 * A pull request's build checks out the merge commit, whose first parent is the target branch, and a push to the
 * protected branch is a merge too: `HEAD^1..HEAD` is the change in both. Only stacks with a stack file count.
 * `--pipeline` also sets the output variables `affected_<stack>` and `promoted_<stack>` (`true`/`false`; a `-`
 * in a stack name becomes `_`) that the later stages of azure-pipelines.yml read.
 *
 * Exit codes: 0 answered; 2 bad arguments, or git could not list the changes.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { DEFAULT_DEPLOYMENT_STACKS } from "../config/sections/deployments";

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const USAGE = "usage: npm run affected-stacks -- [--base REF] [--pipeline]   (REF defaults to HEAD^1)";
export const DEFAULT_BASE = "HEAD^1";

/** The files that belong to one stack alone: its stack file and its policy config. */
export function stackFiles(stack: string): { readonly stackFile: string; readonly policyConfig: string } {
  return { stackFile: `Pulumi.${stack}.yaml`, policyConfig: `policies/config/${stack}.json` };
}

/** The stacks a change must be previewed on, in the order given. */
export function affectedStacks(changedFiles: readonly string[], stacks: readonly string[]): string[] {
  const owner = new Map<string, string>();
  for (const stack of stacks) {
    const { stackFile, policyConfig } = stackFiles(stack);
    owner.set(stackFile, stack).set(policyConfig, stack);
  }
  if (changedFiles.some((file) => !owner.has(file))) return [...stacks];
  return stacks.filter((stack) => changedFiles.some((file) => owner.get(file) === stack));
}

/** The stacks whose stack file the change writes: a promotion to them, in the order given. */
export function promotedStacks(changedFiles: readonly string[], stacks: readonly string[]): string[] {
  return stacks.filter((stack) => changedFiles.includes(stackFiles(stack).stackFile));
}

/** The name of a stack's output variable: Azure Pipelines variable names take letters, digits, `_` and `.`. */
export function stackVariable(kind: "affected" | "promoted", stack: string): string {
  return `${kind}_${stack.replace(/-/g, "_")}`;
}

export interface AffectedResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type ChangedFiles = (base: string) => string[];

/** `git diff --name-only` with renames split into the old path and the new one, both of which changed. */
export function gitChangedFiles(projectDir: string): ChangedFiles {
  return (base) =>
    execFileSync("git", ["diff", "--name-only", "--no-renames", base, "HEAD", "--"], {
      cwd: projectDir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    })
      .split("\n")
      .filter((line) => line !== "");
}

export function runAffectedStacks(
  argv: readonly string[],
  projectDir: string,
  changedFiles: ChangedFiles = gitChangedFiles(projectDir),
): AffectedResult {
  let values: { base?: string; pipeline?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { base: { type: "string" }, pipeline: { type: "boolean" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { exitCode: EXIT_USAGE, stdout: "", stderr: `${(err as Error).message}\n${USAGE}\n` };
  }
  const base = values.base ?? DEFAULT_BASE;
  let changed: string[];
  try {
    changed = changedFiles(base);
  } catch (err) {
    const detail = String((err as { stderr?: unknown }).stderr ?? (err as Error).message).trim();
    return {
      exitCode: EXIT_USAGE,
      stdout: "",
      stderr: `affected-stacks: git cannot list the changes since ${base} (${detail}); a checkout needs that commit (fetchDepth: 2 or more)\n`,
    };
  }
  const stacks = DEFAULT_DEPLOYMENT_STACKS.filter((stack) => fs.existsSync(path.join(projectDir, stackFiles(stack).stackFile)));
  const affected = affectedStacks(changed, stacks);
  const promoted = promotedStacks(changed, stacks);
  const list = (names: readonly string[]) => (names.length === 0 ? "(none)" : names.join(" "));
  const lines = [
    `affected-stacks: ${changed.length} file(s) changed since ${base}; stacks with a stack file: ${list(stacks)}`,
    `affected: ${list(affected)}`,
    `promoted: ${list(promoted)}`,
  ];
  if (values.pipeline) {
    for (const stack of DEFAULT_DEPLOYMENT_STACKS) {
      lines.push(`##vso[task.setvariable variable=${stackVariable("affected", stack)};isOutput=true]${affected.includes(stack)}`);
      lines.push(`##vso[task.setvariable variable=${stackVariable("promoted", stack)};isOutput=true]${promoted.includes(stack)}`);
    }
  }
  return { exitCode: EXIT_OK, stdout: `${lines.join("\n")}\n`, stderr: "" };
}

if (require.main === module) {
  const result = runAffectedStacks(process.argv.slice(2), path.resolve(__dirname, ".."));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exit(result.exitCode);
}
