/**
 * The server-side rules of a CRD (`x-kubernetes-validations`, CEL) evaluated
 * offline, the way the API server evaluates them when an object is created
 * (k8s.io/apiextensions-apiserver `pkg/apiserver/schema/cel`, Kubernetes 1.35+
 * error texts): the CRD's defaults are applied first, `self` is the node the
 * rule sits on, a rule runs only where its node is present and not null, once
 * per element under `items` and once per value under `additionalProperties`,
 * and a failure names the node's path and the rule's message.
 *
 * Transition rules (those reading `oldSelf`) compare an update with the stored
 * object; the offline plan has no stored object, so they are skipped, as the
 * API server skips them on create. A rule this evaluator cannot run (a
 * Kubernetes CEL library function @bufbuild/cel lacks, such as `isURL` or
 * `quantity`) is reported as a finding wherever it would apply, never passed.
 */
import type { CelInput, CelResult } from "@bufbuild/cel";
import { AjvLikeError } from "./finding";
import {
  declaredProperties,
  itemSchema,
  JsonSchema,
  mapValueSchema,
  resolveSchema,
  toCelValue,
  UnsupportedCelValueError,
} from "./celValues";
import { withStructuralDefaults } from "./structuralDefaults";

/** One entry of `x-kubernetes-validations`. */
export interface CelRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly reason?: "FieldValueInvalid" | "FieldValueForbidden" | "FieldValueRequired" | "FieldValueDuplicate";
  readonly fieldPath?: string;
  readonly optionalOldSelf?: boolean;
}

/** Where a rule sits: `spec.chart`, with `[*]` for every array element and `{*}` for every map value. */
export interface CelRuleSite {
  readonly schemaPath: string;
  readonly rule: CelRule;
}

type Program = (bindings: { self: CelInput }) => CelResult;

export type CompiledCelRule =
  | {
      readonly kind: "evaluated";
      readonly site: CelRuleSite;
      readonly program: Program;
      readonly message?: Program;
      readonly fieldPath: string;
    }
  | { readonly kind: "transition"; readonly site: CelRuleSite }
  | { readonly kind: "unsupported"; readonly site: CelRuleSite; readonly reason: string };

/** The rules of one schema node and the nodes below it that carry rules. */
interface RuleNode {
  readonly schema: JsonSchema;
  readonly rules: readonly CompiledCelRule[];
  readonly properties: ReadonlyMap<string, RuleNode>;
  readonly items?: RuleNode;
  readonly mapValues?: RuleNode;
}

export interface CompiledCelRules {
  /** Every rule of the schema, in schema order. */
  readonly rules: readonly CompiledCelRule[];
  readonly root?: RuleNode;
}

/** This module's file: the evaluator whose code keys the kept findings (celFindingsCache.ts). */
export const CEL_RULES_MODULE = __filename;

type CelModule = typeof import("@bufbuild/cel");

interface CelLibrary {
  readonly cel: CelModule;
  readonly env: ReturnType<CelModule["celEnv"]>;
  readonly functions: ReadonlySet<string>;
}

let library: CelLibrary | undefined;

/** Loaded on first use, so a plan that stops at a config error does not pay for the CEL parser. */
function celLibrary(): CelLibrary {
  if (!library) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const cel = require("@bufbuild/cel") as CelModule;
    const { strings } = require("@bufbuild/cel/ext") as typeof import("@bufbuild/cel/ext");
    /* eslint-enable @typescript-eslint/no-require-imports */
    // Kubernetes' CRD environment includes the strings extension; its other libraries (lists, regex,
    // URLs, quantities, IPs, CIDRs, semver, named formats) are not in @bufbuild/cel.
    const env = cel.celEnv({ variables: { self: cel.CelScalar.DYN }, funcs: strings });
    library = { cel, env, functions: new Set([...env.funcs].map((f) => f.name)) };
  }
  return library;
}
/** Identifiers CEL itself defines: the type names. */
const CEL_TYPE_NAMES = new Set(["int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type"]);
/** Operators the planner evaluates itself rather than through the function registry. */
const PLANNER_OPERATORS = new Set(["_[_]", "_[?_]", "_?._", "_?_:_", "_&&_", "_||_", "@not_strictly_false", "__not_strictly_false__"]);

type Expr = ReturnType<CelModule["parse"]>["expr"];

