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

/** Where the command writes; the tests run it in process with their own. */
export interface PromoteCliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The program to plan. @default index.ts, loaded by Node's `require` once a plan runs */
  readonly loadProgram?: () => Promise<() => unknown>;
}

/** The command: parses `argv` (the arguments after `npm run promote --`), promotes, prints; resolves to the exit code. */
export async function runPromoteCli(argv: readonly string[], io: PromoteCliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${USAGE}\n`);
    return EXIT_INVALID_INPUT;
  }
  if (parsed.values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const { from, to } = parsed.values;
  const projectDir = path.resolve(parsed.values.project ?? checkout);
  try {
    if (!from || !to) throw new PromoteInputError(`${!from ? "--from" : "--to"} is required`);
    const releaseFile = parsed.values.release === undefined ? undefined : readReleaseFile(parsed.values.release);
    // The program (and its providers' SDKs) loads only once a plan runs, so a refusal before any plan is quick.
    let loaded: (() => unknown) | undefined;
    const program = async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded ??= io.loadProgram ? await io.loadProgram() : (require("../index") as () => unknown);
      return loaded();
    };
    const promotion = await promote({ projectDir, from, to, releaseFile, program });
    if (!parsed.values["dry-run"]) writePromotion(promotion);
    io.stdout(`${formatPromotion(promotion, path.relative(projectDir, promotion.targetFile), parsed.values["dry-run"])}\n`);
    return 0;
  } catch (err) {
    if (err instanceof PromoteRefusal) {
      io.stderr(`promote refused: ${err.message}\n`);
      return EXIT_REFUSED;
    }
    if (
      err instanceof PromoteInputError ||
      err instanceof PlanInputError ||
      err instanceof StackFileLayoutError ||
      err instanceof PolicyConfigError ||
      err instanceof SharedMaterialError
    ) {
      io.stderr(`${err.message}\n${USAGE}\n`);
      return EXIT_INVALID_INPUT;
    }
    throw err;
  }
}

if (require.main === module) {
  runPromoteCli(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`promote failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(70);
    },
  );
}
