/**
 * What a stack owns. One project, several stacks: the `shared` stack owns what exists once (the registry, the Azure
 * DevOps objects), each environment stack (`dev`, `uat`, `prod`) owns its cluster's objects and reads the shared
 * stack's outputs. `standalone` is the single-stack layout, one stack owning everything, as dev ran before the split
 * (docs/stacks.md).
 *
 * The role decides some defaults and refuses the keys the stack does not own, before the schema runs, so a key set in
 * the wrong stack is reported instead of silently doing nothing.
 */
import { REMOVE_KEY } from "./issues";

export const STACK_ROLES = ["standalone", "shared", "environment"] as const;
export type StackRole = (typeof STACK_ROLES)[number];

/** The shared stack's name, as environment stacks reference it unless `sharedStack` says otherwise. */
export const DEFAULT_SHARED_STACK = "shared";

/** A key the role refuses: where it is (config path) and why it belongs elsewhere. */
export interface RoleKeyProblem {
  readonly path: readonly string[];
  readonly input: unknown;
  readonly message: string;
  readonly params?: typeof REMOVE_KEY;
}

const IN_ENVIRONMENT_STACKS = "it describes a cluster's objects, which the environment stacks (dev, uat, prod) own";

/**
 * Keys each role refuses, by path. A path names a key and everything below it; `ray` in the shared stack is refused
 * except `ray.gpuWorker.heavyDependencies`, which the worker's base-image pipeline builds from.
 */
const REFUSED: Readonly<Record<StackRole, readonly { path: readonly string[]; why: string }[]>> = {
  standalone: [{ path: ["sharedStack"], why: "only an environment stack reads a shared stack (role environment)" }],
  shared: [
    { path: ["cluster"], why: `the shared stack applies nothing to a cluster; ${IN_ENVIRONMENT_STACKS}` },
    { path: ["api"], why: IN_ENVIRONMENT_STACKS },
    { path: ["sharedStack"], why: "the shared stack is the one the others read" },
    { path: ["registry", "pullSecrets"], why: IN_ENVIRONMENT_STACKS },
    { path: ["registry", "pullSecretUsername"], why: IN_ENVIRONMENT_STACKS },
    {
      path: ["registry", "kubeletAcrPull"],
      why: "each environment stack grants its own cluster's kubelet identity AcrPull on the shared registry",
    },
    {
      path: ["registry", "kubeletPrincipalId"],
      why: "each environment stack grants its own cluster's kubelet identity AcrPull on the shared registry",
    },
  ],
  environment: [
    {
      path: ["pipelines"],
      why: "the shared stack owns the Azure DevOps build definitions and their generated YAML; set pipelines in Pulumi.shared.yaml",
    },
  ],
};

/** The registry modes each role allows; the first is its default. */
export const ROLE_REGISTRY_MODES: Readonly<Record<StackRole, readonly string[]>> = {
  standalone: ["manage", "reference"],
  shared: ["manage"],
  environment: ["shared-stack", "reference"],
};

/** Keys of `ray` the shared stack reads (the base-image build); every other `ray` key is an environment's. */
const SHARED_RAY_KEYS: readonly string[] = ["gpuWorker.heavyDependencies"];

/** Whether raw config names a role that does not exist (the schema reports it; nothing role-dependent is checked then). */
export function hasUnknownRole(raw: Readonly<Record<string, unknown>>): boolean {
  return raw.role !== undefined && !(STACK_ROLES as readonly unknown[]).includes(raw.role);
}

/** The role a raw config asks for; an invalid value is reported by the schema, and defaults apply as standalone. */
export function roleOf(raw: Readonly<Record<string, unknown>>): StackRole {
  const role = raw.role;
  return (STACK_ROLES as readonly unknown[]).includes(role) ? (role as StackRole) : "standalone";
}

/** Keys of raw config that the stack's role does not own; empty when the config fits its role. */
export function roleKeyProblems(raw: Readonly<Record<string, unknown>>): RoleKeyProblem[] {
  const role = roleOf(raw);
  const problems: RoleKeyProblem[] = [];
  for (const { path, why } of REFUSED[role]) {
    const input = valueAt(raw, path);
    if (input !== undefined) problems.push({ path, input, message: `expected no value in ${aStack(role)}: ${why}`, params: REMOVE_KEY });
  }
  if (role === "shared") problems.push(...sharedRayProblems(raw.ray));
  const mode = valueAt(raw, ["registry", "mode"]);
  if (typeof mode === "string" && !ROLE_REGISTRY_MODES[role].includes(mode)) {
    const modes = ROLE_REGISTRY_MODES[role];
    problems.push({
      path: ["registry", "mode"],
      input: mode,
      message:
        `expected ${modes.join(" or ")} in ${aStack(role)}` +
        (role === "environment"
          ? " (the shared stack manages the registry)"
          : role === "standalone"
            ? " (shared-stack is for role environment)"
            : ""),
    });
  }
  return problems;
}

function sharedRayProblems(ray: unknown): RoleKeyProblem[] {
  if (!isObject(ray)) return [];
  const problems: RoleKeyProblem[] = [];
  const walk = (value: Record<string, unknown>, prefix: string[]) => {
    for (const [key, child] of Object.entries(value)) {
      const path = [...prefix, key];
      const dotted = path.join(".");
      if (SHARED_RAY_KEYS.includes(dotted)) continue;
      if (SHARED_RAY_KEYS.some((allowed) => allowed.startsWith(`${dotted}.`)) && isObject(child)) {
        walk(child, path);
        continue;
      }
      problems.push({
        path: ["ray", ...path],
        input: child,
        message: `expected no value in a shared stack: ${IN_ENVIRONMENT_STACKS} (the shared stack reads only ray.${SHARED_RAY_KEYS.join(", ray.")})`,
        params: REMOVE_KEY,
      });
    }
  };
  walk(ray, []);
  return problems;
}

/**
 * Raw config with the defaults that depend on the role filled in where the stack file leaves them out: an environment
 * stack takes its registry from the shared stack and owns no Azure DevOps object; the shared stack grants no kubelet
 * AcrPull (each environment grants its own). The stack file's own values are kept, and checked by the schema.
 */
export function withRoleDefaults(raw: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const role = roleOf(raw);
  const out: Record<string, unknown> = { ...raw };
  const registry = isObject(raw.registry) ? { ...raw.registry } : raw.registry === undefined ? {} : raw.registry;
  if (isObject(registry)) {
    // A mode the role does not allow is reported above; the role's default stands in, so nothing follows from it.
    if (registry.mode === undefined || (typeof registry.mode === "string" && !ROLE_REGISTRY_MODES[role].includes(registry.mode))) {
      if (role !== "standalone" || registry.mode !== undefined) registry.mode = ROLE_REGISTRY_MODES[role][0];
    }
    if (role === "shared" && registry.kubeletAcrPull === undefined) registry.kubeletAcrPull = false;
    if (Object.keys(registry).length > 0 || raw.registry !== undefined) out.registry = registry;
  }
  // An environment stack's `pipelines` is refused (roleKeyProblems); it owns none.
  if (role === "environment") out.pipelines = { enabled: false };
  if (role === "environment" && raw.sharedStack === undefined) out.sharedStack = DEFAULT_SHARED_STACK;
  return out;
}

/** "a shared stack", "an environment stack". */
export function aStack(role: StackRole): string {
  return `${role === "environment" ? "an" : "a"} ${role} stack`;
}

function valueAt(raw: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let cur: unknown = raw;
  for (const key of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
