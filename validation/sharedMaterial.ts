/**
 * Loading the schemas under `shared/`. That folder is material the project
 * depends on but does not hold; when it is missing or damaged the plan stops
 * with a {@link SharedMaterialError} naming the file and what is wrong, instead
 * of a parser's stack trace or a misleading "no schema found".
 */
import * as fs from "fs";
import * as YAML from "yaml";
import { sharedDir } from "./paths";

export class SharedMaterialError extends Error {
  constructor(file: string, problem: string) {
    super(
      `${file}: ${problem}. The plan validates against the upstream schemas in ${sharedDir()} ` +
        "(the shared folder beside the project, or FACE_OCR_SHARED_DIR); restore it from the shared copy.",
    );
    this.name = "SharedMaterialError";
  }
}

function describeFsError(err: unknown, what: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return `missing (expected ${what})`;
  if (code === "ENOTDIR") return `not a directory, or a parent of it is a file (expected ${what})`;
  if (code === "EISDIR") return `a directory, not a file (expected ${what})`;
  if (code === "EACCES") return `not readable (expected ${what})`;
  return `cannot be read (${code ?? (err as Error).message}; expected ${what})`;
}

/** The error for a file that cannot be read; the shared folder itself when that is what is missing. */
function fault(file: string, err: unknown, what: string): SharedMaterialError {
  const root = sharedDir();
  let rootStat: fs.Stats | undefined;
  try {
    rootStat = fs.statSync(root);
  } catch {
    return new SharedMaterialError(root, "missing (expected the shared folder of upstream schemas)");
  }
  if (!rootStat.isDirectory())
    return new SharedMaterialError(root, "a file, not a directory (expected the shared folder of upstream schemas)");
  return new SharedMaterialError(file, describeFsError(err, what));
}

/** The names in a shared folder. */
export function listSharedDir(dir: string, what: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (err) {
    throw fault(dir, err, what);
  }
}

export function readSharedText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    throw fault(file, err, what);
  }
}

export function parseSharedJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SharedMaterialError(file, `not valid JSON, truncated or damaged (${(err as Error).message})`);
  }
}

export function parseSharedYaml(file: string, text: string): unknown {
  const lines = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { prettyErrors: false, lineCounter: lines });
  const [error] = doc.errors;
  if (error) {
    const { line, col } = lines.linePos(error.pos[0]);
    throw new SharedMaterialError(`${file}:${line}:${col}`, `not valid YAML (${error.message})`);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new SharedMaterialError(file, `not valid YAML (${(err as Error).message})`);
  }
}
