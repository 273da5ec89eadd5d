// What scripts/runCompiled.js keeps between runs of an entry point besides its compiles: V8's code for every
// module it ran (scripts/v8CodeCache.js) and where each require into node_modules resolved (scripts/resolutionCache.js).
import { execFileSync } from "child_process";
import { createHash } from "crypto";
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
const { readSealed, writeSealed } = createRequire(__filename)("../../scripts/cacheFiles.js") as {
  readSealed(file: string): Buffer | undefined;
  writeSealed(file: string, data: string | Uint8Array): boolean;
};

const LAUNCH_DIR = path.join(PROJECT_DIR, ".cache", "launcher", `${process.version}-${process.arch}`);
const JS_CACHE = path.join(PROJECT_DIR, ".cache", "js");
const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "launcher-caches-")));
/** The launcher names what it keeps for an entry point after the entry's path from the project root, and its hash. */
const entryName = (file: string) =>
  `${path
    .relative(PROJECT_DIR, file)
    .replace(/\.ts$/, "")
    .replace(/[\\/.]+/g, "-")
    .replace(/^-+/, "")}-${createHash("sha1").update(file).digest("hex").slice(0, 8)}`;
const packOf = (entry: string) => path.join(LAUNCH_DIR, `${entryName(entry)}.code`);
const answersOf = (entry: string) => path.join(LAUNCH_DIR, `${entryName(entry)}.resolved.json`);
/** The answers of an entry point's resolution file: its first line names the entry point, the rest is JSON. */
const answersIn = (file: string) => JSON.parse(fs.readFileSync(file, "utf8").split("\n")[1]).answers as Record<string, [string, string]>;
const PAST = new Date("2020-01-01T00:00:00Z");

afterAll(() => {
  // The launcher removes what it kept for entry points that are gone, the next time it writes a pack; the compiles
  // of .cache/js are removed here.
  const prefixes = fs.readdirSync(tmp, { recursive: true, encoding: "utf8" }).map((f) => cacheBase(path.join(tmp, f)));
  for (const name of fs.existsSync(JS_CACHE) ? fs.readdirSync(JS_CACHE) : []) {
    if (prefixes.some((p) => name.startsWith(`${p}-`))) fs.rmSync(path.join(JS_CACHE, name));
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const name of fs.existsSync(LAUNCH_DIR) ? fs.readdirSync(LAUNCH_DIR) : []) {
    if (name.includes("tmp-launcher-caches-")) fs.rmSync(path.join(LAUNCH_DIR, name));
  }
});

/** .cache/js names a compile after the file's path from the project root. */
function cacheBase(file: string): string {
  return path
    .relative(PROJECT_DIR, file)
    .replace(/\.ts$/, "")
    .replace(/[\\/.]+/g, "-");
}

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
    "never runs code made for other text, even of the same length with its modification time put back, and compiles from source when the pack is damaged",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const lib = write("same-length/node_modules/word/index.js", 'module.exports = "aaa";\n');
      const entry = write("same-length/main.ts", 'console.log(require("word"));\n');
      expect((await runCli(entry, [])).stdout).toBe("aaa\n");
      const { mtime } = fs.statSync(lib);
      fs.writeFileSync(lib, 'module.exports = "bbb";\n');
      fs.utimesSync(lib, mtime, mtime);
      expect((await runCli(entry, [])).stdout).toBe("bbb\n");

      // A damaged pack only costs compiling from source, and a whole one is written again: main.ts (compiled on
      // the first run) and word/index.js.
      const pack = fs.readFileSync(packOf(entry));
      fs.writeFileSync(packOf(entry), pack.subarray(0, pack.length - 10));
      expect(await runCli(entry, [])).toEqual({ code: 0, stdout: "bbb\n", stderr: "" });
      expect(readPack(packOf(entry)).size).toBe(2);
      fs.writeFileSync(packOf(entry), "not a pack");
      expect(await runCli(entry, [])).toEqual({ code: 0, stdout: "bbb\n", stderr: "" });
      expect(readPack(packOf(entry)).size).toBe(2);
      // Its code altered in place, head, index and length as they were: V8 checks nothing of the code it is given
      // (altered code crashed the process, and every run after it), so the pack's bytes are checked instead.
      const altered = fs.readFileSync(packOf(entry));
      for (let at = altered.length - 100; at > altered.length - 2000 && at > 0; at -= 97) altered[at] ^= 0xff;
      fs.writeFileSync(packOf(entry), altered);
      expect(await runCli(entry, [])).toEqual({ code: 0, stdout: "bbb\n", stderr: "" });
      expect(fs.readFileSync(packOf(entry)).equals(altered)).toBe(false);
      expect(readPack(packOf(entry)).size).toBe(2);
    },
  );

  it(
    "gives modules Node's require, dynamic imports and stack trace columns, and leaves ES module syntax and hashbang lines to load as Node loads them",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      write("node-semantics/node_modules/esm/index.js", 'export const kind = "esm";\n');
      write("node-semantics/node_modules/dyn/index.js", 'module.exports = import("./kind.mjs").then((m) => m.kind);\n');
      write("node-semantics/node_modules/dyn/kind.mjs", 'export const kind = "imported";\n');
      const oneLine = 'module.exports = () => { throw new Error("one line"); };\n';
      write("node-semantics/node_modules/one-line/index.js", oneLine);
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
        [
          "let column = 0;",
          'try { require("one-line")(); } catch (err) { column = Number(/one-line.index\\.js:1:(\\d+)/.exec((err as Error).stack ?? "")?.[1]); }',
          'require("dyn").then((imported: string) =>',
          '  console.log(JSON.stringify([require("esm").kind, require("bin"), require("probe"), require.main === module, imported, column])),',
          ");",
          "",
        ].join("\n"),
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
        "imported",
        // Where V8 puts a throw on a file's first line when Node compiles the file: the `new`.
        oneLine.indexOf("new Error") + 1,
      ]);
      for (let run = 0; run < 2; run++) expect(await runCli(entry, [])).toEqual({ code: 0, stdout: `${expected}\n`, stderr: "" });
    },
  );
});

