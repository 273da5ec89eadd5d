/**
 * Compiled ajv validators cached as standalone modules in {@link cacheDir}:
 * compiling the RayService CRD or Microsoft's pipeline schema takes seconds,
 * loading the generated module a fraction of that.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { cacheDir } from "./paths";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const AJV_VERSION = (require("ajv/package.json") as { version: string }).version;

export function writeAtomically(file: string, content: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  } catch {
    // A read-only tree only loses the cache, not correctness.
  }
}

/**
 * The module cached as `<name>-<digest>.js` for `key` (what the validators are compiled from) and this
 * ajv version; otherwise `compile()`'s validators, whose standalone code is cached for the next run.
 */
export function cachedStandalone<T>(name: string, key: string, compile: () => { readonly compiled: T; readonly code: string }): T {
  const digest = createHash("sha256").update(`${AJV_VERSION}\n${key}`).digest("hex").slice(0, 24);
  const file = path.join(cacheDir(), `${name}-${digest}.js`);
  if (fs.existsSync(file)) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(file) as T;
    } catch {
      // A damaged cache entry is rebuilt below.
    }
  }
  const { compiled, code } = compile();
  writeAtomically(file, code);
  return compiled;
}
