/**
 * The difference between two offline plans of one stack, resource by resource and field by field, as
 * `npm run promote` prints it. Inputs are compared as `pulumi preview --json` shows them (secrets already
 * "[secret]"), so no secret value can reach the diff; the stack's outputs count as the fields of its Stack resource.
 */
import { isDeepStrictEqual } from "util";
import type { ProgramRun } from "../plan/runProgram";
import { isPlainObject } from "../config/plainObject";

export interface FieldChange {
  /** e.g. `spec.rayClusterConfig.workerGroupSpecs[gpu-worker-group].template.spec.containers[ray-worker].image`. */
  readonly path: string;
  /** Undefined when the field is added. */
  readonly before: unknown;
  /** Undefined when the field is removed. */
  readonly after: unknown;
}

export interface ResourceChange {
  readonly op: "create" | "delete" | "update";
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** The changed fields of an update; empty for a create or delete. */
  readonly fields: readonly FieldChange[];
}

/** A resource as the differ sees it. */
interface DiffedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly fields: Record<string, unknown>;
}

export const STACK_TYPE = "pulumi:pulumi:Stack";

/** Fields that name a list item, so a path says `containers[ray-worker]` instead of an index that shifts. */
const ITEM_KEYS = ["name", "groupName"] as const;

function resourcesOf(run: ProgramRun): DiffedResource[] {
  return run.resources.map((r) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    fields: r.type === STACK_TYPE ? { outputs: run.outputs } : r.inputs,
  }));
}

function keySegment(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** The names of a list's items, when every item has one and no two share it. */
function itemNames(list: readonly unknown[]): string[] | undefined {
  for (const field of ITEM_KEYS) {
    const names = list.map((item) => (isPlainObject(item) && typeof item[field] === "string" ? item[field] : undefined));
    if (names.every((n): n is string => n !== undefined) && new Set(names).size === names.length) return names;
  }
  return undefined;
}

/** Lists of named items are compared by name when the names they share keep their order. */
function namedItems(before: readonly unknown[], after: readonly unknown[]): [string[], string[]] | undefined {
  const a = itemNames(before);
  const b = itemNames(after);
  if (!a || !b) return undefined;
  const shared = a.filter((n) => b.includes(n));
  return isDeepStrictEqual(
    shared,
    b.filter((n) => a.includes(n)),
  )
    ? [a, b]
    : undefined;
}

function diffValues(path: string, before: unknown, after: unknown, out: FieldChange[]): void {
  if (isDeepStrictEqual(before, after)) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      diffValues(`${path}${keySegment(key)}`, before[key], after[key], out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const named = namedItems(before, after);
    if (named) {
      const [a, b] = named;
      for (const name of [...a, ...b.filter((n) => !a.includes(n))]) {
        diffValues(`${path}[${name}]`, before[a.indexOf(name)], after[b.indexOf(name)], out);
      }
      return;
    }
    if (before.length === after.length) {
      before.forEach((item, i) => diffValues(`${path}[${i}]`, item, after[i], out));
      return;
    }
  }
  out.push({ path: path.startsWith(".") ? path.slice(1) : path, before, after });
}

/** What changes from the `before` plan to the `after` plan, in the after plan's registration order (deletes last). */
export function diffPlans(before: ProgramRun, after: ProgramRun): ResourceChange[] {
  const old = new Map(resourcesOf(before).map((r) => [r.urn, r]));
  const next = resourcesOf(after);
  const changes: ResourceChange[] = [];
  for (const r of next) {
    const was = old.get(r.urn);
    if (!was) {
      changes.push({ op: "create", urn: r.urn, type: r.type, name: r.name, fields: [] });
      continue;
    }
    const fields: FieldChange[] = [];
    diffValues("", was.fields, r.fields, fields);
    if (fields.length > 0) changes.push({ op: "update", urn: r.urn, type: r.type, name: r.name, fields });
  }
  const kept = new Set(next.map((r) => r.urn));
  for (const r of old.values()) if (!kept.has(r.urn)) changes.push({ op: "delete", urn: r.urn, type: r.type, name: r.name, fields: [] });
  return changes;
}

const OP_MARK: Readonly<Record<ResourceChange["op"], string>> = { create: "+", delete: "-", update: "~" };

function show(value: unknown): string {
  return value === undefined ? "(none)" : JSON.stringify(value);
}

export interface TextHunk {
  readonly removed: readonly string[];
  readonly added: readonly string[];
}

/** The lines a text change removes and adds, hunk by hunk, along the longest run of lines both sides keep. */
export function changedLines(before: string, after: string): TextHunk[] {
  const a = before.split("\n");
  const b = after.split("\n");
  // kept[i][j]: how many lines a[i..] and b[j..] keep in common.
  const kept = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) kept[i][j] = a[i] === b[j] ? kept[i + 1][j + 1] + 1 : Math.max(kept[i + 1][j], kept[i][j + 1]);
  }
  const hunks: TextHunk[] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const close = () => {
    if (removed.length + added.length > 0) hunks.push({ removed, added });
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      close();
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && kept[i + 1][j] >= kept[i][j + 1])) removed.push(a[i++]);
    else added.push(b[j++]);
  }
  close();
  return hunks;
}

const isText = (v: unknown): v is string => typeof v === "string" && v.includes("\n");

export function formatFieldChange(f: FieldChange): string[] {
  if (isText(f.before) && isText(f.after)) {
    const hunks = changedLines(f.before, f.after);
    return [`    ${f.path}:`, ...hunks.flatMap((h) => [...h.removed.map((l) => `      - ${l}`), ...h.added.map((l) => `      + ${l}`)])];
  }
  return [`    ${f.path}: ${show(f.before)} -> ${show(f.after)}`];
}

/** `~ <type> <name>` and one line per changed field (a text field: its changed lines), or "no changes". */
export function formatPlanDiff(changes: readonly ResourceChange[]): string[] {
  if (changes.length === 0) return ["  no changes"];
  return changes.flatMap((c) => [`  ${OP_MARK[c.op]} ${c.type} ${c.name}`, ...c.fields.flatMap(formatFieldChange)]);
}
