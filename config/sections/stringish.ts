import { z } from "zod";

/**
 * A config value that ends up as a string (an env var, a label value), given
 * as `pulumi config set --path` stores it: `4` arrives as a number and `true`
 * as a boolean, so both are accepted and rendered as the string they were
 * typed as (`"4"`, `"true"`).
 */
export const stringish = z
  .union([z.string(), z.number(), z.boolean()], { error: "expected a string, number or boolean value" })
  .transform((v) => String(v));
