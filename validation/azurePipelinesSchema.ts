/**
 * Azure Pipelines YAML against Microsoft's schema
 * (`shared/schemas/azure-pipelines.service-schema.json`, the one the VS Code
 * extension validates with).
 *
 * Two things a JSON schema cannot say are handled here, on purpose:
 * - Scalars: Azure Pipelines reads every scalar as a string and the schema types
 *   them so (a boolean is a string matching `true`, `yes`, `off`, ...), so the
 *   file is parsed with YAML's failsafe schema, not as YAML 1.2 core types.
 * - Template expressions: an insertion (`${{ each ... }}:`, `${{ if ... }}:`,
 *   `${{ else }}:` as a key) is replaced by its body, spliced into the enclosing
 *   list or merged into the enclosing mapping, so the body is validated as one
 *   expansion; the loop and the condition themselves are not evaluated. An
 *   expression inside a value (`--stack ${{ stack }}`, or a whole value) stays
 *   the string it is before expansion.
 *
 * The schema's `ignoreCase` marks (values and keys Azure Pipelines compares
 * case-insensitively) are not a JSON schema keyword and are not applied: the
 * check is stricter than Azure Pipelines about spelling, never looser.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import * as fs from "fs";
import * as YAML from "yaml";
import { newAjv, standaloneCodeOf } from "./ajvCompiler";
import { ajvErrorsToReasons } from "./finding";
import { azurePipelinesSchemaPath } from "./paths";
import { cachedStandalone } from "./validatorCache";
import { keyedByCode } from "./codeDigest";
import { isPlainObject } from "../config/plainObject";

/** A file that cannot be read as a pipeline at all (not YAML, or an insertion that cannot be expanded). */
export class PipelineYamlError extends Error {}

const TEMPLATE_EXPRESSION = /^\s*\$\{\{[\s\S]*\}\}\s*$/;

function isInsertion(key: string): boolean {
  return TEMPLATE_EXPRESSION.test(key);
}

/** The document with every template insertion replaced by its body; throws when a body's shape does not fit where it stands. */
export function expandTemplateInsertions(node: unknown, at = ""): unknown {
  if (Array.isArray(node)) {
    const out: unknown[] = [];
    node.forEach((item, i) => {
      const keys = isPlainObject(item) ? Object.keys(item) : [];
      if (keys.length === 1 && isInsertion(keys[0])) {
        const body = expandTemplateInsertions((item as Record<string, unknown>)[keys[0]], `${at}[${i}]`);
        if (Array.isArray(body)) out.push(...body);
        else out.push(body);
      } else {
        out.push(expandTemplateInsertions(item, `${at}[${i}]`));
      }
    });
    return out;
  }
  if (isPlainObject(node)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const where = at === "" ? key : `${at}.${key}`;
      const expanded = expandTemplateInsertions(value, where);
      if (!isInsertion(key)) out[key] = expanded;
      else if (isPlainObject(expanded)) Object.assign(out, expanded);
      else throw new PipelineYamlError(`${where}: a template insertion inside a mapping must hold a mapping`);
    }
    return out;
  }
  return node;
}

/** Parses pipeline YAML as Azure Pipelines reads it: every scalar a string. */
export function parsePipelineYaml(text: string): unknown {
  const doc = YAML.parseDocument(text, { schema: "failsafe" });
  if (doc.errors.length > 0) throw new PipelineYamlError(`not valid YAML: ${doc.errors[0].message}`);
  return doc.toJS() ?? "";
}

/** Microsoft's schema compiled: the whole of it, and each alternative form of a pipeline (stages, extends, jobs, steps, ...). */
export interface AzurePipelinesSchema {
  readonly pipeline: ValidateFunction;
  readonly forms: readonly ValidateFunction[];
}

const SCHEMA_ID = "azure-pipelines";
// The schema's patterns are written for JavaScript's non-Unicode regular expressions (`\:` and `\/` escapes).
// ajv's optimizing pass over the generated code would double the compile and change nothing it reports.
const AJV_OPTIONS = { strict: false, allErrors: true, unicodeRegExp: false, code: { source: true, optimize: false } } as const;

/**
 * Compiles Microsoft's schema: a second or more, so the validators are cached as a standalone module (keyed by the
 * schema text and the code below that compiles it) and later runs load them in well under one.
 */
