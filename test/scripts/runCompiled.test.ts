import { spawnSync } from "child_process";
import * as esbuild from "esbuild";
import * as fs from "fs";
import { createRequire } from "module";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { PROCESS_TEST_TIMEOUT, runCli } from "../cliProcess";
import { PROJECT_DIR } from "../harness";

const { DEFERRED } = createRequire(__filename)("../../scripts/deferredModules.js") as {
  DEFERRED: { parent: string; request: string; esModule: boolean; callable: boolean }[];
};
const JS_CACHE = path.join(PROJECT_DIR, ".cache", "js");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "run-compiled-"));
/** The cache names an entry after the file's path from the project root. */
const cachePrefix = (file: string) =>
  `${path
    .relative(PROJECT_DIR, file)
    .replace(/\.ts$/, "")
    .replace(/[\\/.]+/g, "-")}-`;
const entriesFor = (file: string) =>
  fs.existsSync(JS_CACHE) ? fs.readdirSync(JS_CACHE).filter((f) => f.startsWith(cachePrefix(file))) : [];

afterAll(() => {
  for (const name of fs.readdirSync(tmp)) for (const entry of entriesFor(path.join(tmp, name))) fs.rmSync(path.join(JS_CACHE, entry));
  fs.rmSync(tmp, { recursive: true, force: true });
});

