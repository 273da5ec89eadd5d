/**
 * Validates custom resources against the `openAPIV3Schema` of the served
 * version in the upstream CRDs. Kubernetes prunes unknown fields silently; here
 * an unknown field is an error (like `kubectl apply --validate=strict`), so a
 * typo fails the plan instead of vanishing on apply.
 */
import type Ajv from "ajv";
import type { ValidateFunction } from "ajv";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { cachedCelFindings } from "./celFindingsCache";
import { celRuleFindings } from "./celRules";
import { codeDigest } from "./codeDigest";
import { newAjv } from "./ajvCompiler";
import { ajvErrorsToReasons } from "./finding";
import { cacheDir, crdDir } from "./paths";
import { perSharedDir } from "./perSharedDir";
import { listSharedDir, parseSharedYaml, readSharedText, SharedMaterialError } from "./sharedMaterial";
import { loadCachedValidator, storeValidator, writeAtomically } from "./validatorCache";

type JsonSchema = Record<string, unknown>;

interface CrdEntry {
  readonly file: string;
  readonly group: string;
  readonly kind: string;
}

const loaded = perSharedDir(() => ({
  crdIndex: undefined as Map<string, CrdEntry> | undefined,
  schemas: new Map<string, ServedSchema | undefined>(),
  validators: new Map<string, ValidateFunction>(),
}));
// ajv's optimizing pass over the generated code takes half of a compile and changes nothing it reports: a cold
// plan or test run compiles these schemas, a warm one loads the code from the cache.
const AJV_OPTIONS = { strict: false, allErrors: true, validateFormats: false, code: { source: true, optimize: false } } as const;
let ajv: Ajv | undefined;

function indexCrds(): Map<string, CrdEntry> {
  const state = loaded();
  if (state.crdIndex) return state.crdIndex;
  const index = new Map<string, CrdEntry>();
  for (const name of listSharedDir(crdDir(), "a folder of upstream CustomResourceDefinitions").sort()) {
    if (!name.endsWith(".yaml")) continue;
    const file = path.join(crdDir(), name);
    // The names block sits at the top of every CRD; no need to parse 1 MB to find it.
    const head = readSharedText(file, "a CustomResourceDefinition").slice(0, 4000);
    const group = /^\s{2}group:\s*(\S+)/m.exec(head)?.[1];
    const kind = /^\s{4}kind:\s*(\S+)/m.exec(head)?.[1];
    // A file here that names no group and kind is damaged, not something to skip: skipping it
    // would turn into "no schema found" for a resource far from the cause.
    if (!group || !kind || !/^kind:\s*CustomResourceDefinition\s*$/m.test(head)) {
      throw new SharedMaterialError(
        file,
        "not a CustomResourceDefinition (no kind: CustomResourceDefinition, spec.group and spec.names.kind at its top)",
      );
    }
    index.set(`${group}/${kind}`, { file, group, kind });
  }
  state.crdIndex = index;
  return index;
}

/** True when the CRDs folder defines this group and kind. */
export function hasCrd(group: string, kind: string): boolean {
  return indexCrds().has(`${group}/${kind}`);
}

/** The strict JSON schema for `group/version` `kind`, or undefined when that version is not served. */
export function crdSchema(group: string, version: string, kind: string): JsonSchema | undefined {
  return servedSchema(group, version, kind)?.schema;
}

interface ServedSchema {
  readonly schema: JsonSchema;
  /** Of the CRD's text and the conversion: names the schema in the caches. */
  readonly digest: string;
}

function servedSchema(group: string, version: string, kind: string): ServedSchema | undefined {
  const key = `${group}/${version}/${kind}`;
  const { schemas } = loaded();
  if (schemas.has(key)) return schemas.get(key);
  const entry = indexCrds().get(`${group}/${kind}`);
  const served = entry ? loadServedSchema(entry.file, version) : undefined;
  schemas.set(key, served);
  return served;
}

function loadServedSchema(file: string, version: string): ServedSchema | undefined {
  const text = readSharedText(file, "a CustomResourceDefinition");
  // The conversion is this module's code ({@link strictSchema}, {@link shareRepeatedSubschemas}) and what it imports:
  // an edit to it is another digest, so the schema is converted afresh. Without a digest nothing is cached.
  const conversion = codeDigest(__filename);
  const digest = createHash("sha256").update(`${conversion}\n${version}\n${text}`).digest("hex").slice(0, 24);
  const cached = conversion === null ? undefined : path.join(cacheDir(), `crd-${path.basename(file, ".yaml")}-${version}-${digest}.json`);
  const fromCache = cached === undefined ? undefined : readCachedJson(cached);
  if (fromCache) return { schema: fromCache, digest };
  const crd = parseSharedYaml(file, text) as { spec?: { versions?: unknown } } | null;
  const versions = crd?.spec?.versions;
  if (!Array.isArray(versions)) throw new SharedMaterialError(file, "no spec.versions list (truncated or not a CustomResourceDefinition)");
  const served = (versions as { name?: unknown; served?: unknown; schema?: { openAPIV3Schema?: unknown } }[]).find(
    (v) => v?.name === version && v.served,
  );
  if (!served) return undefined;
  const openApi = served.schema?.openAPIV3Schema;
  if (!openApi || typeof openApi !== "object" || Array.isArray(openApi)) {
    throw new SharedMaterialError(file, `served version ${version} has no schema.openAPIV3Schema object`);
  }
  const strict = strictSchema(openApi as JsonSchema);
  delete (strict.properties as Record<string, unknown> | undefined)?.status;
  const schema = shareRepeatedSubschemas(strict);
  if (cached !== undefined) writeAtomically(cached, JSON.stringify(schema));
  return { schema, digest };
}

