/**
 * Builds the config a stack's program sees, as the Pulumi CLI would: the
 * stack file `Pulumi.<stack>.yaml`, then `--config` and `--secret` overrides.
 * Encrypted (`secure:`) values cannot be decrypted offline; they, and secret
 * keys that are not set at all, become masked placeholders.
 */
import * as fs from "fs";
import * as path from "path";
import { requiredSecretKeyNames } from "../config/secrets";
import { roleOf } from "../config/stackRole";
import { PlanInputError } from "./planInputError";
import { readStackFile } from "./readStackFile";
import { PROJECT_NAME } from "../config/projectName";

/** Stands in for a secret the offline plan cannot know. */
export const OFFLINE_SECRET_PLACEHOLDER = "offline-placeholder";

export interface PlanConfig {
  /** Fully qualified key to string value. */
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
  /** Secret keys that got {@link OFFLINE_SECRET_PLACEHOLDER}. */
  readonly placeholders: string[];
}

export { PlanInputError };

export interface ConfigOverride {
  readonly key: string;
  readonly value: string;
  readonly secret: boolean;
}

export function stackFilePath(projectDir: string, stack: string): string {
  return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

function qualify(key: string): string {
  return key.includes(":") ? key : `${PROJECT_NAME}:${key}`;
}

function isSecure(value: unknown): value is { secure: string } {
  return !!value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

/** Replaces `secure:` leaves with the placeholder; reports whether any were found. */
function replaceSecure(value: unknown): { value: unknown; secret: boolean } {
  if (isSecure(value)) return { value: OFFLINE_SECRET_PLACEHOLDER, secret: true };
  if (Array.isArray(value)) {
    const items = value.map(replaceSecure);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value && typeof value === "object") {
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = replaceSecure(v);
      out[k] = r.value;
      secret ||= r.secret;
    }
    return { value: out, secret };
  }
  return { value, secret: false };
}

/**
 * An object value as the Pulumi CLI hands it to a program: JSON with every object's keys sorted (the CLI's Go
 * encoder sorts map keys), whatever order the stack file wrote them in. A program that renders a map into text
 * (say the Serve config's env_vars) must see the order a real run sees.
 */
export function toConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** `pulumi config set --path` reads `true`, `false` and integers as such. */
function parsePathValue(value: string): unknown {
  if (value === "true") return true;
  if (value === "false") return false;
  if (/^-?\d+$/.test(value)) return Number(value);
  return value;
}

/** A `--secret` key: a config key or path, optionally with a provider prefix (`azure-native:clientSecret`). */
const SECRET_KEY_PATTERN = /^([a-z][a-z0-9-]*:)?[A-Za-z][A-Za-z0-9_.[\]-]*$/;

export function parseOverride(text: string, secret: boolean): ConfigOverride {
  const eq = text.indexOf("=");
  if (secret) {
    // Whatever follows --secret may be the secret itself: describe the mistake without showing it.
    if (eq <= 0 || !SECRET_KEY_PATTERN.test(text.slice(0, eq))) {
      throw new PlanInputError(
        "--secret: expected KEY=VALUE, e.g. --secret chromaToken=<value> (the argument is not shown: it may hold the secret)",
      );
    }
    return { key: text.slice(0, eq), value: text.slice(eq + 1), secret };
  }
  if (eq <= 0) throw new PlanInputError(`--config "${text}": expected KEY=VALUE, e.g. --config rayVersion=2.53.0`);
  return { key: text.slice(0, eq), value: text.slice(eq + 1), secret };
}

/** The characters Pulumi allows in a stack name; anything else would also be a path under --out. */
const STACK_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function buildPlanConfig(projectDir: string, stack: string, overrides: readonly ConfigOverride[]): PlanConfig {
  if (!STACK_NAME_PATTERN.test(stack)) {
    throw new PlanInputError(`--stack ${JSON.stringify(stack)}: expected a stack name of letters, digits, '-', '_' and '.', such as dev`);
  }
  const file = stackFilePath(projectDir, stack);
  if (!fs.existsSync(file)) {
    const stacks = fs
      .readdirSync(projectDir)
      .filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f))
      .map((f) => f.slice("Pulumi.".length, -".yaml".length));
    throw new PlanInputError(`no stack file ${path.basename(file)} for stack "${stack}"; stacks here: ${stacks.join(", ") || "(none)"}`);
  }
  const doc = readStackFile(file);
  const values: Record<string, unknown> = {};
  const secret = new Set<string>();
  for (const [key, raw] of Object.entries(doc.config)) {
    const { value, secret: isSecret } = replaceSecure(raw);
    values[qualify(key)] = value;
    if (isSecret) secret.add(qualify(key));
  }
  for (const o of overrides) applyOverride(values, secret, o);
  const placeholders: string[] = [];
  for (const key of requiredSecretKeyNames(roleOf({ role: values[qualify("role")] })).map(qualify)) {
    if (values[key] === undefined) {
      values[key] = OFFLINE_SECRET_PLACEHOLDER;
      secret.add(key);
      placeholders.push(key);
    } else if (values[key] === OFFLINE_SECRET_PLACEHOLDER) {
      placeholders.push(key);
    }
  }
  const config: Record<string, string> = {};
  for (const key of Object.keys(values).sort()) config[key] = toConfigString(values[key]);
  return { config, secretKeys: [...secret].sort(), placeholders: placeholders.sort() };
}

