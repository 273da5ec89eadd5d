/**
 * Reads `Pulumi.<stack>.yaml` the strict way: a YAML mistake (a tab, a
 * duplicate key, an unclosed bracket, an alias that expands without bound) is
 * a {@link PlanInputError} at `FILE:LINE:COL`, never a parser stack trace.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PlanInputError } from "./planInputError";
import { isPlainObject } from "../config/plainObject";

/**
 * Aliases a stack file may expand. A real stack file needs a handful; the
 * bound stops a "billion laughs" file from taking the machine.
 */
export const MAX_ALIAS_COUNT = 100;

export interface StackFileDocument {
  /** The `config:` mapping, keys as written. */
  readonly config: Record<string, unknown>;
}

/** A YAML text read the strict way, with where each offset of it is, as `LABEL:LINE:COL`. */
export interface StrictYaml {
  readonly value: unknown;
  readonly doc: YAML.Document;
  readonly where: (offset: number) => string;
}

/**
 * Parses YAML the strict way: unique keys, bounded aliases, and every mistake a {@link PlanInputError} at
 * `LABEL:LINE:COL` (label: the file as the message should name it).
 */
export function parseStrictYaml(text: string, label: string): StrictYaml {
  const lines = new YAML.LineCounter();
  const where = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${label}:${line}:${col}`;
  };
  const doc = YAML.parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  const [error] = doc.errors;
  if (error) throw new PlanInputError(`${where(error.pos[0])}: ${error.message}`);
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), doc, where };
  } catch (err) {
    // Only alias expansion fails here; point at the first alias.
    let offset = 0;
    YAML.visit(doc, {
      Alias(_, node) {
        offset = node.range?.[0] ?? 0;
        return YAML.visit.BREAK;
      },
    });
    const reason = /Excessive alias count/.test((err as Error).message)
      ? `aliases expand to more than ${MAX_ALIAS_COUNT} nodes; write the values out instead`
      : (err as Error).message;
    throw new PlanInputError(`${where(offset)}: ${reason}`);
  }
}

export function readStackFile(file: string): StackFileDocument {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new PlanInputError(`${path.basename(file)}: cannot read the stack file (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const { value, doc, where } = parseStrictYaml(text, path.basename(file));
  if (value === null || value === undefined) return { config: {} };
  if (!isPlainObject(value)) throw new PlanInputError(`${where(0)}: expected a mapping with a config: section`);
  const config = value.config ?? {};
  if (!isPlainObject(config)) {
    const node = doc.get("config", true) as YAML.Node | undefined;
    throw new PlanInputError(`${where(node?.range?.[0] ?? 0)}: config: must be a mapping of KEY: VALUE`);
  }
  return { config };
}
