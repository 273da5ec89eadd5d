/**
 * What an environment stack's StackReference reads, offline: the shared stack's own program run under the mocks, so
 * `npm run plan -- --stack uat` needs no cloud and sees exactly the outputs the shared stack's config produces.
 */
import { StackConfigError, isStackConfigError } from "../config/errors";
import { DEFAULT_SHARED_STACK, withRoleDefaults } from "../config/stackRole";
import { PlanInputError } from "./planInputError";
import { PROJECT_NAME } from "../config/projectName";
import { runProgram } from "./runProgram";
import { buildPlanConfig, PlanConfig } from "./stackConfigFile";

/** Referenced stack name to its outputs, for {@link MockOptions.stackOutputs}; empty when the stack reads none. */
export type StackOutputsByName = Record<string, Record<string, unknown>>;

/**
 * The outputs of the shared stack this stack's config references (role environment, registry from the shared stack);
 * empty for any other stack. A shared stack that does not plan is reported as this stack's config problem.
 */
export async function referencedStackOutputs(
  projectDir: string,
  stack: string,
  planConfig: PlanConfig,
  program: () => unknown,
): Promise<StackOutputsByName> {
  const name = referencedSharedStack(planConfig.config);
  if (name === undefined) return {};
  const sharedStack = offlineStackName(name, stack);
  let sharedConfig: PlanConfig;
  try {
    sharedConfig = buildPlanConfig(projectDir, sharedStack, []);
  } catch (err) {
    if (err instanceof PlanInputError)
      throw new PlanInputError(`stack "${stack}" reads the shared stack (sharedStack = "${name}"): ${err.message}`);
    throw err;
  }
  const role = sharedConfig.config[`${PROJECT_NAME}:role`];
  if (role !== "shared") {
    throw new StackConfigError(
      `Invalid config for stack "${stack}":\n  - sharedStack = "${name}": stack ${sharedStack} has role ${role ?? "standalone"}; ` +
        `expected the project's shared stack (role shared), such as "${DEFAULT_SHARED_STACK}"; set it with \`pulumi config set sharedStack <value>\``,
    );
  }
  try {
    const run = await runProgram({ stack: sharedStack, config: sharedConfig.config, secretKeys: sharedConfig.secretKeys, program });
    return { [name]: run.outputs };
  } catch (err) {
    if (isStackConfigError(err)) {
      throw new StackConfigError(`stack "${stack}" reads the shared stack "${sharedStack}", whose config does not plan:\n${err.message}`);
    }
    throw err;
  }
}

/**
 * The `sharedStack` a stack's config (as the CLI hands it over) reads its registry from: an environment stack's whose
 * registry mode, after the role's defaults (config/stackRole.ts), is shared-stack; undefined for any other stack.
 */
export function referencedSharedStack(config: Readonly<Record<string, string>>): string | undefined {
  const registryText = config[`${PROJECT_NAME}:registry`];
  let registry: unknown;
  try {
    registry = registryText === undefined ? undefined : JSON.parse(registryText);
  } catch {
    return undefined; // the program reports the malformed value
  }
  const raw = withRoleDefaults({ role: config[`${PROJECT_NAME}:role`], registry, sharedStack: config[`${PROJECT_NAME}:sharedStack`] });
  const mode = (raw.registry as { mode?: unknown } | undefined)?.mode;
  return mode === "shared-stack" && typeof raw.sharedStack === "string" ? raw.sharedStack : undefined;
}

/** `shared`, `<org>/shared` or `<org>/<project>/shared` to the stack file's name here; another project is not here. */
export function offlineStackName(name: string, stack: string): string {
  const parts = name.split("/");
  if (parts.length === 3 && parts[1] !== PROJECT_NAME) {
    throw new PlanInputError(
      `stack "${stack}": sharedStack = "${name}" names project ${parts[1]}, and the offline plan only knows this project's stacks (${PROJECT_NAME}); ` +
        `name a stack of ${PROJECT_NAME}`,
    );
  }
  return parts[parts.length - 1];
}
