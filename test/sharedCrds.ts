/**
 * The upstream CRDs of shared/crds as the YAML parser reads them, for tests that walk the raw documents. Parsing
 * the two KubeRay CRDs (a megabyte each) takes the parser a second, and three test files read them; so each parse
 * is kept as JSON in `.cache/test-crds/`, named by a hash of the file's text and the parser's version (an edited
 * CRD is parsed again), and every call returns its own copy, so a test may change what it gets.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { writeAtomically } from "../validation/validatorCache";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const YAML_VERSION = (require("yaml/package.json") as { version: string }).version;
const CACHE_DIR = path.resolve(__dirname, "..", ".cache", "test-crds");

/** JSON keeps every value YAML's core schema yields except non-finite numbers (`.inf`, `.nan`); those are not kept. */
function survivesJson(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(survivesJson);
  if (value && typeof value === "object") return Object.values(value).every(survivesJson);
  return true;
}

/** `YAML.parse` of the file (typed as loosely as `YAML.parse` is), from the cache when the same text was parsed before. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function parsedCrd(file: string): any {
  const text = fs.readFileSync(file, "utf8");
  const digest = createHash("sha256").update(`${YAML_VERSION}\n${text}`).digest("hex").slice(0, 24);
  const cached = path.join(CACHE_DIR, `${path.basename(file, ".yaml")}-${digest}.json`);
  try {
    return JSON.parse(fs.readFileSync(cached, "utf8"));
  } catch {
    // not cached yet, or damaged: parse it
  }
  const doc: unknown = YAML.parse(text);
  if (survivesJson(doc)) writeAtomically(cached, JSON.stringify(doc));
  return doc;
}
