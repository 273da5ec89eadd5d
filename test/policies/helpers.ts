/**
 * Runs one policy the way the engine does (props wrapped in
 * `unknownCheckingProxy`, config looked up by policy name) through the
 * offline runner, and returns what it reported.
 */
import type { PolicyPackConfig, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { PlanResource, runPolicies, Violation } from "../../policies/runner";

export async function violationsOf(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  resources: PlanResource | readonly PlanResource[],
  config?: PolicyPackConfig,
): Promise<Violation[]> {
  const list = Array.isArray(resources) ? resources : [resources as PlanResource];
  const report = await runPolicies(list, { policies: [policy], packEnforcementLevel: "mandatory", config });
  return report.violations;
}

/** The messages one policy reports, in order. */
export async function messagesOf(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  resources: PlanResource | readonly PlanResource[],
  config?: PolicyPackConfig,
): Promise<string[]> {
  return (await violationsOf(policy, resources, config)).map((v) => v.message);
}
