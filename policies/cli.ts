/**
 * npm run policy -- FILE|- [--stack NAME] [--config FILE]
 *
 * Runs the policy pack over a preview document: the offline plan's
 * `out/<stack>/preview.json`, or a real `pulumi preview --json --show-sames`
 * (`-` reads it from stdin). Enforcement comes from the stack's policy config,
 * `policies/config/<stack>.json`, as with `npm run plan`.
 *
 * Exit codes: 0 no mandatory violation; 1 a mandatory violation; 2 unreadable
 * input (file, JSON, preview shape, policy config or arguments), or a preview
 * the policies cannot evaluate: no steps, no resource to read, or a step that
 * is not a deletion but has no `newState` (a failed preview, or not `--json`).
 * Passing those would pass CI having checked nothing.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import type { PolicyPackConfig } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT_LEVEL, POLICIES, POLICY_PACK_NAME, PROGRAM_PROJECT } from "./pack";
import { PolicyConfigError, policyConfigPath, readPolicyConfig } from "./policyConfig";
import { GONE_OPS, PolicyReport, resourcesFromPreview, runPolicies } from "./runner";

export const EXIT_OK = 0;
export const EXIT_POLICY = 1;
export const EXIT_INVALID_INPUT = 2;

export const USAGE = "usage: npm run policy -- FILE|- [--stack NAME] [--config FILE]";

const PROJECT_DIR = path.resolve(__dirname, "..");

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads all of stdin, for FILE `-`. */
  readonly readStdin: () => string;
  /** Where `policies/config/` is looked up; relative FILE and --config paths resolve against `cwd`. */
  readonly projectDir?: string;
  readonly cwd?: string;
}

class InputError extends Error {}

interface PreviewLike {
  steps: { op?: string; urn?: string; newState?: Record<string, unknown> }[];
  changeSummary?: Record<string, unknown>;
}

function readPreview(file: string, io: CliIo, cwd: string): { doc: PreviewLike; source: string } {
  let text: string;
  const source = file === "-" ? "stdin" : path.resolve(cwd, file);
  try {
    text = file === "-" ? io.readStdin() : fs.readFileSync(source, "utf8");
  } catch (err) {
    throw new InputError(`can't read ${source}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError(
      `${source} is not JSON (${(err as Error).message}); pass the output of \`pulumi preview --json\` or the offline plan's out/<stack>/preview.json`,
    );
  }
  const steps = (doc as { steps?: unknown } | null)?.steps;
  if (!doc || typeof doc !== "object" || !Array.isArray(steps) || steps.some((s) => !s || typeof s !== "object")) {
    throw new InputError(
      `${source} is not a preview document: expected an object with a "steps" array, as \`pulumi preview --json\` prints`,
    );
  }
  return { doc: doc as PreviewLike, source };
}

/** Steps that remove a resource: they carry only `oldState`, and there is nothing to check (as in runner.ts). */

const SAVE_HINT = "pass the JSON of a preview that succeeded, saved with `pulumi preview --json --show-sames`";

/**
 * Why the policies cannot evaluate this preview, or undefined when they can: no steps, no resource that could be
 * read, or steps (other than deletions) without the `newState` the policies read.
 */
export function unevaluableReason(doc: PreviewLike, source: string, readable: number): string | undefined {
  const steps = doc.steps;
  const sames = Number(doc.changeSummary?.same ?? 0);
  if (steps.length === 0) {
    const left = sames > 0 ? ` (its changeSummary counts ${sames} unchanged resources it leaves out)` : "";
    return `${source} has no steps${left}: no resource could be read, so no policy can be evaluated; ${SAVE_HINT}`;
  }
  const unreadable = steps.filter((s) => (s.newState === undefined || s.newState === null) && !GONE_OPS.has(String(s.op)));
  if (unreadable.length > 0) {
    const first = String(unreadable[0].urn ?? "(no urn)");
    return (
      `${source}: ${unreadable.length} of ${steps.length} steps have no newState (first: ${first}), so the policies cannot read ` +
      `${unreadable.length === 1 ? "that resource" : "those resources"}; ${SAVE_HINT}`
    );
  }
  if (readable === 0) {
    return `${source} has ${steps.length} steps, all deletions: no resource could be read, so no policy can be evaluated; ${SAVE_HINT}`;
  }
  return undefined;
}

/**
 * Why the preview is of another program, or undefined when every URN names this one
 * (`urn:pulumi:<stack>::face-ocr-platform::...`).
 */
