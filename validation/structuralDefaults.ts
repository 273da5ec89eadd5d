/**
 * The API server applies a CRD's `default`s before it runs the CRD's CEL rules
 * (k8s.io/apiextensions-apiserver `structuraldefaulting.Default`), so a rule
 * sees a defaulted field as set, and a rule on a defaulted node runs.
 */
import { declaredProperties, itemSchema, JsonSchema, mapValueSchema, resolveSchema } from "./celValues";

/** A copy of `value` with every absent (or null, when not nullable) property that has a non-null default set to it. */
export function withStructuralDefaults(root: JsonSchema, node: JsonSchema, value: unknown): unknown {
  const schema = resolveSchema(root, node);
  if (Array.isArray(value)) {
    const items = itemSchema(schema);
    return items ? value.map((v) => withStructuralDefaults(root, items, v)) : value;
  }
  if (!value || typeof value !== "object") return value;
  const props = declaredProperties(schema) ?? {};
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, prop] of Object.entries(props)) {
    const propSchema = resolveSchema(root, prop);
    const absent = !(key in out) || (out[key] === null && propSchema.nullable !== true);
    if (absent && propSchema.default !== undefined && propSchema.default !== null) out[key] = structuredClone(propSchema.default);
  }
  const valueSchema = mapValueSchema(schema);
  for (const [key, v] of Object.entries(out)) {
    if (props[key]) out[key] = withStructuralDefaults(root, props[key], v);
    else if (valueSchema) out[key] = withStructuralDefaults(root, valueSchema, v);
  }
  return out;
}
