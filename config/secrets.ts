/**
 * Secret config keys. They are read with `requireSecret`, stay Pulumi secret
 * Outputs, and never pass through the schema (so no error message can echo
 * them). Set them with `pulumi config set --secret KEY VALUE`.
 */
export interface SecretConfigKey {
  readonly key: string;
  readonly description: string;
}

export const SECRET_CONFIG_KEYS: readonly SecretConfigKey[] = [];

export function secretKeyNames(): string[] {
  return SECRET_CONFIG_KEYS.map((s) => s.key);
}
