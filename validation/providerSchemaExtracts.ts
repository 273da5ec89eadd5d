/**
 * The azuredevops provider schema arrives as extracts of one provider commit (`shared/schemas/azuredevops.schema.json`
 * and its supplements). The SDK generator, its contract test and the plan's schema check all read them as one schema:
 * the union of their `resources`, `functions` and `types`. A token in two extracts is a fault of the shared material,
 * not something to resolve by picking one.
 */
import { parseSharedJson, readSharedText, SharedMaterialError } from "./sharedMaterial";

export const SCHEMA_SECTIONS = ["resources", "functions", "types"] as const;
export type SchemaSection = (typeof SCHEMA_SECTIONS)[number];

export type SchemaExtract = { [section in SchemaSection]: Record<string, unknown> };

export interface ExtractText {
  readonly file: string;
  readonly text: string;
}

/** Reads each extract's text, naming the file when it is missing. */
export function readSchemaExtracts(files: readonly string[]): ExtractText[] {
  return files.map((file) => ({ file, text: readSharedText(file, "an extract of the azuredevops provider's Pulumi schema") }));
}

/**
 * One schema from the extracts. The first is the provider's main extract and must carry all three sections; a
 * supplement must carry `resources` and may leave out the others.
 */
export function mergeSchemaExtracts<T extends SchemaExtract>(extracts: readonly ExtractText[]): T {
  const merged: SchemaExtract = { resources: {}, functions: {}, types: {} };
  const origin = new Map<string, string>();
  extracts.forEach(({ file, text }, i) => {
    const parsed = parseSharedJson(file, text) as Partial<Record<string, unknown>> | null;
    const rest: Record<string, unknown> = { ...parsed };
    for (const section of SCHEMA_SECTIONS) {
      const value = parsed?.[section];
      const optional = i > 0 && section !== "resources";
      if (value === undefined && optional) continue;
      if (!value || typeof value !== "object" || Array.isArray(value)) {
        throw new SharedMaterialError(file, `no "${section}" object (truncated, or not a Pulumi provider schema)`);
      }
      for (const [token, spec] of Object.entries(value)) {
        const earlier = origin.get(`${section}:${token}`);
        if (earlier !== undefined) throw new SharedMaterialError(file, `${section} token ${token} is also defined in ${earlier}`);
        origin.set(`${section}:${token}`, file);
        merged[section][token] = spec;
      }
      delete rest[section];
    }
    // The first extract's other fields (name, config, language) describe the provider; supplements only add tokens.
    if (i === 0) Object.assign(merged, rest);
  });
  return merged as T;
}
