/**
 * node scripts/runCompiled.js scripts/scaledPreview.ts IN.json FACTOR OUT.json
 *
 * Writes a preview FACTOR times the size of IN (a `pulumi preview --json` document, such as the offline plan's
 * out/dev/preview.json), for timing `npm run policy` on a large stack. Copy 0 is IN itself; copy k renames every
 * URN to `<urn>-k` wherever it appears (step URNs, parents, dependencies), so each copy is a distinct set of
 * resources that reference each other as the original does, and every policy has FACTOR times the work.
 */
import * as fs from "fs";

interface PreviewDocument {
  readonly steps: { readonly urn?: string; readonly [key: string]: unknown }[];
  readonly changeSummary?: Record<string, number>;
  readonly [key: string]: unknown;
}

function renamed(value: unknown, urns: ReadonlySet<string>, suffix: string): unknown {
  if (typeof value === "string") return urns.has(value) ? `${value}${suffix}` : value;
  if (Array.isArray(value)) return value.map((v) => renamed(v, urns, suffix));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renamed(v, urns, suffix)]));
  }
  return value;
}

/** `doc` with its steps repeated `factor` times, each copy's URNs made distinct; the change summary scaled to match. */
export function scaledPreview(doc: PreviewDocument, factor: number): PreviewDocument {
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`factor must be a whole number of at least 1, got ${factor}`);
  const urns = new Set(doc.steps.map((s) => s.urn).filter((u): u is string => typeof u === "string"));
  const steps = [...doc.steps];
  for (let k = 1; k < factor; k++) {
    for (const step of doc.steps) steps.push(renamed(step, urns, `-${k}`) as PreviewDocument["steps"][number]);
  }
  const changeSummary = doc.changeSummary
    ? Object.fromEntries(Object.entries(doc.changeSummary).map(([op, count]) => [op, count * factor]))
    : undefined;
  return { ...doc, steps, ...(changeSummary ? { changeSummary } : {}) };
}

if (require.main === module) {
  const [input, factorText, output] = process.argv.slice(2);
  const factor = Number(factorText);
  if (!input || !output || !Number.isInteger(factor) || factor < 1) {
    process.stderr.write(
      "usage: node scripts/runCompiled.js scripts/scaledPreview.ts IN.json FACTOR OUT.json (FACTOR a whole number >= 1)\n",
    );
    process.exit(2);
  }
  const doc = JSON.parse(fs.readFileSync(input, "utf8")) as PreviewDocument;
  fs.writeFileSync(output, JSON.stringify(scaledPreview(doc, factor)));
}
