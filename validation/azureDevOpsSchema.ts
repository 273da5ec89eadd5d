/**
 * Validates azuredevops resource inputs against the provider's Pulumi schema
 * (`shared/schemas/azuredevops.schema.json` and its supplement
 * `azuredevops-checks.schema.json`): property names, types, nested
 * blocks and required inputs. The Pulumi schema is converted to JSON Schema
 * once and compiled with ajv.
 */
import type Ajv from "ajv";
import type { ValidateFunction } from "ajv";
import { newAjv } from "./ajvCompiler";
import { ajvErrorsToReasons } from "./finding";
import { azureDevOpsSchemaPaths } from "./paths";
import { perSharedDir } from "./perSharedDir";
import { ExtractText, mergeSchemaExtracts, readSchemaExtracts, SchemaExtract } from "./providerSchemaExtracts";
import { loadCachedValidator, storeValidator } from "./validatorCache";
import { keyedByCode } from "./codeDigest";

type JsonSchema = Record<string, unknown>;

interface PulumiTypeSpec {
  type?: string;
  items?: PulumiTypeSpec;
  additionalProperties?: PulumiTypeSpec;
  $ref?: string;
  enum?: { value: unknown }[];
  properties?: Record<string, PulumiTypeSpec>;
  required?: string[];
}

interface PulumiSchema extends SchemaExtract {
  resources: Record<string, { inputProperties?: Record<string, PulumiTypeSpec>; requiredInputs?: string[] }>;
  functions: Record<string, { inputs?: { properties?: Record<string, PulumiTypeSpec>; required?: string[] } }>;
  types: Record<string, PulumiTypeSpec>;
}

/** Without ajv's optimizing pass over the generated code: half of a compile, and nothing it reports changes. */
const AJV_OPTIONS = { strict: false, allErrors: true, code: { source: true, optimize: false } } as const;

const loaded = perSharedDir(() => ({
  extracts: undefined as ExtractText[] | undefined,
  schema: undefined as PulumiSchema | undefined,
  ajv: undefined as Ajv | undefined,
  validators: new Map<string, ValidateFunction>(),
}));

function azureDevOpsSchemaExtracts(): ExtractText[] {
  const state = loaded();
  state.extracts ??= readSchemaExtracts(azureDevOpsSchemaPaths());
  return state.extracts;
}

/** The provider schema: the main extract and its supplements (the pipeline checks) as one. */
export function azureDevOpsSchema(): PulumiSchema {
  const state = loaded();
  state.schema ??= mergeSchemaExtracts<PulumiSchema>(azureDevOpsSchemaExtracts());
  return state.schema;
}

function definitionName(ref: string): string {
  return ref.replace("#/types/", "").replace(/[^A-Za-z0-9_]/g, "_");
}

function convert(spec: PulumiTypeSpec): JsonSchema {
  if (spec.$ref) {
    if (spec.$ref.startsWith("#/types/")) return { $ref: `#/definitions/${definitionName(spec.$ref)}` };
    return {}; // pulumi.json#/Any, Archive, Asset: anything goes
  }
  switch (spec.type) {
    case "array":
      return { type: "array", items: spec.items ? convert(spec.items) : {} };
    case "object":
      if (spec.properties) return objectSchema(spec.properties, spec.required ?? []);
      return { type: "object", additionalProperties: spec.additionalProperties ? convert(spec.additionalProperties) : {} };
    case "string":
    case "integer":
    case "number":
    case "boolean": {
      const out: JsonSchema = { type: spec.type };
      if (spec.enum) out.enum = spec.enum.map((e) => e.value);
      return out;
    }
    default:
      return {};
  }
}

function objectSchema(properties: Record<string, PulumiTypeSpec>, required: string[]): JsonSchema {
  return {
    type: "object",
    properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, convert(v)])),
    required,
    additionalProperties: false,
  };
}

function compiler(): Ajv {
  const state = loaded();
  if (state.ajv) return state.ajv;
  const ajv = newAjv(AJV_OPTIONS);
  const definitions = Object.fromEntries(
    Object.entries(azureDevOpsSchema().types).map(([token, spec]) => [definitionName(`#/types/${token}`), convert(spec)]),
  );
  ajv.addSchema({ $id: "azuredevops-types", definitions });
  state.ajv = ajv;
  return ajv;
}

function resolveRefs(s: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(s).replace(/"#\/definitions\//g, '"azuredevops-types#/definitions/')) as JsonSchema;
}

/** The JSON schema of a resource's inputs, or undefined if the schema does not define the token. */
export function resourceInputSchema(token: string): JsonSchema | undefined {
  const resource = azureDevOpsSchema().resources[token];
  if (!resource) return undefined;
  return resolveRefs(objectSchema(resource.inputProperties ?? {}, resource.requiredInputs ?? []));
}

/** The JSON schema of a function's arguments, or undefined if the schema does not define the token. */
export function functionInputSchema(token: string): JsonSchema | undefined {
  const fn = azureDevOpsSchema().functions[token];
  if (!fn) return undefined;
  return resolveRefs(objectSchema(fn.inputs?.properties ?? {}, fn.inputs?.required ?? []));
}

function validatorFor(token: string, kind: "resource" | "function"): ValidateFunction | undefined {
  const key = `${kind}:${token}`;
  const { validators } = loaded();
  const existing = validators.get(key);
  if (existing) return existing;
  // Keyed by the schema files and by the conversion (this module's code and what it imports): its validators are
  // derived from them alone. Without a digest of the conversion nothing is cached.
  const name = `azuredevops-${kind}-${token.replace(/[^A-Za-z0-9]+/g, "_")}`;
  const cacheKey = keyedByCode(__filename, JSON.stringify(AJV_OPTIONS), key, ...azureDevOpsSchemaExtracts().map((e) => e.text));
  let validate = loadCachedValidator(name, cacheKey);
  if (!validate) {
    const s = kind === "resource" ? resourceInputSchema(token) : functionInputSchema(token);
    if (!s) return undefined;
    validate = compiler().compile(s);
    storeValidator(name, cacheKey, compiler(), validate);
  }
  validators.set(key, validate);
  return validate;
}

export function validateAzureDevOpsInputs(
  token: string,
  inputs: unknown,
  kind: "resource" | "function" = "resource",
): { known: boolean; errors: { path: string; reason: string }[] } {
  const validate = validatorFor(token, kind);
  if (!validate) return { known: false, errors: [] };
  if (validate(inputs)) return { known: true, errors: [] };
  return { known: true, errors: ajvErrorsToReasons(validate.errors ?? []) };
}
