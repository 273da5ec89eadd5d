/**
 * Argument errors quote what they could not parse. Anything after `--secret`
 * may be a secret value (`--secret chromaToken S3CRET` leaves `S3CRET` as a
 * stray argument), so every such word is replaced before the message is shown.
 */
export const HIDDEN_ARGUMENT = "[not shown]";

export function hideSecretArguments(message: string, argv: readonly string[], optionNames: readonly string[]): string {
  const first = argv.findIndex((a) => a === "--secret" || a.startsWith("--secret="));
  if (first < 0) return message;
  const flags = new Set(optionNames.map((n) => `--${n}`));
  const hidden = new Set<string>();
  for (const arg of argv.slice(first)) {
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (flags.has(arg)) continue;
    hidden.add(arg);
    if (flags.has(flag)) hidden.add(arg.slice(eq + 1));
  }
  // util.parseArgs quotes the word it could not place: 'S3CRET'.
  return message.replace(/'([^']*)'/g, (quoted, word: string) => (hidden.has(word) ? `'${HIDDEN_ARGUMENT}'` : quoted));
}