/** The dotted name of a call target such as `format` in `format.dns1123Label()`, when it is one. */
function qualifiedName(expr: Expr | undefined): string | undefined {
  if (!expr) return undefined;
  if (expr.exprKind.case === "identExpr") return expr.exprKind.value.name;
  if (expr.exprKind.case === "selectExpr" && !expr.exprKind.value.testOnly) {
    const operand = qualifiedName(expr.exprKind.value.operand);
    return operand === undefined ? undefined : `${operand}.${expr.exprKind.value.field}`;
  }
  return undefined;
}

interface ExprReferences {
  readonly variables: Set<string>;
  readonly missingFunctions: Set<string>;
}

/** The free variables of an expression and the functions it calls that the environment does not define. */
function references(expr: Expr): ExprReferences {
  const variables = new Set<string>();
  const missingFunctions = new Set<string>();
  const walk = (e: Expr | undefined, bound: ReadonlySet<string>): void => {
    if (!e) return;
    const kind = e.exprKind;
    switch (kind.case) {
      case "identExpr":
        if (!bound.has(kind.value.name)) variables.add(kind.value.name);
        return;
      case "selectExpr":
        return walk(kind.value.operand, bound);
      case "callExpr": {
        const call = kind.value;
        const root = qualifiedName(call.target)?.split(".")[0];
        const namespaced = root !== undefined && !bound.has(root) && root !== "self" && root !== "oldSelf";
        const name = namespaced ? `${qualifiedName(call.target)}.${call.function}` : call.function;
        if (!PLANNER_OPERATORS.has(name) && !celLibrary().functions.has(name)) missingFunctions.add(name);
        if (!namespaced) walk(call.target, bound);
        for (const arg of call.args) walk(arg, bound);
        return;
      }
      case "listExpr":
        for (const el of kind.value.elements) walk(el, bound);
        return;
      case "structExpr":
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === "mapKey") walk(entry.keyKind.value, bound);
          walk(entry.value, bound);
        }
        return;
      case "comprehensionExpr": {
        const c = kind.value;
        walk(c.iterRange, bound);
        walk(c.accuInit, bound);
        const inner = new Set([...bound, c.iterVar, c.iterVar2, c.accuVar].filter((v) => v !== ""));
        walk(c.loopCondition, inner);
        walk(c.loopStep, inner);
        walk(c.result, inner);
        return;
      }
      default:
        return;
    }
  };
  walk(expr, new Set());
  return { variables, missingFunctions };
}

type Compiled = { ok: true; program: Program; usesOldSelf: boolean } | { ok: false; reason: string };

function compileExpression(source: string, what: string): Compiled {
  let expr: Expr;
  try {
    expr = celLibrary().cel.parse(source).expr;
  } catch (err) {
    return { ok: false, reason: `${what} does not parse: ${(err as Error).message}` };
  }
  const refs = references(expr);
  if (refs.missingFunctions.size > 0) {
    const names = [...refs.missingFunctions].sort().join(", ");
    return { ok: false, reason: `${what} calls ${names}, a Kubernetes CEL function the offline evaluator does not implement` };
  }
  const unknown = [...refs.variables].filter((v) => v !== "self" && v !== "oldSelf" && !CEL_TYPE_NAMES.has(v)).sort();
  if (unknown.length > 0) return { ok: false, reason: `${what} references undeclared ${unknown.join(", ")}` };
  const { cel, env } = celLibrary();
  return { ok: true, program: cel.plan(env, expr) as Program, usesOldSelf: refs.variables.has("oldSelf") };
}

