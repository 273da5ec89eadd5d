/**
 * Labels each RayService change with what KubeRay will do (components/ray/upgradeImpact.ts): against a
 * baseline plan (`npm run plan -- --baseline DIR`) or from a real `pulumi preview --json`
 * (`npm run ray-upgrade-impact`). Both read preview documents, whose steps carry the RayService's inputs.
 */
import * as fs from "fs";
import * as path from "path";
import type { PlanFile } from "./planFolder";
import { autoscalingNote, CLASS_LABEL, RayServiceLike, rayServiceUpgradeImpact, UpgradeImpact } from "../components/ray/upgradeImpact";

export const RAY_SERVICE_TYPE = "kubernetes:ray.io/v1:RayService";
/** Written next to preview.json when the plan has a baseline. */
export const IMPACT_FILE = "ray-upgrade-impact.json";

export class PreviewReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PreviewReadError";
  }
}

interface StepState {
  readonly type?: string;
  readonly urn?: string;
  readonly inputs?: Record<string, unknown>;
}

interface Step {
  readonly op?: string;
  readonly urn?: string;
  readonly oldState?: StepState;
  readonly newState?: StepState;
}

export interface PreviewJson {
  readonly steps: readonly Step[];
}

export interface RayServiceImpact {
  readonly urn: string;
  /** `<namespace>/<name>` in the cluster, from the new inputs (the old ones for a deletion). */
  readonly name: string;
  readonly impact: UpgradeImpact;
}

const k8sName = (...objects: (RayServiceLike | undefined)[]) => {
  const meta = objects.find((o) => o?.metadata?.name)?.metadata;
  return meta ? `${meta.namespace ?? "default"}/${meta.name}` : "?";
};

const SAVE_HINT = "save one with `pulumi preview --json --stack <stack> > preview.json`, or pass an offline plan's out/<stack>/";

