/**
 * The findings of a CRD's CEL rules (celRules.ts) for one object, kept between runs in {@link cacheDir}. They are a
 * function of the served schema that carries the rules, the object as JSON, the evaluator's own sources and the
 * installed packages (@bufbuild/cel and its dependencies) under this Node, and all of these are in an entry's key: a
 * changed rule, object, evaluator or library is evaluated afresh, never answered from an older entry. A plan whose
 * custom resources are unchanged loads neither the CEL library nor a rule.
 *
 * One file per cache folder holds the most recent {@link MAX_ENTRIES} entries; it is written once, as the process
 * exits, when the run evaluated something new. A damaged or unreadable file only costs evaluating again.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { CEL_RULES_MODULE } from "./celRules";
import { keyedByCode } from "./codeDigest";
import { cacheDir } from "./paths";
import { writeAtomically } from "./validatorCache";

type Findings = { path: string; reason: string }[];

/** Bump when the file's layout changes. */
const FORMAT = "cel-findings 1";
const MAX_ENTRIES = 512;
interface CacheState {
  readonly entries: Map<string, Findings>;
  /** Entries were added since the file was read: it is written at exit. */
  unwritten: boolean;
}

let evaluatorDigest: string | null | undefined;
/** By file: each cache folder this process used, read once. */
const caches = new Map<string, CacheState>();

/**
 * The evaluator's code (validation/celRules.ts and every project file it imports), the installed packages (npm's
 * record of node_modules, which names @bufbuild/cel and what it depends on) and Node's version, hashed
 * (validation/codeDigest.ts); null where one cannot be read, and then nothing is cached.
 */
function evaluator(): string | null {
  if (evaluatorDigest !== undefined) return evaluatorDigest;
  evaluatorDigest = keyedByCode(CEL_RULES_MODULE, FORMAT);
  return evaluatorDigest;
}

function isFindings(value: unknown): value is Findings {
  return (
    Array.isArray(value) &&
    value.every((f: { path?: unknown; reason?: unknown } | null) => typeof f?.path === "string" && typeof f.reason === "string")
  );
}

/** The entries kept in `file`; those of another layout or shape are left out, and evaluated again. */
function readEntries(file: string): Map<string, Findings> {
  const entries = new Map<string, Findings>();
  try {
    const stored = JSON.parse(fs.readFileSync(file, "utf8")) as { format?: unknown; entries?: unknown };
    if (stored.format !== FORMAT || !Array.isArray(stored.entries)) return entries;
    for (const entry of stored.entries as unknown[]) {
      if (Array.isArray(entry) && typeof entry[0] === "string" && isFindings(entry[1])) entries.set(entry[0], entry[1]);
    }
  } catch {
    // absent or not JSON
  }
  return entries;
}

function cache(): CacheState {
  const file = path.join(cacheDir(), "cel-findings.json");
  let found = caches.get(file);
  if (!found) {
    found = { entries: readEntries(file), unwritten: false };
    caches.set(file, found);
  }
  return found;
}

/** Writes each cache this run added to (writeAtomically: a read-only tree only loses the cache). */
function keep(): void {
  for (const [file, cache] of caches) {
    if (cache.unwritten) writeAtomically(file, JSON.stringify({ format: FORMAT, entries: [...cache.entries].slice(-MAX_ENTRIES) }));
    cache.unwritten = false;
  }
}

/**
 * `evaluate(object)`'s findings for the object as JSON (as the API server receives it) under the served schema named
 * by `schemaDigest`, from the cache or evaluated and kept.
 */
export function cachedCelFindings(schemaDigest: string, object: unknown, evaluate: (json: unknown) => Findings): Findings {
  const text = JSON.stringify(object);
  const json: unknown = text === undefined ? undefined : JSON.parse(text);
  const code = evaluator();
  if (code === null || text === undefined) return evaluate(json);
  const key = createHash("sha1").update(`${code}\n${schemaDigest}\n${text}`).digest("hex");
  const kept = cache();
  const found = kept.entries.get(key);
  if (found) return structuredClone(found);
  const findings = evaluate(json);
  // One exit handler for the process, however many cache folders it uses.
  if (![...caches.values()].some((c) => c.unwritten)) process.once("exit", keep);
  kept.unwritten = true;
  kept.entries.set(key, structuredClone(findings));
  return findings;
}
