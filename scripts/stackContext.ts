/**
 * npm run stack-context -- --stack STACK
 *
 * Prints the kubeconfig context of STACK's cluster: `cluster.context` of `Pulumi.<STACK>.yaml`, the one context the
 * stack's Kubernetes provider is bound to. The platform pipeline names the context it fetches for that cluster with
 * it (`az aks get-credentials --context`, .ci/stack-job-setup.yml), so a job that holds several clusters'
 * credentials reaches each stack's own cluster, whatever the clusters are called in Azure.
 *
 * The stack file is read and validated as the program reads it: a stack whose config the program would refuse is
 * refused here with the same message. The shared stack has no cluster, and is refused.
 *
 * Exit codes: 0 printed; 2 bad arguments, no such stack file, invalid config, or a stack without a cluster.
 */
import * as path from "path";
import { parseArgs } from "util";
import { isStackConfigError } from "../config/errors";
import type { StackConfig } from "../config/stackConfig";
import { PlanInputError } from "../plan/stackConfigFile";
import { stackConfigFor } from "../plan/stackConfigFor";

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const USAGE = "usage: npm run stack-context -- --stack STACK";

export interface StackContextResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The context a stack's Kubernetes provider is bound to; throws a {@link PlanInputError} saying why there is none. */
export function stackContext(projectDir: string, stack: string): string {
  let config: StackConfig;
  try {
    config = stackConfigFor(projectDir, stack, []);
  } catch (err) {
    if (isStackConfigError(err)) throw new PlanInputError(err.message);
    throw err;
  }
  // The schema requires a cluster in every role but shared.
  if (config.cluster === undefined) {
    throw new PlanInputError(
      `stack "${stack}" has role ${config.role} and no cluster: the shared stack applies nothing to a cluster, ` +
        `so no job needs its credentials; only environment and standalone stacks have cluster.context`,
    );
  }
  return config.cluster.context;
}

export function runStackContext(argv: readonly string[], projectDir: string): StackContextResult {
  let stack: string | undefined;
  try {
    ({
      values: { stack },
    } = parseArgs({ args: [...argv], options: { stack: { type: "string" } }, strict: true, allowPositionals: false }));
  } catch (err) {
    return { exitCode: EXIT_USAGE, stdout: "", stderr: `${(err as Error).message}\n${USAGE}\n` };
  }
  if (stack === undefined) return { exitCode: EXIT_USAGE, stdout: "", stderr: `--stack is required\n${USAGE}\n` };
  try {
    return { exitCode: EXIT_OK, stdout: `${stackContext(projectDir, stack)}\n`, stderr: "" };
  } catch (err) {
    if (!(err instanceof PlanInputError)) throw err;
    return { exitCode: EXIT_USAGE, stdout: "", stderr: `stack-context: ${err.message}\n` };
  }
}

if (require.main === module) {
  const result = runStackContext(process.argv.slice(2), path.resolve(__dirname, ".."));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exit(result.exitCode);
}
