/**
 * How the API server hands an object to a CEL rule: the JSON value is typed by
 * its structural schema (k8s.io/apiserver `UnstructuredToVal`), so `integer` is
 * a CEL int, not a double, and object fields are reachable under their
 * escaped names only when the schema declares them.
 */
import type { CelInput } from "@bufbuild/cel";

export type JsonSchema = Record<string, unknown>;

/** Follows a local `$ref` (`#/definitions/x`, as {@link shareRepeatedSubschemas} writes them) to the schema it names. */
export function resolveSchema(root: JsonSchema, node: JsonSchema): JsonSchema {
  const ref = node.$ref;
  if (typeof ref !== "string") return node;
  const name = /^#\/definitions\/(.+)$/.exec(ref)?.[1];
  const target = name === undefined ? undefined : (root.definitions as Record<string, JsonSchema> | undefined)?.[name];
  if (!target) throw new Error(`unresolvable $ref ${ref}`);
  return resolveSchema(root, target);
}

export function declaredProperties(node: JsonSchema): Record<string, JsonSchema> | undefined {
  const props = node.properties;
  return props && typeof props === "object" ? (props as Record<string, JsonSchema>) : undefined;
}

/** The schema of a map's values, if the node is a map (`additionalProperties` with a schema, not `false`). */
export function mapValueSchema(node: JsonSchema): JsonSchema | undefined {
  const additional = node.additionalProperties;
  return additional && typeof additional === "object" ? (additional as JsonSchema) : undefined;
}

export function itemSchema(node: JsonSchema): JsonSchema | undefined {
  const items = node.items;
  return items && typeof items === "object" && !Array.isArray(items) ? (items as JsonSchema) : undefined;
}

const CEL_RESERVED = new Set([
  "true",
  "false",
  "null",
  "in",
  "as",
  "break",
  "const",
  "continue",
  "else",
  "for",
  "function",
  "if",
  "import",
  "let",
  "loop",
  "package",
  "namespace",
  "return",
  "var",
  "void",
  "while",
]);

/**
 * The name a declared property has inside CEL (k8s.io/apiserver `cel.Escape`): reserved words become
 * `__word__`, and `__`, `.`, `-`, `/` are spelled out; undefined when the name cannot be reached from CEL.
 */
export function escapeCelFieldName(name: string): string | undefined {
  if (name === "" || /^[0-9]/.test(name)) return undefined;
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z0-9_./-]+$/.test(name)) return undefined;
  return name.replace(/__|[./-]/g, (s) => ({ __: "__underscores__", ".": "__dot__", "-": "__dash__", "/": "__slash__" })[s] as string);
}

/** A value whose schema asks for a conversion this evaluator does not make; the rule is reported, not passed. */
export class UnsupportedCelValueError extends Error {}

/** String formats the API server turns into CEL timestamps, durations or bytes. */
const CONVERTED_STRING_FORMATS = new Set(["date", "date-time", "duration", "byte"]);

/** Root objects and embedded resources expose only these parts of `metadata` to CEL (`model.WithTypeAndObjectMeta`). */
const OBJECT_META_SCHEMA: JsonSchema = { type: "object", properties: { name: { type: "string" }, generateName: { type: "string" } } };

function withTypeAndObjectMeta(node: JsonSchema): JsonSchema {
  return {
    ...node,
    properties: { ...declaredProperties(node), apiVersion: { type: "string" }, kind: { type: "string" }, metadata: OBJECT_META_SCHEMA },
  };
}

function untypedToCel(value: unknown): CelInput {
  if (Array.isArray(value)) return value.map(untypedToCel);
  if (value && typeof value === "object") return new Map(Object.entries(value).map(([k, v]) => [k, untypedToCel(v)]));
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  return value as CelInput;
}

/**
 * `value` as CEL sees it under `node`. `isResourceRoot` is true for the object itself, whose
 * `apiVersion`, `kind`, `metadata.name` and `metadata.generateName` are all a rule can read of its header.
 */
export function toCelValue(root: JsonSchema, node: JsonSchema, value: unknown, isResourceRoot = false): CelInput {
  let schema = resolveSchema(root, node);
  if (value === null || value === undefined) return null;
  if (schema["x-kubernetes-int-or-string"] === true) {
    return typeof value === "number" && Number.isInteger(value) ? BigInt(value) : (value as CelInput);
  }
  if (isResourceRoot || schema["x-kubernetes-embedded-resource"] === true) schema = withTypeAndObjectMeta(schema);
  const props = declaredProperties(schema);
  const valueSchema = mapValueSchema(schema);
  if (schema.type === "object" && value && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (props) {
      const out = new Map<string, CelInput>();
      for (const [key, child] of entries) {
        const escaped = escapeCelFieldName(key);
        // A null field of an object is an absent field; undeclared fields are pruned by the API server.
        if (child === null || escaped === undefined || !props[key]) continue;
        out.set(escaped, toCelValue(root, props[key], child));
      }
      return out;
    }
    if (valueSchema) return new Map(entries.map(([key, child]) => [key, toCelValue(root, valueSchema, child)]));
    // Preserved unknown fields are opaque to CEL.
    return new Map();
  }
  if (schema.type === "array" && Array.isArray(value)) {
    const items = itemSchema(schema);
    return items ? value.map((v) => toCelValue(root, items, v)) : value.map(untypedToCel);
  }
  if (schema.type === "string" && typeof schema.format === "string" && CONVERTED_STRING_FORMATS.has(schema.format)) {
    throw new UnsupportedCelValueError(`values of format "${schema.format}" are not converted to CEL offline`);
  }
  if (schema.type === "integer" && typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (schema.type === undefined) return untypedToCel(value);
  return value as CelInput;
}
