/**
 * Pipeline YAML checked against Microsoft's Azure Pipelines schema
 * (`../shared/schemas/azure-pipelines.service-schema.json`). A JSON schema
 * cannot express template expressions, so a `${{ each ... }}` or `${{ if ... }}`
 * list item is replaced by the items of its body before checking. Azure
 * Pipelines reads every scalar as a string, and the schema types them so (its
 * booleans are the strings "true", "false", ...), so numbers and booleans are
 * checked as the strings they are written as.
 */
import * as fs from "fs";
import Ajv, { ValidateFunction } from "ajv";
import { azurePipelinesSchemaPath } from "./paths";

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    // The schema's patterns escape characters the unicode flag refuses (`\:`); they are plain ECMAScript patterns.
    const ajv = new Ajv({ strict: false, allErrors: false, unicodeRegExp: false });
    compiled = ajv.compile(JSON.parse(fs.readFileSync(azurePipelinesSchemaPath(), "utf8")) as object);
  }
  return compiled;
}

const TEMPLATE_EXPRESSION_KEY = /^\$\{\{.*\}\}$/;

/** The document as the schema sees it: template-expression list items replaced by their body's items, scalars as strings. */
export function expandTemplateItems(value: unknown): unknown {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (item && typeof item === "object" && !Array.isArray(item)) {
        const keys = Object.keys(item);
        const body = (item as Record<string, unknown>)[keys[0]];
        if (keys.length === 1 && TEMPLATE_EXPRESSION_KEY.test(keys[0]) && Array.isArray(body)) return body.map(expandTemplateItems);
      }
      return [expandTemplateItems(item)];
    });
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandTemplateItems(v)]));
  }
  return value;
}

/** The schema's complaints about a parsed pipeline document, `<path> <message>` each; empty when it is valid. */
export function azurePipelinesSchemaErrors(doc: unknown): string[] {
  const validate = validator();
  if (validate(expandTemplateItems(doc))) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "(document)"} ${e.message ?? "is invalid"}`);
}
