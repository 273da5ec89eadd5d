/**
 * The offline plan's `preview.json`, in the shape `pulumi preview --json`
 * prints: `steps[]` with `op`, `urn` and `newState` (`type`, `urn`, `parent`,
 * `inputs`), secrets as "[secret]". Steps are sorted by URN so two runs of
 * the same commit write identical bytes.
 */
import { ProgramRun } from "./runProgram";
import { SECRET_MASK } from "./secrets";

export interface PreviewState {
  readonly urn: string;
  readonly custom: boolean;
  readonly type: string;
  readonly parent?: string;
  readonly protect?: boolean;
  readonly dependencies?: string[];
  readonly importId?: string;
  readonly inputs: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
}

export interface PreviewStep {
  readonly op: "create" | "import";
  readonly urn: string;
  readonly newState: PreviewState;
}

export interface PreviewDiagnostic {
  readonly urn?: string;
  readonly severity: "error" | "warning" | "info";
  readonly message: string;
}

export interface PreviewDocument {
  readonly config: Record<string, string>;
  readonly steps: PreviewStep[];
  readonly diagnostics: PreviewDiagnostic[];
  readonly changeSummary: Record<string, number>;
}

export function buildPreview(
  run: ProgramRun,
  config: Readonly<Record<string, string>>,
  secretKeys: readonly string[],
  diagnostics: readonly PreviewDiagnostic[] = [],
): PreviewDocument {
  const secret = new Set(secretKeys);
  const maskedConfig: Record<string, string> = {};
  for (const key of Object.keys(config).sort()) maskedConfig[key] = secret.has(key) ? SECRET_MASK : config[key];
  const steps = [...run.resources]
    .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0))
    .map((r): PreviewStep => {
      const isStack = r.type === "pulumi:pulumi:Stack";
      const newState: PreviewState = {
        urn: r.urn,
        custom: r.custom,
        type: r.type,
        ...(r.parent ? { parent: r.parent } : {}),
        ...(r.protect ? { protect: true } : {}),
        ...(r.dependencies.length > 0 ? { dependencies: r.dependencies } : {}),
        ...(r.importId ? { importId: r.importId } : {}),
        inputs: r.inputs,
        ...(isStack ? { outputs: run.outputs } : {}),
      };
      return { op: r.importId ? "import" : "create", urn: r.urn, newState };
    });
  const changeSummary: Record<string, number> = {};
  for (const s of steps) changeSummary[s.op] = (changeSummary[s.op] ?? 0) + 1;
  return { config: maskedConfig, steps, diagnostics: [...diagnostics], changeSummary };
}
