/** Kubernetes quantities as config compares them (a request against its limit). */
const BINARY_SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL_SUFFIX: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** The numeric value of a Kubernetes quantity (`"500m"` is 0.5, `"4Gi"` is 4294967296); undefined if it is not one. */
export function quantityValue(text: string): number | undefined {
  const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/.exec(text);
  if (!match) return undefined;
  const base = Number(match[1]);
  const suffix = match[2] ?? "";
  if (suffix in BINARY_SUFFIX) return base * BINARY_SUFFIX[suffix];
  if (suffix in DECIMAL_SUFFIX) return base * DECIMAL_SUFFIX[suffix];
  return base * 10 ** Number(suffix.slice(1));
}
