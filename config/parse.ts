/**
 * Stack config validated as text, without the Pulumi runtime: every non-secret key against
 * {@link stackConfigSchema}, with the documented defaults, and every problem named in one message. The program
 * (config/load.ts) and the commands that only read stack files (check-app-repo, stack-context, adopt, promote) use it.
 */
import type { z } from "zod";
import { StackConfigError } from "./errors";
import { asksForRemoval } from "./issues";
import { providerConfigProblems } from "./providerConfig";
import { requiredSecretKeyNames, SECRET_CONFIG_KEYS } from "./secrets";
import { OBJECT_CONFIG_KEYS, StackConfig, stackConfigSchema } from "./stackConfig";
import { aStack, hasUnknownRole, roleKeyProblems, roleOf, StackRole, withRoleDefaults } from "./stackRole";

/**
 * Validates config as the Pulumi CLI hands it over: fully qualified keys to strings, objects as
 * JSON, and the keys set with `--secret`. The secret keys of config/secrets.ts never pass through
 * the schema; they must be set, and set encrypted. Any other key set with `--secret` is refused:
 * the program writes config values into resources, where a secret would stand in clear. A value
 * marked secret is never echoed in a message.
 */
export function stackConfigFromStrings(
  config: Readonly<Record<string, string>>,
  project: string,
  secretKeys: readonly string[],
  stack: string,
): ParseResult {
  const prefix = `${project}:`;
  const secretMarked = new Set(secretKeys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)));
  const { raw, problems } = rawConfig(config, project, secretMarked);
  for (const { key } of SECRET_CONFIG_KEYS) delete raw[key];
  const result = parseStackConfig(raw, secretMarked);
  const all = [
    ...problems,
    ...(result.ok ? [] : result.problems),
    ...secretKeyProblems(config, project, secretMarked, stack, roleOf(raw)),
    ...providerConfigProblems(config, project, new Set(secretKeys), stack),
  ];
  return all.length === 0 && result.ok ? result : { ok: false, problems: all };
}

function secretKeyProblems(
  config: Readonly<Record<string, string>>,
  project: string,
  secretMarked: ReadonlySet<string>,
  stack: string,
  role: StackRole,
): string[] {
  const declared = SECRET_CONFIG_KEYS.map((s) => s.key);
  const required = requiredSecretKeyNames(role);
  const problems: string[] = [];
  for (const key of [...secretMarked].sort()) {
    if (declared.includes(key)) continue;
    problems.push(
      `${key} is set as a secret, but the program writes this key's values into resources in clear (only ${declared.join(", ")} stay secret); ` +
        `set it again without --secret, and keep secret values in one of those keys`,
    );
  }
  for (const { key, description } of SECRET_CONFIG_KEYS) {
    const present = config[`${project}:${key}`] !== undefined;
    if (present && role === "shared") {
      problems.push(
        `${key} is set, but ${aStack(role)} has no cluster, and ${key} belongs to a cluster's objects (${description}); ` +
          `remove it with \`pulumi config rm ${key} --stack ${stack}\`, and set it in the environment stacks`,
      );
    } else if (present && !secretMarked.has(key)) {
      problems.push(
        `${key} is stored in clear; store it encrypted: \`pulumi config rm ${key} --stack ${stack}\`, then \`pulumi config set --secret ${key} <value> --stack ${stack}\``,
      );
    } else if (!present && required.includes(key)) {
      problems.push(`${key} is missing (${description}); set it with \`pulumi config set --secret ${key} <value> --stack ${stack}\``);
    }
  }
  return problems;
}

export type ParseResult = { ok: true; config: StackConfig } | { ok: false; problems: string[] };

/**
 * Validates raw config values (JSON-decoded objects, plain strings) without the Pulumi runtime.
 * Values under `secretKeys` (top-level keys set with `--secret`) are never echoed in a message.
 */
