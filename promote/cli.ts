/**
 * npm run promote -- --from STACK --to STACK [--release FILE] [--dry-run] [--project DIR]
 *
 * --project DIR: the folder holding the stack files and policies/config/ (default: this checkout); the program
 * planned is always this checkout's index.ts.
 *
 * Writes the release of --from (config/release.ts) into Pulumi.<to>.yaml and prints what that changes in the
 * target's plan. Exit codes: 0 promoted (or, with --dry-run, promotable); 1 refused by a plan, the release or the
 * allow-list of what a release may change (nothing written); 2 bad arguments or a bad --release file.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs, ParseArgsConfig } from "util";
import { RELEASE_KEYS, valueAtKey } from "../config/release";
import { PolicyConfigError } from "../policies/policyConfig";
import { PlanInputError } from "../plan/stackConfigFile";
import { SharedMaterialError } from "../validation/sharedMaterial";
import { PromoteInputError, PromoteRefusal } from "./errors";
import { formatPlanDiff } from "./planDiff";
import { Promotion, promote, writePromotion } from "./promote";
import { StackFileLayoutError } from "./stackFileRelease";

const USAGE = "usage: npm run promote -- --from STACK --to STACK [--release FILE] [--dry-run] [--project DIR]";
const EXIT_REFUSED = 1;
const EXIT_INVALID_INPUT = 2;
const checkout = path.resolve(__dirname, "..");

const OPTIONS = {
  from: { type: "string" },
  to: { type: "string" },
  release: { type: "string" },
  project: { type: "string" },
  "dry-run": { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} satisfies NonNullable<ParseArgsConfig["options"]>;

export function formatPromotion(p: Promotion, targetFile: string, dryRun: boolean): string {
  const keys = p.written.join(", ");
  const head =
    p.written.length === 0
      ? `${targetFile} already holds the release of ${p.from}; nothing to write.`
      : dryRun
        ? `Dry run: ${targetFile} not written; the release of ${p.from} would write ${keys}.`
        : `Wrote the release of ${p.from} to ${targetFile}: ${keys}.`;
  return [
    `Release of ${p.from}:`,
    ...RELEASE_KEYS.map((key) => `  ${key}: ${JSON.stringify(valueAtKey(p.release, key))}`),
    "",
    head,
    "",
    `Plan of ${p.to}, before -> after:`,
    ...formatPlanDiff(p.changes),
  ].join("\n");
}

function readReleaseFile(name: string): { name: string; text: string } {
  try {
    return { name, text: fs.readFileSync(path.resolve(name), "utf8") };
  } catch (err) {
    throw new PromoteInputError(`--release ${name}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), options: OPTIONS, strict: true, allowPositionals: false });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return EXIT_INVALID_INPUT;
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { from, to } = parsed.values;
  const projectDir = path.resolve(parsed.values.project ?? checkout);
  try {
    if (!from || !to) throw new PromoteInputError(`${!from ? "--from" : "--to"} is required`);
    const releaseFile = parsed.values.release === undefined ? undefined : readReleaseFile(parsed.values.release);
    // The program (and its providers' SDKs) loads only once a plan runs, so a refusal before any plan is quick.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = () => (require("../index") as () => unknown)();
    const promotion = await promote({ projectDir, from, to, releaseFile, program });
    if (!parsed.values["dry-run"]) writePromotion(promotion);
    process.stdout.write(`${formatPromotion(promotion, path.relative(projectDir, promotion.targetFile), parsed.values["dry-run"])}\n`);
    return 0;
  } catch (err) {
    if (err instanceof PromoteRefusal) {
      process.stderr.write(`promote refused: ${err.message}\n`);
      return EXIT_REFUSED;
    }
    if (
      err instanceof PromoteInputError ||
      err instanceof PlanInputError ||
      err instanceof StackFileLayoutError ||
      err instanceof PolicyConfigError ||
      err instanceof SharedMaterialError
    ) {
      process.stderr.write(`${err.message}\n${USAGE}\n`);
      return EXIT_INVALID_INPUT;
    }
    throw err;
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`promote failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(70);
    },
  );
}
