/**
 * The one place the program reads stack config. It validates every non-secret key
 * (config/parse.ts), applies the documented defaults, reads the secret keys as
 * secret Outputs, and throws one {@link StackConfigError} that names every bad key
 * before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { StackConfigError } from "./errors";
import { configErrorMessage, stackConfigFromStrings } from "./parse";
import { realRunProblems } from "./realRun";
import { isOfflinePlan } from "./runMode";
import { requiredSecretKeyNames, SECRET_CONFIG_KEYS } from "./secrets";
import { StackConfig } from "./stackConfig";

export interface LoadedStackConfig extends StackConfig {
  /** The stack's name, e.g. `dev`. */
  readonly stack: string;
  /** Secret config values by key, each a secret Output; an optional key that is not set is absent. */
  readonly secrets: Readonly<Record<string, pulumi.Output<string>>>;
}

/** Reads, validates and defaults the current stack's config. */
export function loadStackConfig(): LoadedStackConfig {
  const stack = pulumi.getStack();
  const config = pulumi.runtime.allConfig();
  const secretKeys = Object.keys(config).filter((key) => isConfigSecret(key));
  const result = stackConfigFromStrings(config, pulumi.getProject(), secretKeys, stack);
  if (!result.ok) throw new StackConfigError(configErrorMessage(stack, result.problems));
  // Placeholders and the registry's unset live settings carry the offline plan only; a real engine run refuses them.
  const realRun = isOfflinePlan() ? [] : realRunProblems(result.config);
  if (realRun.length > 0) throw new StackConfigError(configErrorMessage(stack, realRun));
  const cfg = new pulumi.Config();
  const secrets: Record<string, pulumi.Output<string>> = {};
  const requiredKeys = requiredSecretKeyNames(result.config.role);
  for (const { key } of SECRET_CONFIG_KEYS) {
    if (requiredKeys.includes(key)) secrets[key] = cfg.requireSecret(key);
    else {
      const value = cfg.getSecret(key);
      if (value !== undefined) secrets[key] = value;
    }
  }
  return { ...result.config, stack, secrets };
}

/** Whether a key was set with `--secret`; the runtime exports this without declaring it. */
function isConfigSecret(fullKey: string): boolean {
  return (pulumi.runtime as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret(fullKey);
}