describe("the code cache, and what Node must do itself", () => {
  it(
    "leaves every module to Node when source maps are on, so stack traces name the TypeScript lines",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const entry = write(
        "source-maps/main.ts",
        [
          "interface Shape {",
          "  readonly side: number;",
          "}",
          "const shape: Shape = { side: 1 };",
          "function fail(): never {",
          "  throw new Error(`side ${shape.side}`);",
          "}",
          "fail();",
          "",
        ].join("\n"),
      );
      for (let run = 0; run < 2; run++) {
        const result = await runCli(entry, [], undefined, { NODE_OPTIONS: "--enable-source-maps" });
        expect([result.code, result.stderr.includes(`at fail (${entry}:6:9)`)]).toEqual([1, true]);
      }
      expect(fs.existsSync(packOf(entry))).toBe(false);
    },
  );

  it(
    "removes what it kept for an entry point that is gone, the next time any entry point writes its pack",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      write("gone/node_modules/word/index.js", 'module.exports = "gone";\n');
      const gone = write("gone/main.ts", 'console.log(require("word"));\n');
      expect((await runCli(gone, [])).stdout).toBe("gone\n");
      expect([fs.existsSync(packOf(gone)), fs.existsSync(answersOf(gone))]).toEqual([true, true]);
      fs.rmSync(gone);
      const other = write("gone/other.ts", 'console.log(require("word"));\n');
      expect((await runCli(other, [])).stdout).toBe("gone\n");
      expect([fs.existsSync(packOf(gone)), fs.existsSync(answersOf(gone)), fs.existsSync(packOf(other))]).toEqual([false, false, true]);
    },
  );
});

