/**
 * `npm run promote`: moves a tested release from one stack's file to the next stack's. Computes everything
 * (the release, the edited target file, the two plans of the target and their diff) and writes nothing; the
 * caller writes the target file only when nothing refused.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stackConfigFromStrings } from "../config/parse";
import type { Release, ReleaseKey } from "../config/release";
import { Environment, ENVIRONMENTS, StackConfig } from "../config/stackConfig";
import type { StackRole } from "../config/stackRole";
import { policyConfigPath } from "../policies/policyConfig";
import { offlinePlan, OfflinePlanResult } from "../plan/offlinePlan";
import { PROJECT_NAME } from "../config/projectName";
import { buildPlanConfig, stackFilePath } from "../plan/stackConfigFile";
import { PromoteInputError, PromoteRefusal } from "./errors";
import { diffPlans, ResourceChange } from "./planDiff";
import { changesBeyondRelease, RELEASE_FIELDS, ReleaseField } from "./releaseFields";
import { releaseToPromote } from "./releaseSource";
import { writeRelease } from "./stackFileRelease";

export interface PromoteOptions {
  readonly projectDir: string;
  readonly from: string;
  readonly to: string;
  /** `--release FILE`: its name as given and its text. */
  readonly releaseFile?: { readonly name: string; readonly text: string };
  readonly program: () => unknown;
  /** @default RELEASE_FIELDS */
  readonly allowed?: readonly ReleaseField[];
}

export interface Promotion {
  readonly from: string;
  readonly to: string;
  readonly release: Release;
  readonly targetFile: string;
  /** The target stack file's text as the promotion read it. */
  readonly original: string;
  /** The target stack file's text with the release written in. */
  readonly text: string;
  /** The release keys whose value in the target file changes. */
  readonly written: readonly ReleaseKey[];
  /** The target's plan, before the release against after it. */
  readonly changes: readonly ResourceChange[];
}

/** Where a stack stands in the promotion order: its `environment` and `role` config. */
export interface StackPlace {
  readonly stack: string;
  readonly environment: Environment;
  readonly role: StackRole;
}

/**
 * A release moves one step at a time along the environments (config/stackConfig.ts ENVIRONMENTS: dev, uat, prod), or
 * to another stack of the same environment; never past one, never back, never into or out of the shared stack.
 */
export function checkPromotionOrder(from: StackPlace, to: StackPlace): void {
  for (const place of [from, to]) {
    if (place.role === "shared") {
      throw new PromoteInputError(
        `${place.stack} is the shared stack (role shared): it runs no release; a release moves between environment stacks`,
      );
    }
  }
  const i = ENVIRONMENTS.indexOf(from.environment);
  const next = ENVIRONMENTS.slice(i, i + 2);
  if (!next.includes(to.environment)) {
    throw new PromoteInputError(
      `a release of ${from.stack} (environment ${from.environment}) moves to a stack of environment ${next.join(" or ")}, ` +
        `not to ${to.stack} (environment ${to.environment}): releases move ${ENVIRONMENTS.join(" -> ")}, one step at a time`,
    );
  }
}

type Planned = Extract<OfflinePlanResult, { kind: "planned" }>;

function validatedConfig(projectDir: string, stack: string, why: string): StackConfig {
  const plan = buildPlanConfig(projectDir, stack, []);
  const result = stackConfigFromStrings(plan.config, PROJECT_NAME, plan.secretKeys, stack);
  if (!result.ok) {
    throw new PromoteRefusal(
      `${stack}'s config is not valid, so ${why}; nothing was written. Fix Pulumi.${stack}.yaml first:\n` +
        result.problems.map((p) => `  - ${p}`).join("\n"),
    );
  }
  return result.config;
}

/** The schema findings and every policy violation (advisory ones too: a clean plan has none). */
function findingsOf(plan: Planned): string[] {
  return plan.preview.diagnostics.map((d) => d.message);
}

