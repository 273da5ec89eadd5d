/**
 * Compiled ajv validators kept in {@link cacheDir} as standalone modules: compiling a large schema takes most of
 * a second, loading the generated code a few milliseconds. An entry's name holds a hash of the ajv version and of
 * a key that must change whenever the schema would (the schema itself, or the file and conversion it comes from),
 * so a changed schema or ajv is compiled afresh, never served from an older entry.
 */
import type Ajv from "ajv";
import type { ValidateFunction } from "ajv";
import { createHash } from "crypto";
import { createRequire } from "module";
import * as path from "path";
import * as vm from "vm";
import { standaloneCodeOf } from "./ajvCompiler";
import { cacheDir } from "./paths";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const AJV_VERSION = (require("ajv/package.json") as { version: string }).version;

const cacheFiles = createRequire(__filename)("../scripts/cacheFiles.js") as {
  writeAtomically(file: string, content: string | Uint8Array): boolean;
  writeSealed(file: string, content: string | Uint8Array): boolean;
  readSealed(file: string): Buffer | undefined;
};

/**
 * Writes through a temporary file, so a concurrent reader sees the old entry or the new one, never half of one; a
 * read-only tree only loses the cache. The launcher's own (scripts/cacheFiles.js, JavaScript as the launcher must be).
 */
export const writeAtomically = cacheFiles.writeAtomically;

/**
 * The validators' code and V8's code for it are sealed with their hash (scripts/cacheFiles.js): an entry cut short
 * or altered on disk is compiled afresh instead of run (damaged V8 code crashes the process).
 */
const { readSealed, writeSealed } = cacheFiles;

function entryFile(name: string, key: string): string {
  const digest = createHash("sha256").update(`${AJV_VERSION}\n${key}`).digest("hex").slice(0, 24);
  return path.join(cacheDir(), `validate-${name}-${digest}.js`);
}

/** The cached validator for `name` and `key`, or undefined when there is no usable entry (or no key: nothing is cached). */
export function loadCachedValidator(name: string, key: string | null): ValidateFunction | undefined {
  return key === null ? undefined : loadEntry<ValidateFunction>(entryFile(name, key));
}

/**
 * A cached standalone module of several validators (ajv's `standaloneCode(ajv, { name: ref })`), or `compile()`'s,
 * whose code is then cached for the next run. A null key (what derives the validators is not known) caches nothing.
 */
export function cachedStandalone<T>(name: string, key: string | null, compile: () => { readonly compiled: T; readonly code: string }): T {
  if (key === null) return compile().compiled;
  const file = entryFile(name, key);
  const cached = loadEntry<T>(file);
  if (cached) return cached;
  const { compiled, code } = compile();
  writeSealed(file, code);
  return compiled;
}

/** An entry's code runs as this function's body (the first line's columns are the file's own). */
const ENTRY_WRAPPER = "(function (require, module, exports) {";

/** Entries compiled this run without V8's code for them; the code is kept as the process exits (see loadEntry). */
const uncachedScripts: { readonly script: vm.Script; readonly file: string; readonly digest: Buffer }[] = [];

function keepCompiledCode(): void {
  for (const { script, file, digest } of uncachedScripts.splice(0)) {
    writeSealed(file, Buffer.concat([digest, script.createCachedData()]));
  }
}

/** V8's code kept for an entry whose text hashes to `digest`, or undefined when there is none for that text. */
function keptCode(file: string, digest: Buffer): Buffer | undefined {
  const kept = readSealed(file);
  if (kept === undefined) return undefined;
  return kept.length > digest.length && kept.subarray(0, digest.length).equals(digest) ? kept.subarray(digest.length) : undefined;
}

/**
 * Runs an entry's module code. A large validator is megabytes of JavaScript, so V8's compiled code for it is kept
 * beside it (`.v8`, as scripts/v8CodeCache.js keeps it for modules), headed by the hash of the text it was made
 * from: written when the process exits, so it holds the validator functions that ran; used only for that text, and
 * refused by V8 itself when made by another V8 (then it is made again).
 */
function loadEntry<T>(file: string): T | undefined {
  const code = readSealed(file)?.toString("utf8");
  if (code === undefined) return undefined;
  try {
    const codeFile = file.replace(/\.js$/, ".v8");
    const digest = createHash("sha1").update(code).digest();
    const cachedData = keptCode(codeFile, digest);
    const script = new vm.Script(`${ENTRY_WRAPPER}${code}\n})`, { filename: file, cachedData, columnOffset: -ENTRY_WRAPPER.length });
    if (cachedData === undefined || script.cachedDataRejected) {
      if (uncachedScripts.length === 0) process.once("exit", keepCompiledCode);
      uncachedScripts.push({ script, file: codeFile, digest });
    }
    // The generated code requires ajv's runtime helpers (`ajv/dist/runtime/...`). Resolve them from here, not from
    // the entry's folder: FACE_OCR_CACHE_DIR may point outside the project, where no node_modules is found.
    const entry = { exports: {} as unknown };
    (script.runInThisContext() as (require: NodeJS.Require, module: object, exports: unknown) => void)(
      createRequire(__filename),
      entry,
      entry.exports,
    );
    return isValidatorModule(entry.exports) ? (entry.exports as T) : undefined;
  } catch {
    return undefined; // a damaged entry: the caller compiles and stores it again
  }
}

/** What ajv's standalone code exports: one validator function, or an object of them. */
function isValidatorModule(exports: unknown): boolean {
  if (typeof exports === "function") return true;
  if (exports === null || typeof exports !== "object") return false;
  const values = Object.values(exports);
  return values.length > 0 && values.every((v) => typeof v === "function");
}

/** Stores `validate` (compiled by `ajv`, which must have `code.source` on) for later {@link loadCachedValidator} calls. */
export function storeValidator(name: string, key: string | null, ajv: Ajv, validate: ValidateFunction): void {
  if (key !== null) writeSealed(entryFile(name, key), standaloneCodeOf(ajv, validate));
}
