/**
 * Writes adopted keys into `Pulumi.<stack>.yaml` through the `yaml` library's document API, so the file's comments
 * and the keys the adoption does not touch stay as they are. A key whose adopted value equals what config already
 * gives (its default included) is left alone.
 */
import { isDeepStrictEqual } from "util";
import * as YAML from "yaml";
import { isPlainObject } from "../config/plainObject";
import { stackFileEditProblem } from "../plan/stackFileLayout";
import { AdoptInputError } from "./liveExport";

export interface StackConfigEdit {
  readonly text: string;
  /** Dotted paths written, e.g. `registry.sku`, in order. */
  readonly written: readonly string[];
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let cur = root;
  for (const seg of path) cur = isPlainObject(cur) ? cur[seg] : undefined;
  return cur;
}

/**
 * The stack file `text` (named `file` in messages) with `sections` written in. A file that is not valid YAML, or whose
 * layout the yaml library would write differently, is refused (AdoptInputError): writing it would change lines
 * outside the adopted keys.
 */
export function editStackConfig(
  text: string,
  file: string,
  project: string,
  sections: Readonly<Record<string, Record<string, unknown>>>,
  /** The stack's config as the program reads it now (defaults applied), to skip values it already has. */
  current: Readonly<Record<string, unknown>>,
): StackConfigEdit {
  const problem = stackFileEditProblem(text, file, "the adopted keys");
  if (problem !== undefined) throw new AdoptInputError(problem);
  const doc = YAML.parseDocument(text);
  const written: string[] = [];
  const visit = (section: string, path: string[], value: unknown) => {
    if (isPlainObject(value)) {
      for (const [key, inner] of Object.entries(value)) visit(section, [...path, key], inner);
      return;
    }
    if (isDeepStrictEqual(valueAt(current[section], path), value)) return;
    doc.setIn(["config", `${project}:${section}`, ...path], doc.createNode(value));
    written.push([section, ...path].join("."));
  };
  for (const [section, value] of Object.entries(sections)) visit(section, [], value);
  return { text: doc.toString({ lineWidth: 0 }), written };
}

/** The whole sections of an edited stack file, as `--config section=<json>` overrides take them. */
export function sectionsOf(text: string, project: string, keys: readonly string[]): Record<string, unknown> {
  const parsed = (YAML.parse(text) ?? {}) as { config?: Record<string, unknown> };
  return Object.fromEntries(keys.map((k) => [k, parsed.config?.[`${project}:${k}`] ?? {}]));
}