function writeEntry(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

describe("scripts/runCompiled.js", () => {
  it(
    "runs the entry as the main module, with its arguments, its own __dirname and its imports compiled too",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      writeEntry("greeting.ts", 'export const greeting: string = "hello";\n');
      const entry = writeEntry(
        "main.ts",
        [
          'import { greeting } from "./greeting";',
          "const args: string[] = process.argv.slice(2);",
          "if (require.main === module) console.log(JSON.stringify({ greeting, args, dir: __dirname }));",
          "",
        ].join("\n"),
      );
      const result = await runCli(entry, ["--flag", "value"]);
      expect(result).toEqual({
        code: 0,
        stdout: `${JSON.stringify({ greeting: "hello", args: ["--flag", "value"], dir: tmp })}\n`,
        stderr: "",
      });
      expect(entriesFor(entry)).toHaveLength(1);
    },
  );

  it(
    "gives the modules no run uses stand-ins, each answering as its module, loading it whole on first use and freezing as it does",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const probe = String.raw`
        const Module = require("module");
        const path = require("path");
        const modules = path.join(root, "node_modules");
        // The packages whose loads are deferred, loaded as a run loads them.
        require(path.join(modules, "@pulumi", "pulumi"));
        require(path.join(modules, "@kubernetes-models", "validate"));
        const requester = (d) => {
          const file = path.join(root, d.parent);
          const m = new Module(file);
          m.filename = file;
          m.paths = Module._nodeModulePaths(path.dirname(file));
          return m;
        };
        const loaded = (d) => Boolean(require.cache[Module._resolveFilename(d.request, requester(d))]);
        const before = deferred.filter(loaded).map((d) => d.request);
        const facts = deferred.map((d) => {
          const standIn = requester(d).require(d.request);
          const told = [standIn.__esModule === true, typeof standIn === "function"];
          const untouched = !loaded(d);
          const keys = Reflect.ownKeys(standIn).map(String);
          const real = require.cache[Module._resolveFilename(d.request, requester(d))].exports;
          const sameKeys = JSON.stringify(keys) === JSON.stringify(Reflect.ownKeys(real).map(String));
          return [d.request, untouched, told, [real.__esModule === true, typeof real === "function"], sameKeys];
        });
        const frozen = Object.freeze(requester(deferred[2]).require("ajv-i18n"));
        const frozenWorks = [Object.isFrozen(frozen), typeof frozen.en];
        const normalize = requester(deferred[1]).require("normalize-package-data");
        const pkg = { name: "fake-package", version: "1.0.0" };
        normalize(pkg);
        console.log(JSON.stringify({ before, facts, normalized: pkg._id, frozenWorks }));
      `;
      const entry = writeEntry(
        "deferred.ts",
        `const root = ${JSON.stringify(PROJECT_DIR)};\nconst deferred = ${JSON.stringify(DEFERRED)};\n${probe}`,
      );
      const result = await runCli(entry, []);
      expect([result.code, result.stderr]).toEqual([0, ""]);
      const out = JSON.parse(result.stdout) as {
        before: string[];
        facts: [string, boolean, boolean[], boolean[], boolean][];
        normalized: string;
        frozenWorks: [boolean, string];
      };
      expect(out.before).toEqual([]);
      expect(out.facts.map(([request]) => request)).toEqual(["typescript", "normalize-package-data", "ajv-i18n"]);
      // Each stand-in was not loaded until used, said what the real module says once loaded, and has its keys.
      for (const [request, untouched, told, real, sameKeys] of out.facts) {
        expect([request, untouched, told, sameKeys]).toEqual([request, true, real, true]);
      }
      expect(out.facts.map(([, , told]) => told)).toEqual([
        [false, false],
        [false, true],
        [false, false],
      ]);
      expect(out.normalized).toBe("fake-package@1.0.0");
      expect(out.frozenWorks).toEqual([true, "function"]);
    },
  );

  it(
    "serializes a function for a dynamic provider as the SDK does without it: stand-ins are for modules a function cannot capture",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      // As the program imports the SDK: a namespace import, which esbuild's CommonJS output copies into an object of
      // its own, so the serializer walks every export (`automation` among them) instead of writing one require.
      const dir = path.join(tmp, "serialize");
      fs.mkdirSync(dir);
      fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"));
      const probe = [
        'import * as pulumi from "@pulumi/pulumi";',
        "pulumi.runtime.serializeFunction(() => pulumi.output(1)).then((s) => console.log(s.text));",
        "",
      ].join("\n");
      const entry = path.join(dir, "serialize.ts");
      fs.writeFileSync(entry, probe);
      const plain = path.join(dir, "serialize.js");
      fs.writeFileSync(plain, esbuild.transformSync(probe, { loader: "ts", format: "cjs" }).code);
      const withoutLauncher = spawnSync(process.execPath, [plain], { encoding: "utf8" });
      expect([withoutLauncher.status, withoutLauncher.stderr]).toEqual([0, ""]);
      expect(withoutLauncher.stdout).toContain('require("@pulumi/pulumi/automation/index.js")');
      expect(await runCli(entry, [])).toEqual({ code: 0, stdout: withoutLauncher.stdout, stderr: "" });
    },
  );

  it("loads a .ts file that import() names, as TypeScript's CommonJS output does", { timeout: PROCESS_TEST_TIMEOUT }, async () => {
    writeEntry("lazy.ts", 'export const lazy: string = "loaded";\n');
    const entry = writeEntry("dynamic.ts", 'import("./lazy").then((m) => console.log(m.lazy));\n');
    expect(await runCli(entry, [])).toEqual({ code: 0, stdout: "loaded\n", stderr: "" });
  });

  it(
    "compiles an edited file again, even when its modification time is put back, and keeps only the newest compile",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const entry = writeEntry("edited.ts", "console.log(1 as number);\n");
      const { mtime } = fs.statSync(entry);
      expect((await runCli(entry, [])).stdout).toBe("1\n");
      fs.writeFileSync(entry, "console.log(2 as number);\n");
      fs.utimesSync(entry, mtime, mtime);
      expect((await runCli(entry, [])).stdout).toBe("2\n");
      expect(entriesFor(entry)).toHaveLength(1);
    },
  );

  it(
    "compiles afresh a kept compile that is not as it was written: emptied, cut short or altered on disk",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const lib = writeEntry("kept.ts", 'export const kept: string = "whole";\n');
      const entry = writeEntry("keeper.ts", 'import { kept } from "./kept";\nconsole.log(kept);\n');
      expect(await runCli(entry, [])).toEqual({ code: 0, stdout: "whole\n", stderr: "" });
      const [name] = entriesFor(lib);
      const file = path.join(JS_CACHE, name);
      const written = fs.readFileSync(file);
      const altered = Buffer.from(written.toString("utf8").replace('"whole"', '"wrong"'));
      for (const damaged of [Buffer.alloc(0), written.subarray(0, written.length >> 1), altered]) {
        fs.writeFileSync(file, damaged);
        expect(await runCli(entry, [])).toEqual({ code: 0, stdout: "whole\n", stderr: "" });
        expect(fs.readFileSync(file).equals(written)).toBe(true);
      }
    },
  );

  it("refuses an entry point that is not there with its path and exit 2, not Node's stack trace", () => {
    const missing = spawnSync(process.execPath, [path.join(PROJECT_DIR, "scripts", "runCompiled.js"), "plan/cli.ts"], {
      cwd: tmp,
      encoding: "utf8",
    });
    expect([missing.status, missing.stdout, missing.stderr]).toEqual([
      2,
      "",
      `no such entry point: ${path.join(tmp, "plan", "cli.ts")} (ENTRY.ts is taken from the current folder)\n`,
    ]);
  });

  it(
    "stops on a syntax error with the file, line and message only, exit 1, and caches nothing",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const entry = writeEntry("broken.ts", "const x: number = ;\n");
      expect(await runCli(entry, [])).toEqual({
        code: 1,
        stdout: "",
        stderr: `${path.relative(PROJECT_DIR, entry)}(1,19): error TS1109: Expression expected.\n`,
      });
      expect(entriesFor(entry)).toEqual([]);
    },
  );
});