export function parseStackConfig(raw: Record<string, unknown>, secretKeys: ReadonlySet<string> = new Set()): ParseResult {
  // An unknown role leaves nothing to check against: report it alone rather than what its absence implies.
  if (hasUnknownRole(raw)) {
    const parsed = stackConfigSchema.shape.role.safeParse(raw.role, { reportInput: true });
    const issues = parsed.success ? [] : parsed.error.issues.map((i) => ({ ...i, path: ["role", ...i.path] }));
    return { ok: false, problems: issues.flatMap((issue) => describeIssue(issue as Issue, false)) };
  }
  // Keys the stack's role does not own are reported with the schema's own problems, in the same form.
  const roleProblems = roleKeyProblems(raw).flatMap((p) =>
    describeIssue(
      { code: "custom", path: [...p.path], input: p.input, message: p.message, params: p.params } as Issue,
      secretKeys.has(p.path[0]),
    ),
  );
  const parsed = stackConfigSchema.safeParse(withRoleDefaults(raw), { reportInput: true });
  if (parsed.success && roleProblems.length === 0) return { ok: true, config: parsed.data };
  const schemaProblems = parsed.success
    ? []
    : parsed.error.issues.flatMap((issue) => describeIssue(issue, secretKeys.has(String(issue.path[0]))));
  return { ok: false, problems: [...roleProblems, ...schemaProblems] };
}

/** Parses and throws the same error the program would; for tests and tools. */
export function parseStackConfigOrThrow(raw: Record<string, unknown>, stack: string): StackConfig {
  const result = parseStackConfig(raw);
  if (!result.ok) throw new StackConfigError(configErrorMessage(stack, result.problems));
  return result.config;
}

export function configErrorMessage(stack: string, problems: readonly string[]): string {
  return [`Invalid config for stack "${stack}":`, ...problems.map((p) => `  - ${p}`)].join("\n");
}

function rawConfig(
  config: Readonly<Record<string, string>>,
  project: string,
  secretMarked: ReadonlySet<string>,
): { raw: Record<string, unknown>; problems: string[] } {
  const prefix = `${project}:`;
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [fullKey, value] of Object.entries(config)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (!OBJECT_CONFIG_KEYS.includes(key)) {
      raw[key] = value;
      continue;
    }
    try {
      raw[key] = JSON.parse(value);
    } catch {
      const shown = secretMarked.has(key) ? "[secret]" : display(value);
      problems.push(`${key} = ${shown}: expected an object; set its fields with \`pulumi config set --path ${key}.<field> <value>\``);
    }
  }
  return { raw, problems };
}

type Issue = z.core.$ZodIssue & { input?: unknown };

function describeIssue(issue: Issue, secret: boolean): string[] {
  const where = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    const allowed = knownKeysAt(issue.path);
    return issue.keys.map((key) => {
      const full = where ? `${where}.${key}` : key;
      return `${full}: unknown key; allowed keys here: ${allowed.join(", ")}`;
    });
  }
  if (issue.code === "invalid_key") {
    // The key itself is wrong: say which form it must take, not that the value is.
    const reasons = issue.issues.map((i) => lowerFirst(i.message)).join("; ");
    const key = formatPath(issue.path.slice(0, -1));
    return [`${where}: "${String(issue.path[issue.path.length - 1])}" is not a valid key of ${key}: ${reasons}; rename it`];
  }
  const fix = issue.code === "custom" && asksForRemoval(issue.params) ? removeCommand(issue.path) : setCommand(issue.path);
  if (issue.input === undefined) return [`${where} is missing: ${lowerFirst(issue.message)}; ${fix}`];
  const value = secret ? "[secret]" : display(issue.input);
  return [`${where} = ${value}: ${lowerFirst(issue.message)}; ${fix}`];
}

function removeCommand(path: readonly PropertyKey[]): string {
  const key = formatPath(path);
  return path.length > 1 ? `remove it with \`pulumi config rm --path ${key}\`` : `remove it with \`pulumi config rm ${key}\``;
}

function setCommand(path: readonly PropertyKey[]): string {
  const key = formatPath(path);
  return path.length > 1 ? `set it with \`pulumi config set --path ${key} <value>\`` : `set it with \`pulumi config set ${key} <value>\``;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

function display(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function lowerFirst(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}

// Zod keeps a schema's structure under `_zod.def`; walk it to list the keys an object allows.
interface SchemaNode {
  _zod: { def: { type: string; innerType?: SchemaNode; in?: SchemaNode; element?: SchemaNode; shape?: Record<string, SchemaNode> } };
}

function unwrapSchema(node: SchemaNode | undefined): SchemaNode | undefined {
  let cur = node;
  while (cur) {
    const def = cur._zod.def;
    if (def.innerType) cur = def.innerType;
    else if (def.type === "pipe" && def.in) cur = def.in;
    else break;
  }
  return cur;
}

function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let node = unwrapSchema(stackConfigSchema as unknown as SchemaNode);
  for (const seg of path) {
    const def = node?._zod.def;
    node = unwrapSchema(typeof seg === "number" ? def?.element : def?.shape?.[String(seg)]);
  }
  return Object.keys(node?._zod.def.shape ?? {});
}
