/**
 * Reads `Pulumi.<stack>.yaml` the strict way: a YAML mistake (a tab, a
 * duplicate key, an unclosed bracket, an alias that expands without bound) is
 * a {@link PlanInputError} at `FILE:LINE:COL`, never a parser stack trace.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PlanInputError } from "./planInputError";

/**
 * Aliases a stack file may expand. A real stack file needs a handful; the
 * bound stops a "billion laughs" file from taking the machine.
 */
export const MAX_ALIAS_COUNT = 100;

export interface StackFileDocument {
  /** The `config:` mapping, keys as written. */
  readonly config: Record<string, unknown>;
}

function where(file: string, lines: YAML.LineCounter, offset: number): string {
  const { line, col } = lines.linePos(offset);
  return `${path.basename(file)}:${line}:${col}`;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

export function readStackFile(file: string): StackFileDocument {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new PlanInputError(`${path.basename(file)}: cannot read the stack file (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const lines = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  const [error] = doc.errors;
  if (error) throw new PlanInputError(`${where(file, lines, error.pos[0])}: ${error.message}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
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
    throw new PlanInputError(`${where(file, lines, offset)}: ${reason}`);
  }
  if (value === null || value === undefined) return { config: {} };
  if (!isMapping(value)) throw new PlanInputError(`${where(file, lines, 0)}: expected a mapping with a config: section`);
  const config = value.config ?? {};
  if (!isMapping(config)) {
    const node = doc.get("config", true) as YAML.Node | undefined;
    throw new PlanInputError(`${where(file, lines, node?.range?.[0] ?? 0)}: config: must be a mapping of KEY: VALUE`);
  }
  return { config };
}
