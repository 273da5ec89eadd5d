/**
 * A stack's policy config (`policies/config/<stack>.json`, the file
 * `pulumi preview --policy-pack-config` takes): enforcement levels and policy
 * properties by policy name. Read and checked the same way by `npm run plan`
 * and `npm run policy`.
 */
import * as fs from "fs";
import * as path from "path";
import type { PolicyPackConfig } from "@pulumi/policy";
import { POLICIES } from "./pack";

export class PolicyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyConfigError";
  }
}

export function policyConfigPath(projectDir: string, stack: string): string {
  return path.join(projectDir, "policies", "config", `${stack}.json`);
}

/** The config in `file`; undefined when it does not exist and is not `required`. */
export function readPolicyConfig(file: string, required: boolean): PolicyPackConfig | undefined {
  if (!fs.existsSync(file)) {
    if (required) throw new PolicyConfigError(`can't read policy config ${file}: no such file`);
    return undefined;
  }
  let config: unknown;
  try {
    config = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new PolicyConfigError(`policy config ${file} is not JSON: ${(err as Error).message}`);
  }
  if (!config || typeof config !== "object" || Array.isArray(config)) {
    throw new PolicyConfigError(
      `policy config ${file} must be an object keyed by policy name, e.g. {"no-mutable-images": {"environment": "dev"}}`,
    );
  }
  const known = new Set(POLICIES.map((p) => p.name));
  for (const [name, value] of Object.entries(config)) {
    if (!known.has(name))
      throw new PolicyConfigError(`policy config ${file}: "${name}" is not a policy of this pack; known: ${[...known].join(", ")}`);
    const level = typeof value === "string" ? value : (value as { enforcementLevel?: unknown } | null)?.enforcementLevel;
    if (level !== undefined && !["advisory", "mandatory", "remediate", "disabled"].includes(String(level))) {
      throw new PolicyConfigError(
        `policy config ${file}: "${name}" has enforcement level ${JSON.stringify(level)}; use advisory, mandatory or disabled`,
      );
    }
  }
  return config as PolicyPackConfig;
}
