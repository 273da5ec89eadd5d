/**
 * Runs the pack's policies outside the Pulumi engine: over the offline plan,
 * or over any saved `pulumi preview --json`. It follows what the engine does:
 * props wrapped in `unknownCheckingProxy`, enforcement from the stack's policy
 * config, then the policy, then the pack; `remediate` reported as mandatory;
 * a policy that meets an unknown value reported as advisory.
 */
import type {
  EnforcementLevel,
  Policies,
  PolicyPackConfig,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { unknownCheckingProxy, UnknownValueError } from "./lib/proxy";

export interface PlanResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly protect: boolean;
  readonly parent?: string;
  readonly dependencies: readonly string[];
}

export interface Violation {
  readonly policyName: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly message: string;
  readonly urn?: string;
}

export interface PolicyReport {
  /** Policies that ran (not disabled). */
  readonly policiesRun: string[];
  readonly violations: Violation[];
}

export interface RunPoliciesOptions {
  readonly policies: Policies;
  readonly packEnforcementLevel: EnforcementLevel;
  readonly config?: PolicyPackConfig;
}

class NotApplicable extends Error {}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicable(reason ?? "not applicable");
}

function options(r: PlanResource): PolicyResourceOptions {
  return {
    protect: r.protect,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  };
}

function levelOf(policyName: string, own: EnforcementLevel | undefined, opts: RunPoliciesOptions): EnforcementLevel {
  const configured = opts.config?.[policyName];
  const fromConfig = typeof configured === "string" ? configured : configured?.enforcementLevel;
  return fromConfig ?? own ?? opts.packEnforcementLevel;
}

function configOf(policyName: string, opts: RunPoliciesOptions): Record<string, unknown> {
  const configured = opts.config?.[policyName];
  if (!configured || typeof configured === "string") return {};
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { enforcementLevel, ...rest } = configured;
  return rest;
}

function isResourcePolicy(p: Policies[number]): p is ResourceValidationPolicy {
  return typeof (p as ResourceValidationPolicy).validateResource !== "undefined";
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
  const isInstance = (resourceClass as { __pulumiType?: string }).__pulumiType;
  return isInstance === type;
}

export async function runPolicies(resources: readonly PlanResource[], opts: RunPoliciesOptions): Promise<PolicyReport> {
  const violations: Violation[] = [];
  const policiesRun: string[] = [];
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  for (const policy of opts.policies) {
    let level = levelOf(policy.name, policy.enforcementLevel, opts);
    if (level === "disabled") continue;
    if (level === "remediate") level = "mandatory";
    policiesRun.push(policy.name);
    const report = (urn?: string) => (message: string, reportedUrn?: string) =>
      violations.push({ policyName: policy.name, enforcementLevel: level, message, urn: reportedUrn ?? urn });
    const getConfig = <T extends object>() => configOf(policy.name, opts) as T;
    const onError = (err: unknown, urn?: string) => {
      if (err instanceof NotApplicable) return;
      if (err instanceof UnknownValueError) {
        violations.push({
          policyName: policy.name,
          enforcementLevel: "advisory",
          message: `can't run during preview: ${(err as Error).message}`,
          urn,
        });
        return;
      }
      throw err;
    };
    if (isResourcePolicy(policy)) {
      if (!policy.validateResource) continue;
      const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
      for (const r of resources) {
        for (const validate of validations) {
          const props = unknownCheckingProxy(r.props);
          const args: ResourceValidationArgs = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: options(r),
            stackTags: new Map(),
            isType: (cls) => isTypeOf(r.type, cls),
            asType: <TResource, TArgs>(cls: new (name: string, args: TArgs, ...rest: never[]) => TResource) =>
              (isTypeOf(r.type, cls) ? props : undefined) as never,
            getConfig,
            notApplicable: throwNotApplicable,
          };
          try {
            await validate(args, report(r.urn));
          } catch (err) {
            onError(err, r.urn);
          }
        }
      }
    } else {
      const stackPolicy = policy as StackValidationPolicy;
      const policyResources: PolicyResource[] = resources.map((r) => toPolicyResource(r, byUrn));
      try {
        await stackPolicy.validateStack(
          { resources: policyResources, stackTags: new Map(), getConfig, notApplicable: throwNotApplicable },
          report(),
        );
      } catch (err) {
        onError(err);
      }
    }
  }
  return { policiesRun, violations };
}

function toPolicyResource(r: PlanResource, byUrn: Map<string, PlanResource>, depth = 0): PolicyResource {
  const parent = r.parent && depth < 32 ? byUrn.get(r.parent) : undefined;
  return {
    type: r.type,
    props: unknownCheckingProxy(r.props),
    urn: r.urn,
    name: r.name,
    opts: options(r),
    parent: parent ? toPolicyResource(parent, byUrn, depth + 1) : undefined,
    dependencies: [],
    propertyDependencies: {},
    isType: (cls) => isTypeOf(r.type, cls),
    asType: (cls) => (isTypeOf(r.type, cls) ? unknownCheckingProxy(r.props) : undefined) as never,
  };
}

/** Steps whose resource is not part of the new state. */
/** Preview step ops whose resource does not exist after the update; they carry no `newState`. */
export const GONE_OPS: ReadonlySet<string> = new Set([
  "delete",
  "delete-replaced",
  "discard",
  "discard-replaced",
  "read-discard",
  "remove-pending-replace",
]);

/** Resources as the policies see them, from a preview document (offline plan or `pulumi preview --json`). */
export function resourcesFromPreview(doc: { steps?: { op?: string; urn?: string; newState?: Record<string, unknown> }[] }): PlanResource[] {
  // `--show-replacement-steps` lists a replaced resource twice (create-replacement, replace): keep one, the last.
  const byUrn = new Map<string, PlanResource>();
  for (const step of doc.steps ?? []) {
    const state = step.newState;
    if (!state || GONE_OPS.has(String(step.op))) continue;
    const urn = String(state.urn ?? step.urn ?? "");
    byUrn.delete(urn);
    byUrn.set(urn, {
      urn,
      type: String(state.type ?? ""),
      name: urn.slice(urn.lastIndexOf("::") + 2),
      props: (state.inputs ?? {}) as Record<string, unknown>,
      protect: state.protect === true,
      parent: typeof state.parent === "string" ? state.parent : undefined,
      dependencies: Array.isArray(state.dependencies) ? (state.dependencies as string[]) : [],
    });
  }
  return [...byUrn.values()];
}