/** `.spec.x` or `['a.b']` (a rule's `fieldPath`) to the path it names below the rule's node, or undefined if it is not that simple. */
export function normalizeFieldPath(fieldPath: string): string | undefined {
  let out = "";
  let rest = fieldPath;
  while (rest !== "") {
    const named = /^\.([^.[\]']+)/.exec(rest);
    const keyed = /^\['([^'\\]*)'\]/.exec(rest);
    const match = named ?? keyed;
    if (!match) return undefined;
    out += out === "" ? match[1] : `.${match[1]}`;
    rest = rest.slice(match[0].length);
  }
  return out;
}

export function compileCelRule(site: CelRuleSite): CompiledCelRule {
  const { rule } = site;
  const compiled = compileExpression(rule.rule, "rule");
  if (!compiled.ok) return { kind: "unsupported", site, reason: compiled.reason };
  if (compiled.usesOldSelf) {
    if (rule.optionalOldSelf === true) {
      return { kind: "unsupported", site, reason: "rule reads oldSelf with optionalOldSelf, which needs the stored object" };
    }
    return { kind: "transition", site };
  }
  let message: Program | undefined;
  if (rule.messageExpression !== undefined) {
    const compiledMessage = compileExpression(rule.messageExpression, "messageExpression");
    if (!compiledMessage.ok) return { kind: "unsupported", site, reason: compiledMessage.reason };
    message = compiledMessage.program;
  }
  const fieldPath = rule.fieldPath === undefined ? "" : normalizeFieldPath(rule.fieldPath);
  if (fieldPath === undefined)
    return { kind: "unsupported", site, reason: `fieldPath ${JSON.stringify(rule.fieldPath)} is not understood offline` };
  return { kind: "evaluated", site, program: compiled.program, message, fieldPath };
}

function rulesOf(node: JsonSchema): CelRule[] {
  const rules = node["x-kubernetes-validations"];
  return Array.isArray(rules) ? (rules as CelRule[]) : [];
}

/**
 * Compiles every rule of a (strict, possibly `$ref`-shared) CRD schema, once: shared sub-schemas are
 * walked once per place they occur, because a rule's path is part of what it reports.
 */
export function compileCelRules(root: JsonSchema): CompiledCelRules {
  const all: CompiledCelRule[] = [];
  const hasRules = new Map<JsonSchema, boolean>();
  const containsRules = (node: JsonSchema): boolean => {
    const schema = resolveSchema(root, node);
    const known = hasRules.get(schema);
    if (known !== undefined) return known;
    hasRules.set(schema, false);
    const children = [...Object.values(declaredProperties(schema) ?? {}), itemSchema(schema), mapValueSchema(schema)];
    const result = rulesOf(schema).length > 0 || children.some((c) => c !== undefined && containsRules(c));
    hasRules.set(schema, result);
    return result;
  };
  const build = (node: JsonSchema, schemaPath: string): RuleNode | undefined => {
    if (!containsRules(node)) return undefined;
    const schema = resolveSchema(root, node);
    const rules = rulesOf(schema).map((rule) => compileCelRule({ schemaPath, rule }));
    all.push(...rules);
    const properties = new Map<string, RuleNode>();
    for (const [name, child] of Object.entries(declaredProperties(schema) ?? {})) {
      const built = build(child, schemaPath === "" ? name : `${schemaPath}.${name}`);
      if (built) properties.set(name, built);
    }
    const items = itemSchema(schema);
    const mapValues = mapValueSchema(schema);
    return {
      schema,
      rules,
      properties,
      items: items && build(items, `${schemaPath}[*]`),
      mapValues: mapValues && build(mapValues, `${schemaPath}{*}`),
    };
  };
  const tree = build(root, "");
  return { rules: all, root: tree };
}

const compiledBySchema = new WeakMap<JsonSchema, CompiledCelRules>();

/** {@link compileCelRules}, once per schema object (the CRD loader hands out one object per served version). */
export function celRulesFor(schema: JsonSchema): CompiledCelRules {
  let compiled = compiledBySchema.get(schema);
  if (!compiled) {
    compiled = compileCelRules(schema);
    compiledBySchema.set(schema, compiled);
  }
  return compiled;
}

/** Go's `%v`/`%q` of the value an API server error shows; objects and arrays are omitted (Kubernetes 1.35 and later). */
function invalidValue(value: unknown): string {
  if (typeof value === "string") return `Invalid value: ${JSON.stringify(value)}`;
  if (typeof value === "number" || typeof value === "boolean") return `Invalid value: ${value}`;
  return "Invalid value";
}

function fieldError(rule: CelRule, value: unknown, detail: string): string {
  switch (rule.reason) {
    case "FieldValueForbidden":
      return `Forbidden: ${detail}`;
    case "FieldValueRequired":
      return `Required value: ${detail}`;
    case "FieldValueDuplicate":
      return invalidValue(value).replace("Invalid value", "Duplicate value");
    default:
      return `${invalidValue(value)}: ${detail}`;
  }
}

/** `ruleErrorString`: the message if there is one, else the rule's source. */
function ruleText(rule: CelRule): string {
  return rule.message?.trim() ? rule.message.trim() : rule.rule.trim();
}

/** The messageExpression's text, or undefined when the API server would fall back to `message`. */
function evaluatedMessage(program: Program | undefined, self: CelInput): string | undefined {
  if (!program) return undefined;
  const result = program({ self });
  if (celLibrary().cel.isCelError(result) || typeof result !== "string") return undefined;
  const text = result.trim();
  return text === "" || text.includes("\n") ? undefined : text;
}

export interface CelOutcome {
  readonly path: string;
  readonly rule: string;
  /** `passed`, `failed`, `skipped` (transition rule), `error` (the rule could not be evaluated) */
  readonly outcome: "passed" | "failed" | "skipped" | "error";
  /** The API server's error for `failed` and `error`. */
  readonly reason?: string;
}

function child(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}

/** Runs every applicable rule against `object`, with the CRD's defaults applied, and says what each did, in schema order per node. */
export function evaluateCelRules(root: JsonSchema, object: unknown): CelOutcome[] {
  const compiled = celRulesFor(root);
  const outcomes: CelOutcome[] = [];
  const visit = (node: RuleNode, value: unknown, path: string, isResourceRoot: boolean): void => {
    if (value === null || value === undefined) return;
    if (node.rules.length > 0) evaluateNode(root, node, value, path, isResourceRoot, outcomes);
    if (Array.isArray(value)) {
      if (node.items) value.forEach((v, i) => visit(node.items as RuleNode, v, `${path}[${i}]`, false));
    } else if (typeof value === "object") {
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        const prop = node.properties.get(key);
        if (prop) visit(prop, v, child(path, key), false);
        else if (node.mapValues && !declaredProperties(node.schema)) visit(node.mapValues, v, `${path}[${key}]`, false);
      }
    }
  };
  if (compiled.root) visit(compiled.root, withStructuralDefaults(root, root, object), "", true);
  return outcomes;
}

