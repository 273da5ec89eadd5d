/**
 * A fast reader for the large, machine-written YAML of shared/crds (the KubeRay CRDs are a megabyte each): js-yaml
 * reads them six times faster than the `yaml` package the rest of the project uses, which took most of a second per
 * CRD on a run with no cache.
 *
 * It answers only where it is sure to agree with `yaml` (YAML 1.2, core schema), and otherwise says nothing, so the
 * caller reads the text with `yaml` and keeps its results and its messages:
 *   - plain scalars resolve by the core schema's own rules (YAML 1.2.2, 10.3.2), written out below, as `yaml`
 *     resolves them; js-yaml's own core schema differs at the edges (`0b101` is a number to it, `-.5` a string,
 *     `-0` a zero);
 *   - a tag other than the core schema's, a duplicate key or any YAML mistake: nothing (js-yaml throws);
 *   - an alias to a mapping or a sequence: nothing, since `yaml` bounds how far aliases may multiply a document
 *     (`maxAliasCount`) and js-yaml does not;
 *   - a key that may have been a null, a mapping or a sequence (a key "null", or one with "," or "[object "): nothing,
 *     as the two make different strings of such keys;
 *   - more than one document: nothing.
 */
import * as jsyaml from "js-yaml";

const NULL = /^(?:~|null|Null|NULL)?$/;
const BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
const INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const FLOAT = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

const coreNull = new jsyaml.Type("tag:yaml.org,2002:null", {
  kind: "scalar",
  resolve: (data: string) => NULL.test(data),
  construct: () => null,
});

const coreBool = new jsyaml.Type("tag:yaml.org,2002:bool", {
  kind: "scalar",
  resolve: (data: string) => BOOL.test(data),
  construct: (data: string) => data.toLowerCase() === "true",
});

const coreInt = new jsyaml.Type("tag:yaml.org,2002:int", {
  kind: "scalar",
  resolve: (data: string) => INT.test(data),
  construct: (data: string) => {
    if (data.startsWith("0o")) return parseInt(data.slice(2), 8);
    if (data.startsWith("0x")) return parseInt(data.slice(2), 16);
    return Number(data);
  },
});

const coreFloat = new jsyaml.Type("tag:yaml.org,2002:float", {
  kind: "scalar",
  resolve: (data: string) => FLOAT.test(data),
  construct: (data: string) => {
    const inf = /^([-+]?)\.(?:inf|Inf|INF)$/.exec(data);
    if (inf) return inf[1] === "-" ? -Infinity : Infinity;
    if (data.startsWith(".")) {
      if (/^\.(?:nan|NaN|NAN)$/.test(data)) return NaN;
    }
    return Number(data);
  },
});

/** The YAML 1.2 core schema's tags and the plain scalars each resolves, over the failsafe schema's strings, sequences and mappings. */
const CORE_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [coreNull, coreBool, coreInt, coreFloat] });

/**
 * True where js-yaml's object may differ from `yaml`'s: some mapping or sequence is reached twice (the document held
 * an alias to it), or a key may have been a null (`yaml` makes it "", js-yaml "null") or a mapping or sequence
 * (which the two turn into different strings).
 */
function unsure(root: unknown): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object") continue;
    if (seen.has(node)) return true;
    seen.add(node);
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === "null" || key.includes(",") || key.includes("[object ")) return true;
      stack.push(value);
    }
  }
  return false;
}

/** The single document `text` holds, as `yaml` would read it; undefined wherever this reader is not sure of that. */
export function readCoreYaml(text: string): { readonly value: unknown } | undefined {
  let documents: unknown[];
  try {
    documents = jsyaml.loadAll(text, undefined, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  if (documents.length !== 1 || unsure(documents[0])) return undefined;
  return { value: documents[0] };
}