/** A cached conversion, or undefined when absent or damaged (then it is rebuilt). */
function readCachedJson(file: string): JsonSchema | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as JsonSchema;
  } catch {
    return undefined;
  }
}

/** Rebuilds a schema node, applying `fn` to each sub-schema (property schemas, items, additionalProperties, *Of members). */
function mapSubschemas(node: JsonSchema, fn: (child: JsonSchema) => JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "properties" && value && typeof value === "object") {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, fn(v)]));
    } else if ((key === "items" || key === "additionalProperties") && value && typeof value === "object") {
      out[key] = fn(value as JsonSchema);
    } else if ((key === "anyOf" || key === "allOf" || key === "oneOf") && Array.isArray(value)) {
      out[key] = (value as JsonSchema[]).map(fn);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * Structural schema to strict JSON schema: objects with declared properties
 * reject unknown ones unless the CRD preserves unknown fields; descriptions are
 * dropped (they only slow compilation).
 */
export function strictSchema(node: JsonSchema): JsonSchema {
  const { description: _description, ...rest } = node;
  const out = mapSubschemas(rest, strictSchema);
  if (out.properties && out.additionalProperties === undefined && out["x-kubernetes-preserve-unknown-fields"] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

/** Sub-schemas smaller than this (as JSON) are not worth sharing. */
const SHARED_SCHEMA_MIN_SIZE = 1000;

/**
 * Moves every sub-schema that occurs more than once (the RayService CRD embeds
 * the full pod and container schemas in each group and container list) into
 * `definitions`, referenced by `$ref`, so ajv compiles each once: about a
 * quarter of the compile time, with the same errors at the same data paths.
 */
export function shareRepeatedSubschemas(root: JsonSchema): JsonSchema {
  const text = new Map<JsonSchema, string>();
  const occurrences = new Map<string, number>();
  const count = (node: JsonSchema): JsonSchema => {
    mapSubschemas(node, count);
    const key = JSON.stringify(node);
    text.set(node, key);
    occurrences.set(key, (occurrences.get(key) ?? 0) + 1);
    return node;
  };
  mapSubschemas(root, count);
  const definitions: Record<string, JsonSchema> = {};
  const names = new Map<string, string>();
  const share = (node: JsonSchema): JsonSchema => {
    const key = text.get(node) as string;
    if ((occurrences.get(key) ?? 0) < 2 || key.length < SHARED_SCHEMA_MIN_SIZE) return mapSubschemas(node, share);
    let name = names.get(key);
    if (name === undefined) {
      name = `shared${names.size}`;
      names.set(key, name);
      definitions[name] = mapSubschemas(node, share);
    }
    return { $ref: `#/definitions/${name}` };
  };
  return { ...mapSubschemas(root, share), definitions };
}

/**
 * Compiling the RayService schema takes most of a second; the generated validator is cached as a
 * module (keyed by the schema and the ajv version) so later runs only load it.
 */
function compileCached(name: string, schema: JsonSchema): ValidateFunction {
  const key = `${JSON.stringify(AJV_OPTIONS)}\n${JSON.stringify(schema)}`;
  const cached = loadCachedValidator(name, key);
  if (cached) return cached;
  ajv ??= newAjv(AJV_OPTIONS);
  const validate = ajv.compile(schema);
  storeValidator(name, key, ajv, validate);
  return validate;
}

export interface CrdValidationResult {
  /** False when no served schema exists for this apiVersion and kind. */
  readonly known: boolean;
  readonly errors: { path: string; reason: string }[];
}

/** Validates one custom resource object (`apiVersion`, `kind`, `metadata`, `spec`): its schema, then its CRD's CEL rules. */
export function validateCustomResource(object: { apiVersion?: unknown; kind?: unknown }): CrdValidationResult {
  const apiVersion = String(object.apiVersion ?? "");
  const kind = String(object.kind ?? "");
  const slash = apiVersion.indexOf("/");
  if (slash < 0) return { known: false, errors: [] };
  const group = apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const key = `${group}/${version}/${kind}`;
  const served = servedSchema(group, version, kind);
  if (!served) return { known: false, errors: [] };
  const { validators } = loaded();
  let validate = validators.get(key);
  if (!validate) {
    validate = compileCached(`${group}-${version}-${kind}`, served.schema);
    validators.set(key, validate);
  }
  const schemaErrors = validate(object) ? [] : (validate.errors ?? []);
  // A clean object's rule findings are kept between runs (celFindingsCache.ts); one with schema errors is rare.
  const celErrors =
    schemaErrors.length === 0
      ? cachedCelFindings(served.digest, object, (json) => celRuleFindings(served.schema, json, []))
      : celRuleFindings(served.schema, object, schemaErrors);
  return { known: true, errors: [...ajvErrorsToReasons(schemaErrors), ...celErrors] };
}
