/**
 * npm run plan [-- --stack NAME] [--config KEY=VALUE ...] [--secret KEY=VALUE ...] [--out DIR]
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

const USAGE = "usage: npm run plan -- [--stack NAME] [--config KEY=VALUE]... [--secret KEY=VALUE]... [--out DIR]";
const projectDir = path.resolve(__dirname, "..");

const OPTIONS = {
  stack: { type: "string", default: "dev" },
  config: { type: "string", multiple: true, default: [] as string[] },
  secret: { type: "string", multiple: true, default: [] as string[] },
  out: { type: "string", default: "out" },
  help: { type: "boolean", default: false },
} satisfies NonNullable<ParseArgsConfig["options"]>;

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  } catch (err) {
    process.stderr.write(`${hideSecretArguments((err as Error).message, argv, Object.keys(OPTIONS))}\n${USAGE}\n`);
    return EXIT_INVALID_INPUT;
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const outDir = parsed.values.out;
  try {
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
      program: require("../index") as () => unknown,
    });
    if (result.kind === "invalid-config") {
      process.stderr.write(`${result.message}\n`);
      return result.exitCode;
    }
    process.stdout.write(`${formatSummary(result, outDir)}\n`);
    return result.exitCode;
  } catch (err) {
    if (err instanceof PolicyConfigError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT_INVALID_INPUT;
    }
    if (err instanceof SharedMaterialError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT_INVALID_INPUT;
    }
    if (err instanceof PlanInputError) {
      process.stderr.write(`${err.message}\n${USAGE}\n`);
      return EXIT_INVALID_INPUT;
    }
    throw err;
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`plan failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(70);
  },
);
