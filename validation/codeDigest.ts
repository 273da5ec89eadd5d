/**
 * What a cached artefact (a converted schema, a compiled validator, CEL findings) was derived by: the text of the
 * module that derives it and of every project file that module imports, transitively, with the installed packages
 * (npm's record of node_modules, which it rewrites whenever it changes them) and Node's version, hashed. A cache keyed
 * by it is rebuilt when any of that code changes, instead of relying on someone to bump a version number by hand
 * (an edit to a conversion once served the schema converted the old way).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Relative module names in imports, re-exports, `require` and `import()`: the project's own files. */
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;
/** What a relative name can be, in the order Node and TypeScript look (sources run as .ts here, as .js when built). */
const CANDIDATES = ["", ".ts", ".js", "/index.ts", "/index.js"];

const digests = new Map<string, string | null>();

/**
 * A cache key of `parts` derived by the module in `file` (its `__filename`): the parts after that module's
 * {@link codeDigest}; null when the digest is (the caches then keep nothing).
 */
export function keyedByCode(file: string, ...parts: readonly string[]): string | null {
  const digest = codeDigest(file);
  return digest === null ? null : [digest, ...parts].join("\n");
}

/** The digest for the module in `file` (its own path: `__filename`); null when some of its code cannot be read. */
export function codeDigest(file: string): string | null {
  let digest = digests.get(file);
  if (digest === undefined) {
    digest = computeDigest(file);
    digests.set(file, digest);
  }
  return digest;
}

function computeDigest(entry: string): string | null {
  try {
    const hash = createHash("sha1").update(`${process.version}\n`);
    hash.update(installedPackages(path.dirname(entry)));
    // By path from the module, so that a checkout moved elsewhere keeps its caches.
    for (const file of importClosure(entry)) hash.update(`\n${path.relative(path.dirname(entry), file)}\n`).update(fs.readFileSync(file));
    return hash.digest("hex");
  } catch {
    return null;
  }
}

/** `entry` and every project file it imports, transitively, sorted by path. */
export function importClosure(entry: string): string[] {
  const seen = new Set<string>();
  const pending = [path.resolve(entry)];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = fs.readFileSync(file, "utf8");
    for (const [, name] of text.matchAll(RELATIVE_IMPORT)) {
      const found = resolveRelative(path.dirname(file), name);
      if (found !== undefined && !seen.has(found)) pending.push(found);
    }
  }
  return [...seen].sort();
}

function resolveRelative(dir: string, name: string): string | undefined {
  for (const suffix of CANDIDATES) {
    const candidate = path.resolve(dir, `${name}${suffix}`);
    if (/\.(ts|js|cjs|mjs|json)$/.test(candidate) && fs.statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
  }
  return undefined;
}

/** npm's record of what it installed (node_modules/.package-lock.json), or the lockfile where there is none. */
function installedPackages(from: string): Buffer {
  for (let dir = from; ; dir = path.dirname(dir)) {
    for (const record of [path.join(dir, "node_modules", ".package-lock.json"), path.join(dir, "package-lock.json")]) {
      if (fs.existsSync(record)) return fs.readFileSync(record);
    }
    if (path.dirname(dir) === dir) throw new Error("no node_modules/.package-lock.json or package-lock.json above the module");
  }
}
