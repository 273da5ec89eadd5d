/**
 * Writes a release into a stack file through the `yaml` library's document API: only the release keys change;
 * every comment, every other key and the order of the keys stay as they are. A release key the file does not hold
 * yet is added at the end of its section, so the target pins the tested value instead of following a default
 * that may change in code later.
 */
import { isDeepStrictEqual } from "util";
import * as YAML from "yaml";
import { Release, RELEASE_KEYS, ReleaseKey, releaseKeyPath, valueAtKey } from "../config/release";
import { isPlainObject } from "../config/plainObject";
import { stackFileEditProblem } from "../plan/stackFileLayout";

export interface ReleaseEdit {
  /** The stack file's new text. */
  readonly text: string;
  /** The release keys whose value in the file changed, in RELEASE_KEYS order. */
  readonly written: readonly ReleaseKey[];
}

/** A stack file the release cannot be written into without rewriting more than the release keys. */
export class StackFileLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileLayoutError";
  }
}

/** The document path of a release key: `config` / `<project>:<top key>` / the rest. */
function documentPath(project: string, key: ReleaseKey): string[] {
  const [top, ...rest] = releaseKeyPath(key);
  return ["config", `${project}:${top}`, ...rest];
}

/** Sets `value` at `path`, keeping the nodes (and so the comments) of what stays. */
function setKeeping(doc: YAML.Document, path: readonly string[], value: unknown): void {
  const node = doc.getIn(path, true);
  if (isPlainObject(value) && YAML.isMap(node)) {
    for (const [k, v] of Object.entries(value)) setKeeping(doc, [...path, k], v);
    for (const pair of [...node.items]) {
      const k = YAML.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (!(k in value)) doc.deleteIn([...path, k]);
    }
    return;
  }
  if (YAML.isScalar(node) && !isPlainObject(value) && !Array.isArray(value)) {
    if (node.value !== value) node.value = value;
    return;
  }
  doc.setIn(path, doc.createNode(value));
}

export function writeRelease(text: string, file: string, project: string, release: Release): ReleaseEdit {
  const problem = stackFileEditProblem(text, file, "the release");
  if (problem !== undefined) throw new StackFileLayoutError(problem);
  const doc = YAML.parseDocument(text);
  const before = (doc.toJS() ?? {}) as { config?: Record<string, unknown> };
  const written: ReleaseKey[] = [];
  for (const key of RELEASE_KEYS) {
    const path = documentPath(project, key);
    const value = valueAtKey(release, key);
    const [, section, ...rest] = path;
    const current = rest.reduce<unknown>((node, seg) => (isPlainObject(node) ? node[seg] : undefined), before.config?.[section]);
    if (isDeepStrictEqual(current, value)) continue;
    try {
      setKeeping(doc, path, value);
    } catch (err) {
      throw new StackFileLayoutError(`${file}: cannot write ${key}: ${(err as Error).message}`);
    }
    written.push(key);
  }
  return { text: doc.toString({ lineWidth: 0 }), written };
}