export function compileAzurePipelinesSchema(): AzurePipelinesSchema {
  const text = fs.readFileSync(azurePipelinesSchemaPath(), "utf8");
  const key = keyedByCode(__filename, JSON.stringify(AJV_OPTIONS), text);
  const modules = cachedStandalone<Record<string, ValidateFunction>>(SCHEMA_ID, key, () => {
    const schema = JSON.parse(text) as { definitions: { pipeline: { anyOf: unknown[] } } };
    const ajv = newAjv(AJV_OPTIONS);
    ajv.addSchema(schema, SCHEMA_ID);
    const refs: Record<string, string> = { pipeline: SCHEMA_ID };
    schema.definitions.pipeline.anyOf.forEach((_, i) => (refs[`form${i}`] = `${SCHEMA_ID}#/definitions/pipeline/anyOf/${i}`));
    // Compiling a form after the whole reuses the compiled definitions: milliseconds each.
    const compiled = Object.fromEntries(
      Object.entries(refs).map(([name, ref]) => {
        const validate = ajv.getSchema(ref);
        if (!validate) throw new Error(`${azurePipelinesSchemaPath()}: no schema at ${ref}`);
        return [name, validate];
      }),
    );
    return { compiled, code: standaloneCodeOf(ajv, refs) };
  });
  const forms = Object.keys(modules)
    .filter((name) => /^form\d+$/.test(name))
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))
    .map((name) => modules[name]);
  return { pipeline: modules.pipeline, forms };
}

function depth(e: ErrorObject): number {
  const segments = e.instancePath === "" ? 0 : e.instancePath.split("/").length - 1;
  return e.keyword === "additionalProperties" || e.keyword === "required" ? segments + 1 : segments;
}

/** The alternative of the innermost `anyOf`/`oneOf` an error belongs to: its schema path up to that branch's index. */
function branchOf(e: ErrorObject): string {
  const match = /^(.*\/(?:anyOf|oneOf)\/\d+)(?:\/|$)/.exec(e.schemaPath);
  return match ? match[1] : "";
}

/** How far an alternative is from the value: a missing required key (a task step without `task`) says it is another kind of thing. */
function distance(group: readonly ErrorObject[]): number {
  return group.reduce((sum, e) => sum + (e.keyword === "required" ? 2 : 1), 0);
}

/**
 * Of ajv's errors over alternatives (every step kind, every trigger form), those of the closest ones:
 * the errors that reach deepest into the document, and of those, the alternatives nearest the value.
 * That is the mistake a person made, not the list of all the things the value is not.
 */
export function closestMatch(errors: readonly ErrorObject[]): ErrorObject[] {
  const concrete = errors.filter((e) => e.keyword !== "anyOf" && e.keyword !== "oneOf");
  if (concrete.length === 0) return [...errors];
  const deepest = Math.max(...concrete.map(depth));
  const branches = new Map<string, ErrorObject[]>();
  for (const e of concrete.filter((c) => depth(c) === deepest)) branches.set(branchOf(e), [...(branches.get(branchOf(e)) ?? []), e]);
  const nearest = Math.min(...[...branches.values()].map(distance));
  return [...branches.values()].filter((group) => distance(group) === nearest).flat();
}

/** Validates one pipeline file's text; an empty list means valid. Paths are into the document after {@link expandTemplateInsertions}. */
export function validatePipelineYaml(schema: AzurePipelinesSchema, text: string): { path: string; reason: string }[] {
  let document: unknown;
  try {
    document = expandTemplateInsertions(parsePipelineYaml(text));
  } catch (err) {
    if (err instanceof PipelineYamlError) return [{ path: "", reason: err.message }];
    throw err;
  }
  if (schema.pipeline(document)) return [];
  const perForm = schema.forms.map((form) => (form(document) ? [] : [...(form.errors ?? [])]));
  const closestForm = perForm.reduce((best, errors) => (formDistance(errors) < formDistance(best) ? errors : best));
  return oneReasonPerPath(ajvErrorsToReasons(closestMatch(closestForm.length > 0 ? closestForm : (schema.pipeline.errors ?? []))));
}

/**
 * The form a file means is one whose required top-level key it has (a file with `steps:` is a steps
 * pipeline, however broken its steps); among those, the one with the fewest errors.
 */
function formDistance(errors: readonly ErrorObject[]): number {
  const missesItsKey = errors.some((e) => e.keyword === "required" && e.instancePath === "");
  return (missesItsKey ? 1_000_000 : 0) + errors.length;
}

/** The alternatives a value fails at one path, as one reason: `must match pattern "^none$" or must be array`. */
function oneReasonPerPath(findings: readonly { path: string; reason: string }[]): { path: string; reason: string }[] {
  const byPath = new Map<string, string[]>();
  for (const f of findings) byPath.set(f.path, [...(byPath.get(f.path) ?? []), f.reason]);
  return [...byPath].map(([path, reasons]) => ({ path, reason: reasons.join(" or ") }));
}
