/**
 * Secret config keys. They are read with `requireSecret`, stay Pulumi secret
 * Outputs, and never pass through the schema (so no error message can echo
 * them). Set them with `pulumi config set --secret KEY VALUE`.
 */
export interface SecretConfigKey {
  readonly key: string;
  readonly description: string;
}

/** The face-ocr-api secrets: each lands in the Secret the HelmRelease reads through `valuesFrom`. */
export const API_SECRET_KEYS = {
  databasePassword: "databasePassword",
  chromaToken: "chromaToken",
  dosashopKey: "dosashopKey",
} as const;

export const SECRET_CONFIG_KEYS: readonly SecretConfigKey[] = [
  {
    key: API_SECRET_KEYS.databasePassword,
    description: "password of the face-ocr-api PostgreSQL user; composed into DATABASE_URL",
  },
  {
    key: API_SECRET_KEYS.chromaToken,
    description: "face-ocr-api CHROMA_TOKEN, the ChromaDB auth token",
  },
  {
    key: API_SECRET_KEYS.dosashopKey,
    description: "face-ocr-api DOSASHOP_KEY, the DOSASHOP blob storage key",
  },
];

export function secretKeyNames(): string[] {
  return SECRET_CONFIG_KEYS.map((s) => s.key);
}
