/**
 * npm run adopt -- --stack NAME --live DIR [--import-file FILE]
 *
 * Reads the export in DIR (adopt/liveExport.ts), writes the keys that reproduce it into Pulumi.<stack>.yaml and the
 * `pulumi import --file` document (default out/<stack>/import.json), and prints the first `up`'s listed
 * improvements and what still needs a person. Exit codes: 0 adopted; 2 bad arguments, a bad export, or a live
 * object no config reproduces (nothing is written then).
 */
import * as path from "path";
import { parseArgs } from "util";
import { PlanInputError } from "../plan/stackConfigFile";
import { adopt, AdoptResult, writeAdoption } from "./adopt";
import { AdoptInputError } from "./liveExport";

const USAGE = "usage: npm run adopt -- --stack NAME --live DIR [--import-file FILE]";
const EXIT_INVALID_INPUT = 2;
const projectDir = path.resolve(__dirname, "..");

export function formatAdoption(result: AdoptResult, stackFile: string, importFile: string): string {
  const lines = [
    `Wrote ${result.written.length} keys to ${stackFile}:`,
    ...result.written.map((k) => `  ${k}`),
    `Wrote ${importFile}: ${result.importPlan.file.resources.filter((r) => !r.component).length} live objects to import.`,
    "",
    `The first \`pulumi up\` changes only these (${result.improvements.length}), each on purpose:`,
    ...result.improvements.map((i) => `  - ${i.object}: ${i.path}\n      ${i.reason}`),
    "",
    "Still needs a person:",
    ...result.todo.map((t) => `  - ${t}`),
    "",
    "Then, in order:",
    // The import names the stack's cluster provider; it must be in the stack first (it changes nothing in a cluster).
    ...Object.values(result.importPlan.file.nameTable ?? {}).map((urn) => `  pulumi up --stack <stack> --target '${urn}' --yes`),
    `  pulumi import --file ${importFile} --stack <stack> --generate-code=false --yes`,
    "  pulumi preview --diff --stack <stack>     # only the changes listed above",
  ];
  return lines.join("\n");
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      options: {
        stack: { type: "string" },
        live: { type: "string" },
        "import-file": { type: "string" },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return EXIT_INVALID_INPUT;
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { stack, live } = parsed.values;
  if (!stack || !live) {
    process.stderr.write(`${!stack ? "--stack" : "--live"} is required\n${USAGE}\n`);
    return EXIT_INVALID_INPUT;
  }
  const importFile = path.resolve(projectDir, parsed.values["import-file"] ?? path.join("out", stack, "import.json"));
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const result = await adopt({ projectDir, stack, liveDir: path.resolve(live), program: require("../index") as () => unknown });
    writeAdoption(result, importFile);
    process.stdout.write(`${formatAdoption(result, path.relative(projectDir, result.stackFile), path.relative(projectDir, importFile))}\n`);
    return 0;
  } catch (err) {
    if (err instanceof AdoptInputError || err instanceof PlanInputError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT_INVALID_INPUT;
    }
    throw err;
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`adopt failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(70);
    },
  );
}