/** Reads a preview document: a `preview.json` file, or a folder holding one (an offline plan's `out/<stack>/`). */
export function readPreviewJson(file: string): PreviewJson {
  let target = file;
  try {
    if (fs.statSync(file).isDirectory()) target = path.join(file, "preview.json");
  } catch {
    // Reported below by the read, with the path that was asked for.
  }
  let text: string;
  try {
    text = fs.readFileSync(target, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new PreviewReadError(`cannot read ${target} (${code}); ${SAVE_HINT}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PreviewReadError(`${target} is not JSON (${(err as Error).message}); ${SAVE_HINT}`);
  }
  const steps = (doc as { steps?: unknown } | null)?.steps;
  if (!doc || typeof doc !== "object" || !Array.isArray(steps) || steps.some((s) => !s || typeof s !== "object")) {
    throw new PreviewReadError(`${target} is not a preview document: expected an object with a "steps" array; ${SAVE_HINT}`);
  }
  return doc as PreviewJson;
}

const typeOf = (s: Step) => s.newState?.type ?? s.oldState?.type;
const asRayService = (inputs: Record<string, unknown> | undefined) => inputs as RayServiceLike | undefined;

/** The RayServices of a plan (their `newState.inputs`), by URN. */
export function rayServicesOf(doc: PreviewJson): Map<string, RayServiceLike> {
  const out = new Map<string, RayServiceLike>();
  for (const s of doc.steps) {
    if (typeOf(s) !== RAY_SERVICE_TYPE || !s.newState?.inputs) continue;
    out.set(String(s.newState.urn ?? s.urn), s.newState.inputs as RayServiceLike);
  }
  return out;
}

/** Each RayService of the current plan against the same URN in the baseline plan. */
export function compareWithBaseline(baseline: PreviewJson, current: PreviewJson): RayServiceImpact[] {
  const before = rayServicesOf(baseline);
  const after = rayServicesOf(current);
  const urns = [...new Set([...before.keys(), ...after.keys()])].sort();
  return urns.map((urn) => ({
    urn,
    name: k8sName(after.get(urn), before.get(urn)),
    impact: rayServiceUpgradeImpact(before.get(urn), after.get(urn)),
  }));
}

const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced"]);

/** The RayService steps of a real `pulumi preview --json`: update steps carry old and new inputs. */
export function impactsOfPreview(doc: PreviewJson, source: string): RayServiceImpact[] {
  const byUrn = new Map<string, RayServiceImpact>();
  for (const s of doc.steps) {
    if (typeOf(s) !== RAY_SERVICE_TYPE) continue;
    const urn = String(s.urn ?? s.newState?.urn ?? s.oldState?.urn);
    const op = String(s.op);
    let impact: UpgradeImpact;
    if (REPLACE_OPS.has(op)) {
      impact = {
        op: "replace",
        label: "replaced: Pulumi deletes the RayService and its RayClusters and creates a new one (outage, not a zero-downtime upgrade)",
        changes: [],
      };
    } else if (op === "create") impact = rayServiceUpgradeImpact(undefined, asRayService(s.newState?.inputs));
    else if (op === "delete") impact = rayServiceUpgradeImpact(asRayService(s.oldState?.inputs), undefined);
    else if (op === "update") {
      if (!s.oldState?.inputs || !s.newState?.inputs) {
        throw new PreviewReadError(`${source}: the update of ${urn} has no oldState.inputs or newState.inputs; ${SAVE_HINT}`);
      }
      impact = rayServiceUpgradeImpact(asRayService(s.oldState.inputs), asRayService(s.newState.inputs));
    } else if (op === "import" || op === "import-replacement") {
      impact = { op: "same", label: "imported: Pulumi adopts the live object; KubeRay sees no change", changes: [] };
    } else impact = { op: "same", label: "unchanged", changes: [] };
    const name = k8sName(asRayService(s.newState?.inputs), asRayService(s.oldState?.inputs));
    if (!byUrn.has(urn) || impact.op === "replace") byUrn.set(urn, { urn, name, impact });
  }
  return [...byUrn.values()].sort((a, b) => (a.urn < b.urn ? -1 : 1));
}

const shortName = (urn: string) => urn.split("::").pop() ?? urn;

/** Lines for one labelled RayService: the label, then each changed field with its class and reason. */
export function formatImpacts(impacts: readonly RayServiceImpact[]): string[] {
  const lines: string[] = [];
  for (const { urn, name, impact } of impacts) {
    lines.push(`RayService ${name} (${shortName(urn)}): ${impact.label}`);
    for (const c of impact.changes) lines.push(`  ${CLASS_LABEL[c.class].padEnd(25)} ${c.path}: ${c.why}`);
  }
  return lines;
}

/** The autoscaling notes of the current plan's RayServices. */
export function autoscalingNotes(current: PreviewJson): string[] {
  return [...rayServicesOf(current)]
    .map(([urn, rs]) => {
      const note = autoscalingNote(rs);
      return note && `RayService ${k8sName(rs)} (${shortName(urn)}): ${note}`;
    })
    .filter((n): n is string => Boolean(n));
}

/** The baseline comparison as a file of the plan folder (`<out>/<stack>/ray-upgrade-impact.json`). */
export function impactFile(baseline: Baseline, current: PreviewJson): PlanFile {
  const impacts = compareWithBaseline(baseline.doc, current);
  const body = { baseline: baseline.source, rayServices: impacts.map(({ urn, name, impact }) => ({ urn, name, ...impact })) };
  return { path: IMPACT_FILE, content: `${JSON.stringify(body, null, 2)}\n` };
}

export interface Baseline {
  readonly source: string;
  readonly doc: PreviewJson;
}

/** Read before the plan runs: the baseline may be the very folder the plan is about to rewrite. */
export function loadBaseline(dir: string): Baseline {
  return { source: dir, doc: readPreviewJson(dir) };
}

/** The plan summary's RayService lines; `writtenTo` names the impact file when the plan wrote one. */
export function planUpgradeReport(current: PreviewJson, baseline: Baseline | undefined, writtenTo: string | undefined): string[] {
  const lines = autoscalingNotes(current);
  if (baseline) {
    const impacts = compareWithBaseline(baseline.doc, current);
    lines.push(`Against the baseline ${baseline.source}:`, ...formatImpacts(impacts).map((l) => `  ${l}`));
    if (writtenTo) lines.push(`  (written to ${writtenTo})`);
  }
  return lines.length > 0 ? ["", "KubeRay:", ...lines.map((l) => `  ${l}`)] : [];
}
