/**
 * A stack's config as the program would see it, read as the offline plan reads it (the stack file, then `--config`
 * overrides), secrets left out: for the commands that need the config without running the program
 * (check-app-repo, check-heavy-pins, stack-context).
 */
import { StackConfigError } from "../config/errors";
import { configErrorMessage, stackConfigFromStrings } from "../config/parse";
import { PROJECT_NAME } from "../config/projectName";
import { StackConfig } from "../config/stackConfig";
import { buildPlanConfig, parseOverride } from "./stackConfigFile";

/** Throws a PlanInputError (no such stack file, a bad override) or a StackConfigError (config the program refuses). */
export function stackConfigFor(projectDir: string, stack: string, overrides: readonly string[]): StackConfig {
  const planConfig = buildPlanConfig(
    projectDir,
    stack,
    overrides.map((o) => parseOverride(o, false)),
  );
  const result = stackConfigFromStrings(planConfig.config, PROJECT_NAME, planConfig.secretKeys, stack);
  if (!result.ok) throw new StackConfigError(configErrorMessage(stack, result.problems));
  return result.config;
}
