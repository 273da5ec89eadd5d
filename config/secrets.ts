/**
 * Secret config keys. They are read with `requireSecret`, stay Pulumi secret
 * Outputs, and never pass through the schema (so no error message can echo
 * them). Set them with `pulumi config set --secret KEY VALUE`.
 */
import type { StackRole } from "./stackRole";

export interface SecretConfigKey {
  readonly key: string;
  readonly description: string;
  /** A required key stops `pulumi up` when it is not set; an optional one is read only when set. */
  readonly required: boolean;
}

/** The face-ocr-api secrets: each lands in the Secret the HelmRelease reads through `valuesFrom`. */
export const API_SECRET_KEYS = {
  databasePassword: "databasePassword",
  chromaToken: "chromaToken",
  dosashopKey: "dosashopKey",
} as const;

/** The password of the image pull secrets the registry component creates (`registry.pullSecrets`). */
export const REGISTRY_PULL_PASSWORD_KEY = "registryPullPassword";

export const SECRET_CONFIG_KEYS: readonly SecretConfigKey[] = [
  {
    key: API_SECRET_KEYS.databasePassword,
    description: "password of the face-ocr-api PostgreSQL user; composed into DATABASE_URL",
    required: true,
  },
  {
    key: API_SECRET_KEYS.chromaToken,
    description: "face-ocr-api CHROMA_TOKEN, the ChromaDB auth token",
    required: true,
  },
  {
    key: API_SECRET_KEYS.dosashopKey,
    description: "face-ocr-api DOSASHOP_KEY, the DOSASHOP blob storage key",
    required: true,
  },
  {
    key: REGISTRY_PULL_PASSWORD_KEY,
    description: "password of registry.pullSecretUsername, for the image pull secrets the program creates (registry.pullSecrets)",
    required: false,
  },
];

export function secretKeyNames(): string[] {
  return SECRET_CONFIG_KEYS.map((s) => s.key);
}

/**
 * The keys a run cannot go without; the offline plan gives these masked placeholders when unset. Every secret key
 * belongs to a cluster's objects, so a stack without a cluster (role shared) needs none.
 */
export function requiredSecretKeyNames(role: StackRole = "standalone"): string[] {
  if (role === "shared") return [];
  return SECRET_CONFIG_KEYS.filter((s) => s.required).map((s) => s.key);
}