/** `pullSecrets[0].name` to `["pullSecrets", 0, "name"]`, as `pulumi config set --path` reads it. */
function pathSegments(path: string, key: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const part of path.split(".")) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match || (match[1] === "" && match[2] === ""))
      throw new PlanInputError(`--config ${key}: "${path}" is not a config path like a.b[0].c`);
    if (match[1] !== "") segments.push(match[1]);
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}

function applyOverride(values: Record<string, unknown>, secret: Set<string>, o: ConfigOverride): void {
  const colon = o.key.indexOf(":");
  const namespace = colon >= 0 ? o.key.slice(0, colon + 1) : `${PROJECT_NAME}:`;
  const [top, ...rest] = pathSegments(colon >= 0 ? o.key.slice(colon + 1) : o.key, o.key);
  const full = `${namespace}${String(top)}`;
  if (o.secret) secret.add(full);
  if (rest.length === 0) {
    values[full] = o.value;
    return;
  }
  let node = values[full];
  if (typeof node === "string") {
    try {
      node = JSON.parse(node);
    } catch {
      throw new PlanInputError(
        `--config ${o.key}: "${String(top)}" holds a plain value, not an object, so it has no field "${rest.join(".")}"`,
      );
    }
  }
  if (node === undefined) node = typeof rest[0] === "number" ? [] : {};
  if (typeof node !== "object" || node === null) {
    throw new PlanInputError(`--config ${o.key}: "${String(top)}" is not an object, so it has no field "${rest.join(".")}"`);
  }
  values[full] = node;
  let cursor = node as Record<string | number, unknown>;
  rest.forEach((seg, i) => {
    if ((typeof seg === "number") !== Array.isArray(cursor)) {
      const kind = typeof seg === "number" ? "a list" : "an object";
      throw new PlanInputError(`--config ${o.key}: the value before "${String(seg)}" is not ${kind}`);
    }
    if (typeof seg === "number" && seg > (cursor as unknown as unknown[]).length) {
      // A hole would reach the schema as null at another index, far from the edit that made it.
      const length = (cursor as unknown as unknown[]).length;
      const list = `${namespace === `${PROJECT_NAME}:` ? "" : namespace}${formatSegments([top, ...rest.slice(0, i)])}`;
      throw new PlanInputError(
        `--config ${o.key}: index ${seg} is past the end of ${list}, which has ${length} ${length === 1 ? "entry" : "entries"} in the stack config ` +
          `(defaults do not count: a --path edit starts from the stack file); add entries in order (the next index is ${length}), or give the whole list as JSON`,
      );
    }
    if (i === rest.length - 1) {
      cursor[seg] = parsePathValue(o.value);
      return;
    }
    const next = cursor[seg];
    if (next === undefined || next === null) cursor[seg] = typeof rest[i + 1] === "number" ? [] : {};
    else if (typeof next !== "object") {
      const kind = typeof rest[i + 1] === "number" ? "a list" : "an object";
      throw new PlanInputError(`--config ${o.key}: "${String(seg)}" holds a plain value, not ${kind}`);
    }
    cursor = cursor[seg] as Record<string | number, unknown>;
  });
}

function formatSegments(segments: readonly (string | number)[]): string {
  return segments.map((seg, i) => (typeof seg === "number" ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join("");
}
