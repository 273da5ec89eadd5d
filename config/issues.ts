/**
 * `params` of a custom config rule whose remedy is to remove the key (a value
 * the program derives), so the loader prints `pulumi config rm` instead of the
 * usual "set it with".
 */
export const REMOVE_KEY = { fix: "remove" } as const;

export function asksForRemoval(params: unknown): boolean {
  return (params as { fix?: unknown } | undefined)?.fix === REMOVE_KEY.fix;
}
