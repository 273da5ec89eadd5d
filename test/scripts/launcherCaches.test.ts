// What scripts/runCompiled.js keeps between runs of an entry point besides its compiles: V8's code for every
// module it ran (scripts/v8CodeCache.js) and where each require into node_modules resolved (scripts/resolutionCache.js).
import { execFileSync } from "child_process";
import * as fs from "fs";
import { createRequire } from "module";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { PROCESS_TEST_TIMEOUT, runCli } from "../cliProcess";
import { PROJECT_DIR } from "../harness";

const { readPack } = createRequire(__filename)("../../scripts/v8CodeCache.js") as {
  readPack: (file: string) => Map<string, Buffer>;
};

const LAUNCH_DIR = path.join(PROJECT_DIR, ".cache", "launcher", `${process.version}-${process.arch}`);
const JS_CACHE = path.join(PROJECT_DIR, ".cache", "js");
const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "launcher-caches-")));
/** The launcher names what it keeps for an entry point after the entry's path from the project root. */
const entryName = (file: string) =>
  path
    .relative(PROJECT_DIR, file)
    .replace(/\.ts$/, "")
    .replace(/[\\/.]+/g, "-");
const packOf = (entry: string) => path.join(LAUNCH_DIR, `${entryName(entry)}.code`);
const answersOf = (entry: string) => path.join(LAUNCH_DIR, `${entryName(entry)}.resolved.json`);
const PAST = new Date("2020-01-01T00:00:00Z");