describe("scripts/runCompiled.js in a checkout with nothing compiled", () => {
  /** A project of its own: the launcher, tsconfig.json and node_modules, with sources, tests and a type declaration. */
  function freshProject(name: string, files: Record<string, string>): string {
    const project = path.join(tmp, name);
    fs.mkdirSync(path.join(project, "scripts"), { recursive: true });
    for (const f of ["runCompiled.js", "cacheFiles.js", "deferredModules.js", "v8CodeCache.js", "resolutionCache.js"]) {
      fs.copyFileSync(path.join(PROJECT_DIR, "scripts", f), path.join(project, "scripts", f));
    }
    fs.copyFileSync(path.join(PROJECT_DIR, "tsconfig.json"), path.join(project, "tsconfig.json"));
    fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(project, "node_modules"));
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
      fs.writeFileSync(path.join(project, file), text);
    }
    return project;
  }
  const run = (project: string, entry: string) =>
    spawnSync(process.execPath, [path.join(project, "scripts", "runCompiled.js"), entry], { cwd: project, encoding: "utf8" });
  const compiled = (project: string) =>
    fs
      .readdirSync(path.join(project, ".cache", "js"))
      .map((f) => f.replace(/-[0-9a-f]{40}\.js$/, ""))
      .sort();
  const SOURCES = {
    "app/main.ts": 'import { greeting } from "../lib/greeting";\nconsole.log(greeting);\n',
    "lib/greeting.ts": 'export const greeting: string = "hello";\n',
    "lib/unused.ts": "export const unused: number = 1;\n",
    "lib/shapes.d.ts": "declare const shape: string;\n",
    "test/main.test.ts": "export const t: number = 1;\n",
    ".hidden/h.ts": "export const h: number = 1;\n",
  };

  it("compiles every source it lacks at its first file, tests, declarations and hidden folders aside, and runs as before", () => {
    const project = freshProject("fresh", SOURCES);
    // What another Node kept: a folder no run has written to for a week goes; a recent one stays (two Nodes by turns).
    const launcher = path.join(project, ".cache", "launcher");
    for (const other of ["v0.0.1-x64", "v0.0.2-x64"]) fs.mkdirSync(path.join(launcher, other), { recursive: true });
    const longAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    fs.utimesSync(path.join(launcher, "v0.0.1-x64"), longAgo, longAgo);
    expect(run(project, "app/main.ts")).toMatchObject({ status: 0, stdout: "hello\n", stderr: "" });
    expect(compiled(project)).toEqual(["app-main", "lib-greeting", "lib-unused"]);
    expect(fs.readdirSync(launcher).sort()).toEqual([`${process.version}-${process.arch}`, "v0.0.2-x64"].sort());
    const again = run(project, "app/main.ts");
    expect([again.status, again.stdout]).toEqual([0, "hello\n"]);
    expect(compiled(project)).toEqual(["app-main", "lib-greeting", "lib-unused"]);
  });

  it("compiles file by file when a source does not parse, and stops only on a broken file that loads", () => {
    const project = freshProject("broken", { ...SOURCES, "lib/broken.ts": "const x: number = ;\n" });
    expect(run(project, "app/main.ts")).toMatchObject({ status: 0, stdout: "hello\n", stderr: "" });
    expect(compiled(project)).toEqual(["app-main", "lib-greeting"]);
    fs.writeFileSync(path.join(project, "app", "main.ts"), 'import "../lib/broken";\n');
    expect(run(project, "app/main.ts")).toMatchObject({
      status: 1,
      stdout: "",
      stderr: "lib/broken.ts(1,19): error TS1109: Expression expected.\n",
    });
  });
});
