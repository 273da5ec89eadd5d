/**
 * What counts as a secret-looking value: a literal under a token/key/password/
 * secret-like name, or a URL with a password in it.
 */
import { SECRET_MASK } from "./read";

/** Words that make a variable name secret-looking (`CHROMA_TOKEN`, `DOSASHOP_KEY`, `DB_PASSWORD`, `apiKey`). */
const SECRET_WORDS = new Set([
  "token",
  "key",
  "password",
  "passwd",
  "pwd",
  "pass",
  "pw",
  "jwt",
  "bearer",
  "secret",
  "credential",
  "credentials",
  "passphrase",
  "auth",
  "apikey",
  "accesskey",
  "secretkey",
  "privatekey",
  "accountkey",
  "sastoken",
  "connectionstring",
  "connstr",
]);

/**
 * Words before `key` that make it a data key, not a secret (`PRIMARY_KEY`, `SORT_KEY`, `PARTITION_KEY`,
 * `PUBLIC_KEY`); the same words before any other secret word change nothing (`CACHE_TOKEN` stays secret).
 */
const DATA_KEY_WORDS = new Set([
  "primary",
  "sort",
  "foreign",
  "partition",
  "row",
  "range",
  "hash",
  "cache",
  "routing",
  "shard",
  "unique",
  "composite",
  "lookup",
  "object",
  "index",
  "idempotency",
  "dedup",
  "dedupe",
  "deduplication",
  "group",
  "message",
  "public",
  "hot",
  "sequence",
  "join",
  "cluster",
  "distribution",
  "grouping",
  "correlation",
]);

/** A last word that makes the name about a secret rather than the secret (`..._TOKEN_TTL_SECONDS`, `..._KEY_NAME`). */
const QUALIFIER_WORDS = new Set([
  "ttl",
  "seconds",
  "secs",
  "sec",
  "ms",
  "millis",
  "minutes",
  "mins",
  "hours",
  "days",
  "size",
  "length",
  "len",
  "count",
  "name",
  "names",
  "id",
  "ids",
  "file",
  "path",
  "dir",
  "url",
  "uri",
  "endpoint",
  "host",
  "port",
  "header",
  "type",
  "enabled",
  "enable",
  "disabled",
  "version",
  "prefix",
  "suffix",
  "format",
  "algorithm",
  "ref",
  "field",
  "provider",
  "mode",
  "policy",
  "kind",
  "method",
  "scheme",
  "expiry",
  "expiration",
  "lifetime",
  "timeout",
  "interval",
  "limit",
  "location",
  "vault",
  "region",
  "rotation",
  "hint",
]);

/** Chart-values keys whose literal is a secret wherever they appear (`auth.password`, `apiToken`), not `existingSecret`. */
const STRONG_SUFFIXES = [
  "password",
  "passwd",
  "token",
  "apikey",
  "accesskey",
  "secretkey",
  "privatekey",
  "accountkey",
  "clientsecret",
  "connectionstring",
];

/** `CHROMA_TOKEN` → [chroma, token]; `fluxPullSecret` → [flux, pull, secret]. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** True for an environment-variable-like name that holds a secret. */
export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0 || QUALIFIER_WORDS.has(words[words.length - 1])) return false;
  // Pairs too: CONNECTION_STRING, ACCESS_KEY, API_KEY.
  return words.some((w, i) => {
    if (i > 0 && SECRET_WORDS.has(`${words[i - 1]}${w}`)) return true;
    if (!SECRET_WORDS.has(w)) return false;
    return !(w === "key" && i > 0 && DATA_KEY_WORDS.has(words[i - 1]));
  });
}

/** True for a chart-values key whose value is a secret wherever it sits (`password`, `apiToken`, `accessKey`). */
export function isStrongSecretKey(key: string): boolean {
  const flat = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  return STRONG_SUFFIXES.some((s) => flat.endsWith(s));
}

/** `$(VAR)` (Kubernetes), `${VAR}` and `$VAR` (shell/Helm), `{{ ... }}` (templates): a reference, not a value. */
function isReference(text: string): boolean {
  return /^\$\([\w.-]+\)$/.test(text) || /^\$\{[^}]+\}$/.test(text) || /^\$[A-Za-z_]\w*$/.test(text) || /^\{\{.*\}\}$/.test(text);
}

/**
 * True when a literal is a secret value rather than empty, masked, a
 * reference to one, a file path, a number or a boolean.
 */
export function isSecretValue(value: unknown): boolean {
  if (typeof value !== "string") return false;
  const v = value.trim();
  if (v === "" || v === SECRET_MASK || isReference(v)) return false;
  if (/^\/\S*$/.test(v)) return false;
  if (/^-?\d+(\.\d+)?$/.test(v) || /^(true|false|yes|no|on|off)$/i.test(v)) return false;
  return true;
}

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*):([^\s/@]+)@/gi;

/** The URL with its password shown as `***` when it carries one in clear; undefined otherwise. */
export function urlWithCredentials(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  let found = false;
  const masked = value.replace(URL_CREDENTIALS, (whole, scheme: string, user: string, password: string) => {
    if (password === SECRET_MASK || isReference(password)) return whole;
    found = true;
    return `${scheme}${user}:***@`;
  });
  return found ? masked : undefined;
}