afterAll(() => {
  const prefixes = fs.readdirSync(tmp, { recursive: true, encoding: "utf8" }).map((f) => `${entryName(path.join(tmp, f))}`);
  for (const dir of [LAUNCH_DIR, JS_CACHE]) {
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      if (prefixes.some((p) => name.startsWith(`${p}.`) || name.startsWith(`${p}-`))) fs.rmSync(path.join(dir, name));
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

function write(relative: string, text: string): string {
  const file = path.join(tmp, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe("the code cache", () => {
  it(
    "keeps each module's code in one pack per entry point, written again only when a run compiled a module afresh, and then with exactly that run's modules",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      write("pack/node_modules/word/index.js", 'module.exports = "cached";\n');
      write("pack/node_modules/word/extra.js", 'module.exports = "extra";\n');
      write("pack/helper.ts", 'export const helper: string = "helper";\n');
      const entry = write("pack/main.ts", 'import { helper } from "./helper";\nconsole.log(require("word"), helper);\n');
      expect(await runCli(entry, [])).toEqual({ code: 0, stdout: "cached helper\n", stderr: "" });
      // main.ts, helper.ts, word/index.js and esbuild's main.js, which compiled the two: the modules the launcher
      // ran (not itself, nor Node's own).
      expect(readPack(packOf(entry)).size).toBe(4);

      fs.utimesSync(packOf(entry), PAST, PAST);
      expect(await runCli(entry, [])).toEqual({ code: 0, stdout: "cached helper\n", stderr: "" });
      expect(fs.statSync(packOf(entry)).mtime).toEqual(PAST);

      fs.writeFileSync(entry, 'import { helper } from "./helper";\nconsole.log(require("word/extra"), helper);\n');
      expect(await runCli(entry, [])).toEqual({ code: 0, stdout: "extra helper\n", stderr: "" });
      expect(fs.statSync(packOf(entry)).mtime).not.toEqual(PAST);
      // The new main.ts and word/extra.js in, the old main.ts and word/index.js out; esbuild compiled main.ts again.
      expect(readPack(packOf(entry)).size).toBe(4);
    },
  );

  it(
    "never runs code made for other text, even of the same length with its modification time put back",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const lib = write("same-length/node_modules/word/index.js", 'module.exports = "aaa";\n');
      const entry = write("same-length/main.ts", 'console.log(require("word"));\n');
      expect((await runCli(entry, [])).stdout).toBe("aaa\n");
      const { mtime } = fs.statSync(lib);
      fs.writeFileSync(lib, 'module.exports = "bbb";\n');
      fs.utimesSync(lib, mtime, mtime);
      expect((await runCli(entry, [])).stdout).toBe("bbb\n");
    },
  );

  it("compiles from source when the pack is damaged, and writes a whole one again", { timeout: PROCESS_TEST_TIMEOUT }, async () => {
    write("damaged/node_modules/word/index.js", 'module.exports = "whole";\n');
    const entry = write("damaged/main.ts", 'console.log(require("word"));\n');
    expect((await runCli(entry, [])).stdout).toBe("whole\n");
    const pack = fs.readFileSync(packOf(entry));
    fs.writeFileSync(packOf(entry), pack.subarray(0, pack.length - 10));
    expect(await runCli(entry, [])).toEqual({ code: 0, stdout: "whole\n", stderr: "" });
    // main.ts and word/index.js (main.ts was compiled on the first run).
    expect(readPack(packOf(entry)).size).toBe(2);
    fs.writeFileSync(packOf(entry), "not a pack");
    expect(await runCli(entry, [])).toEqual({ code: 0, stdout: "whole\n", stderr: "" });
    expect(readPack(packOf(entry)).size).toBe(2);
  });

  it(
    "gives modules Node's require, and leaves ES module syntax and hashbang lines to load as Node loads them",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      write("node-semantics/node_modules/esm/index.js", 'export const kind = "esm";\n');
      write("node-semantics/node_modules/bin/index.js", '#!/usr/bin/env node\nmodule.exports = "hashbang";\n');
      write(
        "node-semantics/node_modules/probe/index.js",
        [
          "module.exports = {",
          "  resolved: require.resolve('bin'),",
          "  paths: require.resolve.paths('bin')[0],",
          "  cached: require.cache[__filename] === module,",
          "  main: require.main === process.mainModule,",
          "  dir: __dirname,",
          "};",
          "",
        ].join("\n"),
      );
      const entry = write(
        "node-semantics/main.ts",
        'console.log(JSON.stringify([require("esm").kind, require("bin"), require("probe"), require.main === module]));\n',
      );
      const modules = path.join(tmp, "node-semantics", "node_modules");
      const expected = JSON.stringify([
        "esm",
        "hashbang",
        {
          resolved: path.join(modules, "bin", "index.js"),
          paths: path.join(modules, "probe", "node_modules"),
          cached: true,
          main: true,
          dir: path.join(modules, "probe"),
        },
        true,
      ]);
      for (let run = 0; run < 2; run++) expect(await runCli(entry, [])).toEqual({ code: 0, stdout: `${expected}\n`, stderr: "" });
    },
  );
});

describe("the resolution cache", () => {
  it("resolves again an answer whose file has gone", { timeout: PROCESS_TEST_TIMEOUT }, async () => {
    write("moved/node_modules/word/package.json", '{ "name": "word", "main": "a.js" }\n');
    const first = write("moved/node_modules/word/a.js", 'module.exports = "a";\n');
    const entry = write("moved/main.ts", 'console.log(require("word"));\n');
    expect((await runCli(entry, [])).stdout).toBe("a\n");
    expect(JSON.parse(fs.readFileSync(answersOf(entry), "utf8")).answers[`${path.dirname(entry)}\0word`]).toBe(first);
    write("moved/node_modules/word/package.json", '{ "name": "word", "main": "b.js" }\n');
    write("moved/node_modules/word/b.js", 'module.exports = "b";\n');
    fs.rmSync(first);
    expect((await runCli(entry, [])).stdout).toBe("b\n");
  });

  it("keeps only answers that land in node_modules, and drops them all when npm has changed node_modules", () => {
    const project = path.join(tmp, "tree");
    write("tree/node_modules/.package-lock.json", "{}\n");
    write("tree/node_modules/word/package.json", '{ "name": "word", "main": "a.js" }\n');
    write("tree/node_modules/word/a.js", 'module.exports = "a";\n');
    write("tree/node_modules/word/b.js", 'module.exports = "b";\n');
    write("tree/local.js", 'module.exports = "local";\n');
    const answers = path.join(project, "answers.json");
    const probe = [
      `require(${JSON.stringify(path.join(PROJECT_DIR, "scripts", "resolutionCache.js"))}).installResolutionCache(`,
      `  { projectDir: ${JSON.stringify(project)}, file: ${JSON.stringify(answers)} });`,
      `const m = new (require("module"))(${JSON.stringify(path.join(project, "probe.js"))});`,
      `m.filename = ${JSON.stringify(path.join(project, "probe.js"))}; m.paths = require("module")._nodeModulePaths(${JSON.stringify(project)});`,
      'console.log(m.require("word"), m.require("./local"));',
    ].join("\n");
    const run = () => execFileSync(process.execPath, ["-e", probe], { encoding: "utf8" });
    expect(run()).toBe("a local\n");
    expect(Object.values(JSON.parse(fs.readFileSync(answers, "utf8")).answers)).toEqual([
      path.join(project, "node_modules", "word", "a.js"),
    ]);
    // npm rewrites node_modules/.package-lock.json whenever it changes node_modules.
    write("tree/node_modules/word/package.json", '{ "name": "word", "main": "b.js" }\n');
    expect(run()).toBe("a local\n");
    write("tree/node_modules/.package-lock.json", '{ "changed": true }\n');
    expect(run()).toBe("b local\n");
  });
});

describe("V8's code for a compiled validator (validation/validatorCache.ts)", () => {
  it(
    "is kept beside the validator by the first run that loads it, used while V8 accepts it, and made again when it does not",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const cache = path.join(tmp, "validators");
      const entry = write(
        "validator/main.ts",
        [
          `import Ajv from ${JSON.stringify(path.join(PROJECT_DIR, "node_modules", "ajv"))};`,
          `import { loadCachedValidator, storeValidator } from ${JSON.stringify(path.join(PROJECT_DIR, "validation", "validatorCache"))};`,
          'const schema = { type: "object", properties: { interval: { type: "string" } } };',
          'let validate = loadCachedValidator("probe", JSON.stringify(schema));',
          "const compiled = validate === undefined;",
          "if (!validate) {",
          "  const ajv = new Ajv({ code: { source: true } });",
          "  validate = ajv.compile(schema);",
          '  storeValidator("probe", JSON.stringify(schema), ajv, validate);',
          "}",
          'console.log(JSON.stringify({ compiled, valid: [validate({ interval: 60 }), validate({ interval: "1m" })] }));',
          "",
        ].join("\n"),
      );
      const run = () => runCli(entry, [], undefined, { FACE_OCR_CACHE_DIR: cache });
      const ran = (compiled: boolean) => ({ code: 0, stdout: `${JSON.stringify({ compiled, valid: [false, true] })}\n`, stderr: "" });
      const entries = () =>
        fs
          .readdirSync(cache)
          .sort()
          .map((f) => f.replace(/-[0-9a-f]{24}\./, "-<digest>."));
      expect(await run()).toEqual(ran(true));
      expect(entries()).toEqual(["validate-probe-<digest>.js"]);
      expect(await run()).toEqual(ran(false));
      expect(entries()).toEqual(["validate-probe-<digest>.js", "validate-probe-<digest>.v8"]);
      const v8 = path.join(cache, fs.readdirSync(cache).find((f) => f.endsWith(".v8")) as string);
      fs.utimesSync(v8, PAST, PAST);
      expect(await run()).toEqual(ran(false));
      expect(fs.statSync(v8).mtime).toEqual(PAST);
      fs.writeFileSync(v8, "not V8's code");
      expect(await run()).toEqual(ran(false));
      expect(fs.readFileSync(v8).toString("latin1")).not.toBe("not V8's code");
    },
  );
});
