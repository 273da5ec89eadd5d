/**
 * Reading resource props the way the engine hands them to a policy: wrapped
 * in `unknownCheckingProxy`, which throws on a value that is unknown during
 * preview. A policy that throws is reported as "can't run during preview" for
 * the whole resource; these readers instead turn one unknown field into
 * {@link UNKNOWN}, so a policy skips that field and still checks the rest.
 */
import { UnknownValueError } from "./proxy";

/** What the offline plan writes for a value a real preview would not know. */
export const OFFLINE_UNKNOWN = "[unknown]";
/** What a saved preview (`pulumi preview --json`, the offline plan's preview.json) writes for a secret. */
export const SECRET_MASK = "[secret]";

/** A field whose value is not known during preview. */
export const UNKNOWN: unique symbol = Symbol("unknown");

export type Key = string | number;

function isUnknownError(err: unknown): boolean {
  return err instanceof UnknownValueError || (err instanceof Error && err.constructor.name === "UnknownValueError");
}

/** `obj[key]`, or {@link UNKNOWN} when it can't be known during preview, or undefined when obj is not an object. */
export function get(obj: unknown, key: Key): unknown {
  if (obj === null || typeof obj !== "object") return undefined;
  try {
    const value = (obj as Record<Key, unknown>)[key];
    return value === OFFLINE_UNKNOWN ? UNKNOWN : value;
  } catch (err) {
    if (isUnknownError(err)) return UNKNOWN;
    throw err;
  }
}

/** Follows keys from obj; stops at the first missing or unknown step. */
export function getIn(obj: unknown, keys: readonly Key[]): unknown {
  let cur = obj;
  for (const key of keys) {
    if (cur === UNKNOWN) return UNKNOWN;
    cur = get(cur, key);
    if (cur === undefined || cur === null) return undefined;
  }
  return cur;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The elements of an array (each read through {@link get}); [] for anything else. */
export function items(value: unknown): unknown[] {
  if (!Array.isArray(value)) return [];
  const out: unknown[] = [];
  for (let i = 0; i < value.length; i++) out.push(get(value, i));
  return out;
}

/** The entries of a plain object (each read through {@link get}); [] for anything else. */
export function entries(value: unknown): [string, unknown][] {
  if (!isRecord(value)) return [];
  return Object.keys(value).map((k) => [k, get(value, k)]);
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** True for a value a saved preview masked, or one not known during preview: neither can be judged. */
export function isOpaque(value: unknown): boolean {
  return value === UNKNOWN || value === SECRET_MASK;
}

/** `base.key`, `base[0]`, `base["nvidia.com/gpu"]`. */
export function pathJoin(base: string, key: Key): string {
  if (typeof key === "number") return `${base}[${key}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

/** A resource as messages name it: `RayService "face-ocr"` (the kind from the type token, and the logical name). */
export function resourceLabel(type: string, name: string): string {
  const kind = type.slice(type.lastIndexOf(":") + 1) || type;
  return `${kind} "${name}"`;
}

/** The logical name at the end of a URN. */
export function nameFromUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

export interface StringLeaf {
  readonly path: string;
  /** The property name that holds the string (the last path segment), or the index in its array. */
  readonly key: Key;
  readonly value: string;
  /** The object that holds the string. */
  readonly holder: unknown;
}

/** Every string in a props tree with its path; unknown fields are skipped. */
export function stringLeaves(value: unknown, base = ""): StringLeaf[] {
  const out: StringLeaf[] = [];
  const visit = (v: unknown, path: string, key: Key, holder: unknown, depth: number) => {
    if (depth > 64 || v === UNKNOWN) return;
    if (typeof v === "string") {
      out.push({ path, key, value: v, holder });
    } else if (Array.isArray(v)) {
      items(v).forEach((item, i) => visit(item, pathJoin(path, i), i, v, depth + 1));
    } else if (isRecord(v)) {
      for (const [k, child] of entries(v)) visit(child, pathJoin(path, k), k, v, depth + 1);
    }
  };
  visit(value, base, "", undefined, 0);
  return out;
}