/** The plan, or a refusal that says whose plan failed and how. */
function cleanPlan(result: OfflinePlanResult, what: string): Planned {
  if (result.kind === "invalid-config")
    throw new PromoteRefusal(`${what} is refused by its config; nothing was written:\n${result.message}`);
  const findings = findingsOf(result);
  if (findings.length > 0) {
    throw new PromoteRefusal(`${what} is not clean; nothing was written:\n${findings.map((f) => `  - ${f}`).join("\n")}`);
  }
  return result;
}

/**
 * Plans `stack` as if its stack file held `text`: in a scratch copy of the project's stack files and policy configs
 * (another stack's file may feed this one's plan), with only that one file replaced. The project is not touched.
 */
async function planStackText(options: PromoteOptions, stack: string, text: string): Promise<OfflinePlanResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "promote-"));
  try {
    for (const file of fs.readdirSync(options.projectDir).filter((f) => /^Pulumi(\.[^.]+)?\.yaml$/.test(f))) {
      fs.copyFileSync(path.join(options.projectDir, file), path.join(dir, file));
    }
    const policyConfigs = path.dirname(policyConfigPath(options.projectDir, stack));
    if (fs.existsSync(policyConfigs)) fs.cpSync(policyConfigs, path.dirname(policyConfigPath(dir, stack)), { recursive: true });
    fs.writeFileSync(stackFilePath(dir, stack), text);
    return await offlinePlan({ projectDir: dir, stack, overrides: [], program: options.program });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Computes the promotion; throws {@link PromoteRefusal} when anything refuses it. Writes nothing. */
export async function promote(options: PromoteOptions): Promise<Promotion> {
  const { projectDir, from, to } = options;
  if (from === to) throw new PromoteInputError(`--from and --to are both "${from}": a release moves from one stack to another`);
  // Both stack files are read, and the order checked, before anything is planned.
  for (const stack of [from, to]) buildPlanConfig(projectDir, stack, []);
  const source = validatedConfig(projectDir, from, "it has no tested release");
  const target = validatedConfig(projectDir, to, "there is nothing to compare the release with");
  checkPromotionOrder({ stack: from, ...source }, { stack: to, ...target });
  const release = releaseToPromote({
    stack: from,
    stackFile: path.basename(stackFilePath(projectDir, from)),
    config: source,
    releaseFile: options.releaseFile,
  });
  cleanPlan(await offlinePlan({ projectDir, stack: from, overrides: [], program: options.program }), `${from}'s offline plan`);

  const targetFile = stackFilePath(projectDir, to);
  const before = fs.readFileSync(targetFile, "utf8");
  const edit = writeRelease(before, path.basename(targetFile), PROJECT_NAME, release);
  const planBefore = await offlinePlan({ projectDir, stack: to, overrides: [], program: options.program });
  if (planBefore.kind === "invalid-config") {
    throw new PromoteRefusal(
      `${to}'s config is not valid before the release, so there is nothing to compare with; nothing was written:\n${planBefore.message}`,
    );
  }
  const planAfter = cleanPlan(await planStackText(options, to, edit.text), `${to}'s offline plan with the release of ${from}`);
  const changes = diffPlans(planBefore.run, planAfter.run);
  const beyond = changesBeyondRelease(changes, options.allowed ?? RELEASE_FIELDS);
  if (beyond.length > 0) {
    throw new PromoteRefusal(
      [
        `the release of ${from} would change ${to} beyond the release (promote/releaseFields.ts lists what a release may change); nothing was written:`,
        ...beyond,
      ].join("\n"),
    );
  }
  return { from, to, release, targetFile, original: before, text: edit.text, written: edit.written, changes };
}

/**
 * Writes the target stack file through a temporary file beside it, so a reader sees the old file or the new one;
 * refuses when the file changed since the promotion read it (its plans were of the old text).
 */
export function writePromotion(promotion: Promotion): void {
  if (promotion.written.length === 0) return;
  if (fs.readFileSync(promotion.targetFile, "utf8") !== promotion.original) {
    throw new PromoteRefusal(
      `${path.basename(promotion.targetFile)} changed while the promotion was planned; nothing was written, run it again`,
    );
  }
  const tmp = `${promotion.targetFile}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, promotion.text);
    fs.renameSync(tmp, promotion.targetFile);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