export function foreignProjectReason(doc: PreviewLike, source: string): string | undefined {
  const foreign = new Map<string, string>();
  for (const step of doc.steps) {
    const urn = String(step.newState?.urn ?? step.urn ?? "");
    const m = /^urn:pulumi:[^:]+::([^:]+)::/.exec(urn);
    if (m && m[1] !== PROGRAM_PROJECT && !foreign.has(m[1])) foreign.set(m[1], urn);
  }
  if (foreign.size === 0) return undefined;
  const [project, urn] = [...foreign.entries()][0];
  return (
    `${source} is a preview of project "${project}" (${urn}), not of ${PROGRAM_PROJECT}: these policies are written for this program's resources ` +
    `and would pass another program without checking it; pass a preview of this program (\`pulumi preview --json --show-sames\` in this repository)`
  );
}

/** The stack named by the URNs (`urn:pulumi:<stack>::...`), when they name exactly one. */
export function stackOfPreview(doc: PreviewLike): string | undefined {
  const stacks = new Set<string>();
  for (const step of doc.steps) {
    const urn = String(step.newState?.urn ?? step.urn ?? "");
    const m = /^urn:pulumi:([^:]+)::/.exec(urn);
    if (m) stacks.add(m[1]);
  }
  return stacks.size === 1 ? [...stacks][0] : undefined;
}

export function formatReport(report: PolicyReport): string {
  const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const lines = [
    `Policies: ${report.policiesRun.length} run, ${mandatory} mandatory and ${report.violations.length - mandatory} advisory violations`,
  ];
  for (const v of report.violations) {
    lines.push(`  [${v.enforcementLevel}] ${v.policyName}: ${v.message}`);
    if (v.urn) lines.push(`      at ${v.urn}`);
  }
  return lines.join("\n");
}

export async function runPolicyCli(argv: readonly string[], io: CliIo): Promise<number> {
  const projectDir = io.projectDir ?? PROJECT_DIR;
  const cwd = io.cwd ?? process.cwd();
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { stack: { type: "string" }, config: { type: "string" }, help: { type: "boolean", default: false } },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${USAGE}\n`);
    return EXIT_INVALID_INPUT;
  }
  if (parsed.values.help) {
    io.stdout(`${USAGE}\n`);
    return EXIT_OK;
  }
  if (parsed.positionals.length !== 1) {
    io.stderr(`expected one preview file (or - for stdin), got ${parsed.positionals.length}\n${USAGE}\n`);
    return EXIT_INVALID_INPUT;
  }
  try {
    const { doc, source } = readPreview(parsed.positionals[0], io, cwd);
    const foreign = foreignProjectReason(doc, source);
    if (foreign !== undefined) throw new InputError(foreign);
    const inferred = stackOfPreview(doc);
    const stack = parsed.values.stack ?? inferred;
    let configFile: string | undefined;
    let config: PolicyPackConfig | undefined;
    if (parsed.values.config !== undefined) {
      configFile = path.resolve(cwd, parsed.values.config);
      config = readPolicyConfig(configFile, true);
    } else if (stack !== undefined) {
      configFile = policyConfigPath(projectDir, stack);
      config = readPolicyConfig(configFile, false);
    }
    const resources = resourcesFromPreview(doc);
    const unevaluable = unevaluableReason(doc, source, resources.length);
    if (unevaluable !== undefined) throw new InputError(unevaluable);
    const configText = config
      ? path.relative(cwd, configFile as string) || configFile
      : "none (every policy at the pack's level and defaults)";
    const stackText = stack === undefined ? "unknown" : parsed.values.stack === undefined ? `${stack} (from the URNs)` : stack;
    io.stdout(
      `Policy pack ${POLICY_PACK_NAME} on ${source}: ${resources.length} resources, stack ${stackText}, policy config ${configText}\n`,
    );
    const sames = Number(doc.changeSummary?.same ?? 0);
    if (sames > 0 && !doc.steps.some((s) => s.op === "same")) {
      io.stderr(
        `warning: the preview leaves out ${sames} unchanged resources; cross-resource checks (ray-version-lockstep) see only the changed ones. Save it with \`pulumi preview --json --show-sames\`.\n`,
      );
    }
    const report = await runPolicies(resources, { policies: POLICIES, packEnforcementLevel: DEFAULT_ENFORCEMENT_LEVEL, config });
    io.stdout(`${formatReport(report)}\n`);
    return report.violations.some((v) => v.enforcementLevel === "mandatory") ? EXIT_POLICY : EXIT_OK;
  } catch (err) {
    if (err instanceof InputError || err instanceof PolicyConfigError) {
      io.stderr(`${err.message}\n`);
      return EXIT_INVALID_INPUT;
    }
    throw err;
  }
}

if (require.main === module) {
  runPolicyCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: () => fs.readFileSync(0, "utf8"),
  }).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`policy check failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(70);
    },
  );
}
