/**
 * `npm run plan`: run the program offline, prove every resource against its
 * upstream schema, run the policy pack, and write `out/<stack>/`.
 */
import * as path from "path";
import type { Policies } from "@pulumi/policy";
import { isStackConfigError } from "../config/errors";
import { DEFAULT_ENFORCEMENT_LEVEL, POLICIES } from "../policies/pack";
import { policyConfigPath, readPolicyConfig } from "../policies/policyConfig";
import { PolicyReport, resourcesFromPreview, runPolicies } from "../policies/runner";
import { SchemaReport, validateResources } from "../validation/validateResources";
import { formatFinding } from "../validation/finding";
import { duplicateObjectFindings } from "./duplicateObjects";
import { Manifest, renderManifests } from "./manifests";
import { PLAN_MARKER, PlanFile, writePlanFolder } from "./planFolder";
import { buildPreview, PreviewDiagnostic, PreviewDocument } from "./preview";
import { ProgramRun, runProgram } from "./runProgram";
import { referencedStackOutputs, StackOutputsByName } from "./sharedStackOutputs";
import { buildPlanConfig, ConfigOverride, PlanConfig } from "./stackConfigFile";

export const EXIT_OK = 0;
export const EXIT_POLICY = 1;
export const EXIT_INVALID_INPUT = 2;
export const EXIT_SCHEMA = 3;

export interface OfflinePlanOptions {
  readonly projectDir: string;
  readonly stack: string;
  readonly overrides: readonly ConfigOverride[];
  /**
   * Where `<stack>/preview.json` and `<stack>/manifests/` go; nothing is written when undefined, and nothing
   * changes there unless the plan exits 0.
   */
  readonly outDir?: string;
  readonly program: () => unknown;
  /** @default the pack's POLICIES */
  readonly policies?: Policies;
  /** Further files of `<out>/<stack>/` computed from the preview (a baseline comparison); written with the rest. */
  readonly extraFiles?: (preview: PreviewDocument) => readonly PlanFile[];
}

export type OfflinePlanResult =
  | { readonly kind: "invalid-config"; readonly exitCode: number; readonly message: string }
  | {
      readonly kind: "planned";
      readonly exitCode: number;
      readonly planConfig: PlanConfig;
      /** What the stack's StackReferences read, by referenced name: offline, the referenced stacks' own outputs. */
      readonly stackOutputs: StackOutputsByName;
      readonly run: ProgramRun;
      readonly schema: SchemaReport;
      readonly policy: PolicyReport;
      readonly preview: PreviewDocument;
      readonly manifestCount: number;
      /** Files the program generates for other repositories (stack output `generatedFiles`), by relative path. */
      readonly generatedFiles: Record<string, string>;
    };

/** The stack output that carries files for other repositories: `{ "<relative path>": "<content>" }`. */
export const GENERATED_FILES_OUTPUT = "generatedFiles";

export async function offlinePlan(options: OfflinePlanOptions): Promise<OfflinePlanResult> {
  const planConfig = buildPlanConfig(options.projectDir, options.stack, options.overrides);
  const policyConfig = readPolicyConfig(policyConfigPath(options.projectDir, options.stack), false);
  let run: ProgramRun;
  let stackOutputs: StackOutputsByName;
  try {
    stackOutputs = await referencedStackOutputs(options.projectDir, options.stack, planConfig, options.program);
    run = await runProgram({
      stack: options.stack,
      config: planConfig.config,
      secretKeys: planConfig.secretKeys,
      program: options.program,
      stackOutputs,
    });
  } catch (err) {
    if (isStackConfigError(err)) return { kind: "invalid-config", exitCode: EXIT_INVALID_INPUT, message: err.message };
    throw err;
  }
  const validated = validateResources(run.resources);
  const schema = { ...validated, findings: [...validated.findings, ...duplicateObjectFindings(run.resources)] };
  const unmaskedPreview = buildPreview(run, planConfig.config, planConfig.secretKeys);
  const policy = await runPolicies(resourcesFromPreviewRun(run), {
    policies: options.policies ?? POLICIES,
    packEnforcementLevel: DEFAULT_ENFORCEMENT_LEVEL,
    config: policyConfig,
  });
  const diagnostics: PreviewDiagnostic[] = [
    ...schema.findings.map((f) => ({ severity: "error" as const, message: `schema: ${formatFinding(f)}` })),
    ...policy.violations.map((v) => ({
      ...(v.urn ? { urn: v.urn } : {}),
      severity: v.enforcementLevel === "mandatory" ? ("error" as const) : ("warning" as const),
      message: `[${v.enforcementLevel}] ${v.policyName}: ${v.message}`,
    })),
  ];
  const preview = { ...unmaskedPreview, diagnostics };
  const manifests = renderManifests(run.resources);
  const generatedFiles = generatedFilesOf(run);
  const mandatory = policy.violations.some((v) => v.enforcementLevel === "mandatory");
  const exitCode = schema.findings.length > 0 ? EXIT_SCHEMA : mandatory ? EXIT_POLICY : EXIT_OK;
  // A refused plan leaves the last good one in place; its findings are in the result and the summary.
  if (options.outDir && exitCode === EXIT_OK) {
    const files = [...planFiles(preview, manifests, generatedFiles), ...(options.extraFiles?.(preview) ?? [])];
    writePlanFolder(options.outDir, options.stack, files);
  }
  return {
    kind: "planned",
    exitCode,
    planConfig,
    stackOutputs,
    run,
    schema,
    policy,
    preview,
    manifestCount: manifests.length,
    generatedFiles,
  };
}

/** The files of `<out>/<stack>/`: preview.json, the manifests, the generated files. */
function planFiles(preview: PreviewDocument, manifests: readonly Manifest[], generatedFiles: Record<string, string>): PlanFile[] {
  return [
    { path: "preview.json", content: `${JSON.stringify(preview, null, 2)}\n` },
    ...manifests.map((m) => ({ path: `manifests/${m.path}`, content: m.yaml })),
    ...Object.entries(generatedFiles).map(([relative, content]) => ({ path: relative, content })),
  ];
}

/** Reads the `generatedFiles` output; refuses paths that would leave the stack's out folder. */
function generatedFilesOf(run: ProgramRun): Record<string, string> {
  const value = run.outputs[GENERATED_FILES_OUTPUT];
  if (value === undefined) return {};
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new Error(`stack output ${GENERATED_FILES_OUTPUT} must map paths to file contents`);
  const files: Record<string, string> = {};
  for (const relative of Object.keys(value).sort()) {
    const content = (value as Record<string, unknown>)[relative];
    const normal = path.posix.normalize(relative);
    if (
      normal.startsWith("..") ||
      path.posix.isAbsolute(normal) ||
      normal === "preview.json" ||
      normal === PLAN_MARKER ||
      normal.startsWith("manifests/")
    ) {
      throw new Error(
        `stack output ${GENERATED_FILES_OUTPUT}: path "${relative}" must stay inside out/<stack>/ and not replace the plan's own files`,
      );
    }
    if (typeof content !== "string") throw new Error(`stack output ${GENERATED_FILES_OUTPUT}: "${relative}" must be text`);
    files[normal] = content;
  }
  return files;
}

/** Policies see the plan exactly as they would see it read back from preview.json. */
function resourcesFromPreviewRun(run: ProgramRun) {
  return resourcesFromPreview({
    steps: run.resources.map((r) => ({
      op: "create",
      urn: r.urn,
      newState: { urn: r.urn, type: r.type, parent: r.parent, protect: r.protect, dependencies: r.dependencies, inputs: r.plainInputs },
    })),
  });
}