function evaluateNode(
  root: JsonSchema,
  node: RuleNode,
  value: unknown,
  path: string,
  isResourceRoot: boolean,
  outcomes: CelOutcome[],
): void {
  const type = typeof node.schema.type === "string" ? node.schema.type : "";
  let self: CelInput | undefined;
  let conversionError: string | undefined;
  try {
    self = toCelValue(root, node.schema, value, isResourceRoot);
  } catch (err) {
    if (!(err instanceof UnsupportedCelValueError)) throw err;
    conversionError = err.message;
  }
  for (const rule of node.rules) {
    const source = rule.site.rule.rule;
    if (rule.kind === "transition") {
      outcomes.push({ path, rule: source, outcome: "skipped" });
      continue;
    }
    const unsupported = rule.kind === "unsupported" ? rule.reason : conversionError;
    if (unsupported !== undefined || rule.kind !== "evaluated" || self === undefined) {
      const reason = `${invalidValue(type)}: cannot be evaluated offline (${unsupported}): ${ruleText(rule.site.rule)}`;
      outcomes.push({ path, rule: source, outcome: "error", reason });
      continue;
    }
    const result = rule.program({ self });
    if (result === true) {
      outcomes.push({ path, rule: source, outcome: "passed" });
      continue;
    }
    const { isCelError } = celLibrary().cel;
    if (isCelError(result) || typeof result !== "boolean") {
      const why = isCelError(result) ? result.message : `the rule returned ${typeof result}, not a bool`;
      outcomes.push({
        path,
        rule: source,
        outcome: "error",
        reason: `${invalidValue(type)}: ${why} evaluating rule: ${ruleText(rule.site.rule)}`,
      });
      continue;
    }
    const { message, rule: text } = rule.site.rule;
    const detail = evaluatedMessage(rule.message, self) ?? (message?.trim() ? message.trim() : `failed rule: ${text.trim()}`);
    const shown = type === "object" || type === "array" ? undefined : value;
    outcomes.push({
      path: rule.fieldPath === "" ? path : child(path, rule.fieldPath),
      rule: source,
      outcome: "failed",
      reason: fieldError(rule.site.rule, shown, detail),
    });
  }
}

/**
 * Schema errors after which the API server does not run CEL rules at all (`hasBlockingErr`:
 * wrong type, missing required field, value not in the enum, too long, too many).
 */
const BLOCKING_KEYWORDS = new Set(["type", "anyOf", "required", "enum", "maxLength", "maxItems", "maxProperties"]);

/**
 * The findings the API server's CEL rules give for a create of `object`, after schema validation
 * gave `schemaErrors`. Like the API server, no rule runs when the object has a blocking schema error;
 * the plan already fails on that error, and the rules run once it is fixed.
 */
export function celRuleFindings(
  root: JsonSchema,
  object: unknown,
  schemaErrors: readonly AjvLikeError[],
): { path: string; reason: string }[] {
  if (schemaErrors.some((e) => BLOCKING_KEYWORDS.has(e.keyword))) return [];
  return evaluateCelRules(root, object)
    .filter((o) => o.outcome === "failed" || o.outcome === "error")
    .map((o) => ({ path: o.path, reason: o.reason as string }));
}
