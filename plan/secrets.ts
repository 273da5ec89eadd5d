/** Markers the Pulumi wire format uses (sdk/nodejs/runtime/rpc.ts). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** What `pulumi preview --json` prints in place of a secret value. */
export const SECRET_MASK = "[secret]";

/** A serialized property tree with every secret replaced by {@link SECRET_MASK}. */
export function maskSecrets(value: unknown): unknown {
  return convert(value, true);
}

/** A serialized property tree with secrets unwrapped to their values. */
export function revealSecrets(value: unknown): unknown {
  return convert(value, false);
}

function convert(value: unknown, mask: boolean): unknown {
  if (value === UNKNOWN_VALUE) return "[unknown]";
  if (Array.isArray(value)) return value.map((v) => convert(v, mask));
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[SIG_KEY] === SECRET_SIG) return mask ? SECRET_MASK : convert(obj.value, mask);
    if (obj[SIG_KEY] === RESOURCE_SIG) return obj.urn;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = convert(v, mask);
    return out;
  }
  return value;
}

/** True when the serialized tree holds a secret anywhere. */
export function containsSecret(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[SIG_KEY] === SECRET_SIG) return true;
    return Object.values(obj).some(containsSecret);
  }
  return false;
}
