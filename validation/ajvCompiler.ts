/**
 * ajv's compiler and its standalone code generator (sixty-odd modules), loaded when a schema has to be compiled. A
 * run whose validators are all cached (validatorCache.ts) runs their generated code, which needs only ajv's small
 * runtime helpers, and never loads the compiler.
 */
import type Ajv from "ajv";
import type { Options, ValidateFunction } from "ajv";

export function newAjv(options: Options): Ajv {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: AjvClass } = require("ajv") as typeof import("ajv");
  return new AjvClass(options);
}

/** ajv's `standaloneCode`: the module text of one validator, or of several named ones (`{ name: ref }`). */
export function standaloneCodeOf(ajv: Ajv, validators: ValidateFunction | Record<string, string>): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: standaloneCode } = require("ajv/dist/standalone") as typeof import("ajv/dist/standalone");
  return standaloneCode(ajv, validators);
}
