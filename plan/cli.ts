/**
 * npm run plan [-- --stack NAME] [--config KEY=VALUE ...] [--secret KEY=VALUE ...] [--out DIR] [--baseline DIR]
 *
 * --baseline DIR: an earlier plan's out/<stack>/ (e.g. main's); the summary says what KubeRay does with each
 * RayService change against it (plan/rayUpgradeImpact.ts).
 *
 * Exit codes: 0 ok; 1 mandatory policy violation; 2 invalid config or
 * arguments; 3 a resource fails its upstream schema.
 */
import * as path from "path";
import { parseArgs, ParseArgsConfig } from "util";
import { PolicyConfigError } from "../policies/policyConfig";
import { SharedMaterialError } from "../validation/sharedMaterial";
import { hideSecretArguments } from "./hideSecretArguments";
import { EXIT_INVALID_INPUT, offlinePlan } from "./offlinePlan";
import { ConfigOverride, parseOverride, PlanInputError } from "./stackConfigFile";
import { formatSummary } from "./summary";
import { IMPACT_FILE, impactFile, loadBaseline, planUpgradeReport, PreviewReadError } from "./rayUpgradeImpact";

const USAGE = "usage: npm run plan -- [--stack NAME] [--config KEY=VALUE]... [--secret KEY=VALUE]... [--out DIR] [--baseline DIR]";
const projectDir = path.resolve(__dirname, "..");

const OPTIONS = {
  stack: { type: "string", default: "dev" },
  config: { type: "string", multiple: true, default: [] as string[] },
  secret: { type: "string", multiple: true, default: [] as string[] },
  out: { type: "string", default: "out" },
  baseline: { type: "string" },
  help: { type: "boolean", default: false },
} satisfies NonNullable<ParseArgsConfig["options"]>;

/** Where the command writes; the tests run it in process with their own. */
export interface PlanCliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The program to plan. @default index.ts, loaded by Node's `require` once the arguments are known to be good */
  readonly loadProgram?: () => Promise<() => unknown>;
}

/** The command: parses `argv` (the arguments after `npm run plan --`), plans, prints; resolves to the exit code. */
export async function runPlanCli(argv: readonly string[], io: PlanCliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
  } catch (err) {
    io.stderr(`${hideSecretArguments((err as Error).message, argv, Object.keys(OPTIONS))}\n${USAGE}\n`);
    return EXIT_INVALID_INPUT;
  }
  if (parsed.values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const outDir = parsed.values.out;
  try {
    const baseline = parsed.values.baseline === undefined ? undefined : loadBaseline(path.resolve(projectDir, parsed.values.baseline));
    const overrides: ConfigOverride[] = [
      ...parsed.values.config.map((c) => parseOverride(c, false)),
      ...parsed.values.secret.map((s) => parseOverride(s, true)),
    ];
    const result = await offlinePlan({
      projectDir,
      stack: parsed.values.stack,
      overrides,
      outDir: path.resolve(projectDir, outDir),
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      program: io.loadProgram ? await io.loadProgram() : (require("../index") as () => unknown),
      extraFiles: baseline ? (preview) => [impactFile(baseline, preview)] : undefined,
    });
    if (result.kind === "invalid-config") {
      io.stderr(`${result.message}\n`);
      return result.exitCode;
    }
    const stackOut = path.resolve(projectDir, outDir, parsed.values.stack);
    // A refused plan writes nothing (planFolder.ts), its comparison included.
    const written = baseline && result.exitCode === 0 ? path.join(stackOut, IMPACT_FILE) : undefined;
    const rayLines = planUpgradeReport(result.preview, baseline, written);
    io.stdout(`${[formatSummary(result, outDir), ...rayLines].join("\n")}\n`);
    return result.exitCode;
  } catch (err) {
    if (err instanceof PolicyConfigError) {
      io.stderr(`${err.message}\n`);
      return EXIT_INVALID_INPUT;
    }
    if (err instanceof PreviewReadError) {
      io.stderr(`--baseline: ${err.message}\n`);
      return EXIT_INVALID_INPUT;
    }
    if (err instanceof SharedMaterialError) {
      io.stderr(`${err.message}\n`);
      return EXIT_INVALID_INPUT;
    }
    if (err instanceof PlanInputError) {
      io.stderr(`${err.message}\n${USAGE}\n`);
      return EXIT_INVALID_INPUT;
    }
    throw err;
  }
}

if (require.main === module) {
  runPlanCli(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`plan failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(70);
    },
  );
}