describe("the resolution cache", () => {
  it("resolves again an answer whose file has gone", { timeout: PROCESS_TEST_TIMEOUT }, async () => {
    write("moved/node_modules/word/package.json", '{ "name": "word", "main": "a.js" }\n');
    const first = write("moved/node_modules/word/a.js", 'module.exports = "a";\n');
    const entry = write("moved/main.ts", 'console.log(require("word"));\n');
    expect((await runCli(entry, [])).stdout).toBe("a\n");
    expect(answersIn(answersOf(entry))[`${path.dirname(entry)}\0word`][0]).toBe(first);
    write("moved/node_modules/word/package.json", '{ "name": "word", "main": "b.js" }\n');
    write("moved/node_modules/word/b.js", 'module.exports = "b";\n');
    fs.rmSync(first);
    expect((await runCli(entry, [])).stdout).toBe("b\n");
  });

  /** A node process resolving `word` and `./local` from `project` with the cache installed, as the launcher would. */
  function resolver(project: string) {
    const answers = path.join(project, "answers.json");
    const probe = [
      `require(${JSON.stringify(path.join(PROJECT_DIR, "scripts", "resolutionCache.js"))}).installResolutionCache(`,
      `  { projectDir: ${JSON.stringify(project)}, file: ${JSON.stringify(answers)}, entry: "probe" });`,
      `const m = new (require("module"))(${JSON.stringify(path.join(project, "probe.js"))});`,
      `m.filename = ${JSON.stringify(path.join(project, "probe.js"))}; m.paths = require("module")._nodeModulePaths(${JSON.stringify(project)});`,
      'console.log(m.require("word"), m.require("./local"));',
    ].join("\n");
    return {
      answers,
      run: (...nodeOptions: string[]) => execFileSync(process.execPath, [...nodeOptions, "-e", probe], { encoding: "utf8" }),
    };
  }

  it("keeps only answers that land in node_modules, and drops them all when npm has changed node_modules", () => {
    const project = path.join(tmp, "tree");
    write("tree/node_modules/.package-lock.json", "{}\n");
    write("tree/node_modules/word/package.json", '{ "name": "word", "main": "lib" }\n');
    write("tree/node_modules/word/lib.js", 'module.exports = "lib.js";\n');
    write("tree/local.js", 'module.exports = "local";\n');
    const { answers, run } = resolver(project);
    expect(run()).toBe("lib.js local\n");
    expect(Object.values(answersIn(answers)).map(([file]) => file)).toEqual([path.join(project, "node_modules", "word", "lib.js")]);
    // A file named exactly as "main" comes before lib.js for Node; the answer stands while the installed tree is
    // the same (npm rewrites node_modules/.package-lock.json whenever it changes node_modules).
    write("tree/node_modules/word/lib", 'module.exports = "lib";\n');
    expect(run()).toBe("lib.js local\n");
    write("tree/node_modules/.package-lock.json", '{ "changed": true }\n');
    expect(run()).toBe("lib local\n");
  });

  it("keeps its answers for a run with a preloaded file, and answers afresh under other export conditions", () => {
    const project = path.join(tmp, "conditions");
    write(
      "conditions/node_modules/word/package.json",
      '{ "name": "word", "exports": { "development": "./dev.js", "default": "./a.js" } }\n',
    );
    write("conditions/node_modules/word/a.js", 'module.exports = "a";\n');
    write("conditions/node_modules/word/dev.js", 'module.exports = "dev";\n');
    write("conditions/local.js", 'module.exports = "local";\n');
    const preload = write("conditions/preload.js", "\n");
    const { answers, run } = resolver(project);
    expect(run()).toBe("a local\n");
    fs.utimesSync(answers, PAST, PAST);
    expect(run("--require", preload)).toBe("a local\n");
    expect(fs.statSync(answers).mtime).toEqual(PAST);
    expect(run("-C", "development")).toBe("dev local\n");
  });

  it("resolves again an answer whose package.json has changed, though its file is still there", () => {
    const project = path.join(tmp, "edited-main");
    write("edited-main/node_modules/word/package.json", '{ "name": "word", "main": "a.js" }\n');
    write("edited-main/node_modules/word/a.js", 'module.exports = "a";\n');
    write("edited-main/node_modules/word/b.js", 'module.exports = "b";\n');
    write("edited-main/local.js", 'module.exports = "local";\n');
    const { run } = resolver(project);
    expect(run()).toBe("a local\n");
    expect(run()).toBe("a local\n");
    // A hand edit, not npm's: node_modules/.package-lock.json is as it was (here: absent).
    write("edited-main/node_modules/word/package.json", '{ "name": "word", "main": "b.js", "version": "2" }\n');
    expect(run()).toBe("b local\n");
    // Replaced with text of the same size, its time put back (as `cp -p`, `rsync -a` or a tarball leave it).
    // `touch -r` copies the time to the nanosecond, as those do.
    const packageJson = path.join(project, "node_modules", "word", "package.json");
    const times = path.join(project, "times");
    execFileSync("touch", ["-r", packageJson, times]);
    write("edited-main/node_modules/word/package.json", '{ "name": "word", "main": "a.js", "version": "2" }\n');
    execFileSync("touch", ["-r", times, packageJson]);
    expect(fs.statSync(packageJson).mtimeMs).toBe(fs.statSync(times).mtimeMs);
    expect(run()).toBe("a local\n");
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
      // V8's code altered in place, its head (the validator text's hash) as it was: not used, and made again.
      const alteredCode = fs.readFileSync(v8);
      for (let at = alteredCode.length - 100; at > 60; at -= 97) alteredCode[at] ^= 0xff;
      fs.writeFileSync(v8, alteredCode);
      expect(await run()).toEqual(ran(false));
      expect(fs.readFileSync(v8).equals(alteredCode)).toBe(false);
      // The validator's text another of the same length, sealed as a run writes it: V8 alone would run the code kept
      // for the old text.
      const validator = path.join(cache, fs.readdirSync(cache).find((f) => f.endsWith(".js")) as string);
      const text = readSealed(validator)?.toString("utf8") as string;
      expect(text).toContain('!== "string"');
      writeSealed(validator, text.replace('!== "string"', '!== "number"'));
      expect(await run()).toEqual({ code: 0, stdout: `${JSON.stringify({ compiled: false, valid: [true, false] })}\n`, stderr: "" });
      // A validator file emptied, cut short, or code that exports no validator: compiled afresh.
      fs.writeFileSync(validator, "");
      expect(await run()).toEqual(ran(true));
      const stored = fs.readFileSync(validator);
      fs.writeFileSync(validator, stored.subarray(0, stored.length >> 1));
      expect(await run()).toEqual(ran(true));
      writeSealed(validator, "module.exports = {};\n");
      expect(await run()).toEqual(ran(true));
      expect(await run()).toEqual(ran(false));
    },
  );
});
