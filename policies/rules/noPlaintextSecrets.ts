import type { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { entries, get, isRecord, items, Key, pathJoin, resourceLabel, str } from "../lib/read";
import { isSecretName, isSecretValue, isStrongSecretKey, urlWithCredentials } from "../lib/secretLike";
import type * as Yaml from "yaml";
import { containerScript, parseShell } from "../lib/shell";
import {
  BUILD_DEFINITION_TYPE,
  CONFIG_MAP_TYPE,
  containerSites,
  isHelmRelease,
  isRayKind,
  podSites,
  VARIABLE_GROUP_TYPE,
} from "../lib/workloads";

export const NO_PLAINTEXT_SECRETS = "no-plaintext-secrets";

export interface NoPlaintextSecretsConfig {
  /** Variable names that look secret but are not (e.g. a public key id); matched exactly. */
  readonly allowNames?: string[];
}

/** Keys of chart values that hold environment variables. */
const ENV_KEYS = new Set(["env", "extraenv", "envvars", "extraenvvars"]);

const SECRET_REF_FIX =
  "put the value in a Kubernetes Secret (created from a `pulumi config set --secret` key) and reference it with valueFrom.secretKeyRef";

export function podEnvNameMessage(where: string, name: string): string {
  return `${where} (${name}) is a token/key/password/secret-named variable with a literal value, stored in clear in the pod spec and the plan: ${SECRET_REF_FIX}.`;
}

export function podEnvUrlMessage(where: string, name: string, masked: string): string {
  return (
    `${where} (${name}) is a URL with a password in clear (${masked}): keep the password in a Kubernetes Secret and reference it with valueFrom.secretKeyRef, ` +
    `either for the whole URL or as its own variable written as $(VAR) inside the URL.`
  );
}

function valuesFromFix(targetPath: string): string {
  return `move it to a Kubernetes Secret (created from a \`pulumi config set --secret\` key) and pass it to the chart with spec.valuesFrom (kind: Secret, valuesKey: <key>, targetPath: ${targetPath})`;
}

export function chartValueNameMessage(where: string, targetPath: string): string {
  return `${where} is a token/key/password/secret-named value written in clear in the HelmRelease (deployment guide, Appendix B): ${valuesFromFix(targetPath)}.`;
}

export function chartValueUrlMessage(where: string, targetPath: string, masked: string): string {
  return `${where} is a URL with a password in clear in the HelmRelease (${masked}): ${valuesFromFix(targetPath)}.`;
}

export function configMapMessage(where: string, what: string): string {
  return `${where} ${what} in a ConfigMap, which is stored and shown in clear: move it to a Kubernetes Secret (created from a \`pulumi config set --secret\` key) and reference it from there.`;
}

export function pipelineVariableMessage(where: string, name: string, what: string): string {
  return `${where} (${name}) ${what} in a pipeline variable that is not secret: set isSecret: true and pass the value as secretValue from a Pulumi secret (\`pulumi config set --secret\`).`;
}

export function scriptExportMessage(where: string, line: number, name: string, what: string): string {
  return `${where} line ${line} sets ${name}, ${what}, in the container's script, which is stored in clear in the pod spec and the plan: ${SECRET_REF_FIX}, and read it in the script as $${name}.`;
}

export function serveEnvMessage(where: string, name: string, what: string): string {
  return `${where} (${name}) ${what} in the Serve config's runtime_env.env_vars, which the RayService stores in clear: give the Ray containers the variable from a Kubernetes Secret (valueFrom.secretKeyRef) instead; Serve replicas inherit it.`;
}

/** No token, key, password or credential-bearing URL as a literal in env, chart values, ConfigMaps or pipeline variables. */
export function noPlaintextSecrets(): ResourceValidationPolicy {
  return {
    name: NO_PLAINTEXT_SECRETS,
    description:
      "No secret-looking literal (token/key/password/secret-named variables, URLs with user:password@) in container env, HelmRelease values, ConfigMaps or pipeline variables; reference Secrets instead (secretKeyRef, valuesFrom, isSecret).",
    configSchema: {
      properties: {
        allowNames: { type: "array", items: { type: "string" }, default: [] },
      },
    },
    validateResource: (args, reportViolation) => {
      const allow = new Set(args.getConfig<NoPlaintextSecretsConfig>().allowNames ?? []);
      const label = resourceLabel(args.type, args.name);
      for (const pod of podSites(args.type, args.props)) {
        for (const c of containerSites(pod)) {
          items(get(c.container, "env")).forEach((e, i) => {
            const name = str(get(e, "name"));
            const value = get(e, "value");
            if (name === undefined || allow.has(name)) return;
            const where = `${label} ${pathJoin(pathJoin(c.path, "env"), i)}`;
            const masked = urlWithCredentials(value);
            if (masked) reportViolation(podEnvUrlMessage(where, name, masked));
            else if (isSecretName(name) && isSecretValue(value)) reportViolation(podEnvNameMessage(where, name));
          });
          const script = containerScript(c.container, c.path);
          if (script) {
            for (const a of scriptAssignments(script.text)) {
              if (allow.has(a.name)) continue;
              const masked = urlWithCredentials(a.value);
              const what = masked
                ? `a URL with a password in clear (${masked})`
                : isSecretName(a.name) && isSecretValue(a.value)
                  ? "a token/key/password/secret-named literal"
                  : undefined;
              if (what) reportViolation(scriptExportMessage(`${label} ${script.path}`, a.line, a.name, what));
            }
          }
        }
      }
      if (isRayKind(args.type, "RayService")) {
        for (const e of serveEnvVars(get(get(args.props, "spec"), "serveConfigV2"))) {
          if (allow.has(e.name)) continue;
          const where = `${label} spec.serveConfigV2 ${e.path}`;
          const masked = urlWithCredentials(e.value);
          if (masked) reportViolation(serveEnvMessage(where, e.name, `is a URL with a password in clear (${masked})`));
          else if (isSecretName(e.name) && isSecretValue(e.value))
            reportViolation(serveEnvMessage(where, e.name, "is a token/key/password/secret-named literal"));
        }
      }
      if (isHelmRelease(args.type)) checkChartValues(get(get(args.props, "spec"), "values"), [], label, allow, reportViolation);
      if (args.type === CONFIG_MAP_TYPE) {
        for (const [key, value] of entries(get(args.props, "data"))) {
          if (allow.has(key)) continue;
          const where = `${label} ${pathJoin("data", key)}`;
          const masked = urlWithCredentials(value);
          if (masked) reportViolation(configMapMessage(where, `is a URL with a password in clear (${masked})`));
          else if (isSecretName(key) && isSecretValue(value))
            reportViolation(configMapMessage(where, "is a token/key/password/secret-named value"));
        }
      }
      if (args.type === BUILD_DEFINITION_TYPE || args.type === VARIABLE_GROUP_TYPE) {
        items(get(args.props, "variables")).forEach((v, i) => {
          const name = str(get(v, "name"));
          const value = get(v, "value");
          if (name === undefined || allow.has(name) || get(v, "isSecret") === true) return;
          const where = `${label} ${pathJoin(pathJoin("variables", i), "value")}`;
          const masked = urlWithCredentials(value);
          if (masked) reportViolation(pipelineVariableMessage(where, name, `is a URL with a password in clear (${masked})`));
          else if (isSecretName(name) && isSecretValue(value))
            reportViolation(pipelineVariableMessage(where, name, "is a token/key/password/secret-named literal"));
        });
      }
    },
  };
}

function targetPathOf(keys: readonly Key[]): string {
  return keys.reduce<string>((p, k) => pathJoin(p, k), "");
}

function checkChartValues(
  values: unknown,
  keys: Key[],
  label: string,
  allow: ReadonlySet<string>,
  report: ReportViolation,
  depth = 0,
): void {
  if (depth > 32) return;
  const where = (ks: readonly Key[]) => `${label} ${targetPathOf(["spec", "values", ...ks])}`;
  const checkEnvEntry = (name: string, value: unknown, ks: Key[]) => {
    if (allow.has(name)) return;
    const masked = urlWithCredentials(value);
    if (masked) report(chartValueUrlMessage(where(ks), targetPathOf(ks), masked));
    else if (isSecretName(name) && isSecretValue(value)) report(chartValueNameMessage(where(ks), targetPathOf(ks)));
  };
  if (Array.isArray(values)) {
    items(values).forEach((v, i) => checkChartValues(v, [...keys, i], label, allow, report, depth + 1));
    return;
  }
  if (!isRecord(values)) {
    const key = keys[keys.length - 1];
    if (typeof values !== "string" || (typeof key === "string" && allow.has(key))) return;
    const masked = urlWithCredentials(values);
    if (masked) report(chartValueUrlMessage(where(keys), targetPathOf(keys), masked));
    else if (typeof key === "string" && isStrongSecretKey(key) && isSecretValue(values))
      report(chartValueNameMessage(where(keys), targetPathOf(keys)));
    return;
  }
  for (const [key, value] of entries(values)) {
    const ks = [...keys, key];
    if (ENV_KEYS.has(key.toLowerCase())) {
      if (isRecord(value)) {
        for (const [name, v] of entries(value)) checkEnvEntry(name, v, [...ks, name]);
        continue;
      }
      if (Array.isArray(value)) {
        items(value).forEach((e, i) => {
          const name = str(get(e, "name"));
          if (name !== undefined) checkEnvEntry(name, get(e, "value"), [...ks, i, "value"]);
        });
        continue;
      }
    }
    checkChartValues(value, ks, label, allow, report, depth + 1);
  }
}

/** `NAME=value` words of a script's assignment commands (`export A=1`, `A=1 B=2`, `declare -x A=1`), with their line. */
function scriptAssignments(script: string): { line: number; name: string; value: string }[] {
  const out: { line: number; name: string; value: string }[] = [];
  for (const command of parseShell(script)) {
    let words = command.words;
    if (words[0] === "export" || words[0] === "readonly") words = words.slice(1);
    else if (words[0] === "declare" || words[0] === "typeset") words = words.slice(1).filter((w) => !/^-\w+$/.test(w));
    // Leading assignments of a command (`TOKEN=abc curl ...`) as well as assignment-only commands.
    for (const w of words) {
      const m = /^([A-Za-z_]\w*)=(.*)$/s.exec(w);
      if (!m) break;
      out.push({ line: command.line, name: m[1], value: m[2] });
    }
  }
  return out;
}

/** Every `env_vars` entry of a Serve config (`applications[i].runtime_env`, deployments' `ray_actor_options.runtime_env`). */
function serveEnvVars(serveConfig: unknown): { path: string; name: string; value: unknown }[] {
  // Without the word there is nothing to read; most stacks never pay for loading the YAML parser (~0.2 s).
  if (typeof serveConfig !== "string" || !serveConfig.includes("env_vars")) return [];
  let doc: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const YAML = require("yaml") as typeof Yaml;
    doc = YAML.parse(serveConfig, { maxAliasCount: 100 });
  } catch {
    return [];
  }
  const out: { path: string; name: string; value: unknown }[] = [];
  const walk = (node: unknown, path: string, depth: number) => {
    if (depth > 16) return;
    if (Array.isArray(node)) node.forEach((v, i) => walk(v, pathJoin(path, i), depth + 1));
    else if (isRecord(node)) {
      for (const [key, value] of entries(node)) {
        const at = pathJoin(path, key);
        if (key === "env_vars" && isRecord(value))
          for (const [name, v] of entries(value)) out.push({ path: pathJoin(at, name), name, value: v });
        else walk(value, at, depth + 1);
      }
    }
  };
  walk(doc, "", 0);
  return out;
}
