import { spawnSync } from "child_process";
import * as fs from "fs";
import { createRequire } from "module";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { PROCESS_TEST_TIMEOUT, runCli } from "../cliProcess";
import { PROJECT_DIR } from "../harness";

const { DEFERRED } = createRequire(__filename)("../../scripts/deferredModules.js") as { DEFERRED: { esModule: boolean }[] };
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
    "gives the Pulumi SDK stand-ins for the TypeScript compiler, the Automation API and the provider server, each loaded whole on first use",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      const sdk = path.join(PROJECT_DIR, "node_modules", "@pulumi", "pulumi");
      const probe = String.raw`
        const deferred = /(typescript)[\/]lib[\/]typescript\.js$|pulumi[\/](automation|provider)[\/]index\.js$/;
        const loaded = () => Object.keys(require.cache).flatMap((f) => deferred.exec(f)?.filter(Boolean).slice(1) ?? []).sort();
        const pulumi = require(sdk);
        const ts = require(sdk + "/typescript-shim.js");
        const before = loaded();
        const flags = [pulumi.automation.__esModule, pulumi.provider.__esModule, ts.__esModule];
        const used = [typeof pulumi.automation.LocalWorkspace.create, typeof pulumi.provider.main, typeof ts.createSourceFile];
        console.log(JSON.stringify({ before, used, after: loaded(), flags }));
      `;
      const entry = writeEntry("sdk.ts", `const sdk = ${JSON.stringify(sdk)};\n${probe}`);
      expect(await runCli(entry, [])).toEqual({
        code: 0,
        stdout: `${JSON.stringify({
          before: [],
          used: ["function", "function", "function"],
          after: ["automation", "provider", "typescript"],
          // What each real module says once loaded, as the stand-in said before: the table matches the SDK.
          flags: [true, true, null],
        })}\n`,
        stderr: "",
      });
      expect(DEFERRED.map((d) => d.esModule)).toEqual([false, true, true]);
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
