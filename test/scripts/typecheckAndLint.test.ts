import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { runCheck } from "../../scripts/typecheckAndLint";
import { PROCESS_TEST_TIMEOUT } from "../cliProcess";
import { PROJECT_DIR } from "../harness";

/** A project of its own: the project's eslint.config.mjs and compiler options, its node_modules, and a few sources. */
const fixture = fs.mkdtempSync(path.join(os.tmpdir(), "typecheck-and-lint-"));
afterAll(() => fs.rmSync(fixture, { recursive: true, force: true }));

const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "tsconfig.json"), "utf8").replace(/^\s*\/\/.*$/gm, "")) as {
  compilerOptions: Record<string, unknown>;
};

function project(name: string, files: Record<string, string>): string {
  const dir = path.join(fixture, name);
  fs.mkdirSync(path.join(dir, "src"), { recursive: true });
  fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"));
  fs.copyFileSync(path.join(PROJECT_DIR, "eslint.config.mjs"), path.join(dir, "eslint.config.mjs"));
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { ...compilerOptions, types: [] }, include: ["src/**/*.ts"] }),
  );
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

/**
 * @pulumi/eslint-plugin's typed rule knows an Output by its type alias's name, so a local alias stands in for the SDK's
 * (whose declarations would triple the fixture's compile time).
 */
const OUTPUT_IN_TEMPLATE = [
  "type Output<T> = { readonly value: T };",
  "declare const name: Output<string>;",
  "export const url = `https://${name}.example.invalid`;",
  "",
].join("\n");

/** One of the tools as its own command runs it, in `dir`. */
function run(dir: string, tool: string, args: string[]): Promise<{ status: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(path.join(PROJECT_DIR, "node_modules", ".bin", tool), args, { cwd: dir, encoding: "utf8" }, (err, stdout) =>
      resolve({ status: err ? Number(err.code) : 0, stdout }),
    );
  });
}

describe("npm run check (scripts/typecheckAndLint.ts)", () => {
  it(
    "reports what `tsc --noEmit` and then `eslint .` report, byte for byte, typed rules included, and fails as they do",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const dir = project("findings", {
        "src/url.ts": OUTPUT_IN_TEMPLATE,
        "src/count.ts": 'export const count: number = "three";\nconst spare = 1;\n',
      });
      const [tsc, eslint] = await Promise.all([run(dir, "tsc", ["--noEmit"]), run(dir, "eslint", ["."])]);
      expect([tsc.status, eslint.status]).toEqual([2, 1]);
      const result = await runCheck(dir);
      expect(result).toEqual({ exitCode: 1, stdout: tsc.stdout + eslint.stdout });
      // What the two tools found: the type error and the unused local, then the Output in a template literal (a rule
      // that needs the type checker, so it ran on the program handed over) and the unused variable.
      expect(result.stdout.split("\n").filter((line) => /error/.test(line))).toEqual([
        "src/count.ts(1,14): error TS2322: Type 'string' is not assignable to type 'number'.",
        "src/count.ts(2,7): error TS6133: 'spare' is declared but its value is never read.",
        expect.stringMatching(/^ {2}2:7 +error +'spare' is assigned a value but never used\. .* @typescript-eslint\/no-unused-vars$/),
        expect.stringMatching(
          /^ {2}3:20 +error +pulumi\.Output<T> not permitted in template literals +@pulumi\/no-output-in-template-literal$/,
        ),
        "✖ 2 problems (2 errors, 0 warnings)",
        "  1 error and 0 warnings potentially fixable with the `--fix` option.",
      ]);
    },
  );

  it(
    "reports syntax errors alone when there are any, as tsc does, and leaves the type errors for after",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const dir = project("syntax", {
        "src/broken.ts": "export const m = ;\n",
        "src/count.ts": 'export const count: number = "three";\n',
      });
      const tsc = await run(dir, "tsc", ["--noEmit"]);
      expect(tsc.stdout).toBe("src/broken.ts(1,18): error TS1109: Expression expected.\n");
      const result = await runCheck(dir);
      // Then eslint's parsing error for the same line (its report is compared with eslint's own in the test above).
      expect([result.exitCode, result.stdout.slice(0, tsc.stdout.length)]).toEqual([1, tsc.stdout]);
      expect(result.stdout.slice(tsc.stdout.length)).toMatch(
        /^\n\S+broken\.ts\n {2}1:17 +error +Parsing error: Expression expected\n\n✖ 1 problem/,
      );
    },
  );

  it("prints nothing and succeeds on a clean project", { timeout: PROCESS_TEST_TIMEOUT }, async () => {
    const dir = project("clean", { "src/ok.ts": 'export const greeting: string = "hello";\n' });
    expect(await runCheck(dir)).toEqual({ exitCode: 0, stdout: "" });
  });

  it(
    "lints with the program it checked: a TypeScript file that tsconfig.json leaves out is not in it, and fails",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      // loose.mts is outside too, but eslint.config.mjs parses only .ts files with type information: it passes.
      const dir = project("outside", {
        "src/ok.ts": "export const one = 1;\n",
        "loose.ts": "export const two = 2;\n",
        "loose.mts": "export const three = 3;\n",
      });
      expect(await runCheck(dir)).toEqual({
        exitCode: 1,
        stdout: [
          "",
          path.join(dir, "loose.ts"),
          '  0:0  error  Parsing error: "parserOptions.programs" has been provided for @typescript-eslint/parser.',
          "The file was not found in any of the provided program instance(s): loose.ts",
          "",
          "✖ 1 problem (1 error, 0 warnings)",
          "",
          "",
        ].join("\n"),
      });
    },
  );
});
