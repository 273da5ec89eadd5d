/**
 * node scripts/runCompiled.js ENTRY.ts [ARGS...]
 *
 * Runs one of the project's TypeScript entry points (plan/cli.ts, policies/cli.ts, scripts/*.ts) as plain
 * JavaScript, without a loader scanning every file Node loads. Each `.ts` file is compiled once, on first use, by
 * esbuild (the transpiler tsx and vitest run these sources with) with tsconfig.json's options: types are erased,
 * not checked (`npm run typecheck` checks them). A fresh clone compiles its hundred-odd files in a fraction of a
 * second, where TypeScript's own `transpileModule` took seconds (and 8 MB of compiler to load). The output is kept
 * in `.cache/js/` under the hash of its source text, tsconfig.json and the esbuild version. A file is looked up by that hash every time it is loaded, so an edited file
 * is recompiled on its next load and a stale compile is never run. The compiled code runs under the `.ts` file's
 * own name, so `__dirname`, relative imports and stack trace file names are those of the sources. Each compile
 * carries an inline source map: `NODE_OPTIONS=--enable-source-maps` gives stack traces the TypeScript line numbers
 * (off by default, as mapping every module the SDK loads costs a tenth of its load time). A file that does not
 * parse is reported by TypeScript, as `tsc` would report it, and nothing runs. The first file a run finds
 * uncompiled has every project source without a compile compiled with it, in one esbuild build (compileProject).
 *
 * The SDK's start-up loads that no run of these commands uses are deferred to first use (scripts/deferredModules.js).
 *
 * Beside the compiles, each entry point keeps in `.cache/launcher/<node>-<arch>/` V8's compiled code for the modules
 * it ran (scripts/v8CodeCache.js) and where its requires into node_modules resolved (scripts/resolutionCache.js).
 *
 * `pulumi preview` and `pulumi up` do not use this: the Pulumi CLI runs index.ts (and policies/ as a policy
 * pack) with its own TypeScript support, as Pulumi.yaml says.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const { folderNames, readSealed, writeSealed } = require("./cacheFiles");
const { installDeferredModules } = require("./deferredModules");
const { answersEntry, installResolutionCache } = require("./resolutionCache");
const { installCodeCache, packEntry } = require("./v8CodeCache");

const ROOT = path.resolve(__dirname, "..");
const CACHE_DIR = path.join(ROOT, ".cache", "js");
const TSCONFIG = path.join(ROOT, "tsconfig.json");
/** Bump when what this file does to a compiled file changes, so earlier compiles are not reused. */
const COMPILE_VERSION = "3";

let tsconfigText;

function projectTsconfig() {
  tsconfigText ??= fs.readFileSync(TSCONFIG, "utf8");
  return tsconfigText;
}

/** How esbuild compiles each file; tsconfig.json, as its text, adds the options that shape the output (strict mode, class fields). */
const TRANSFORM_OPTIONS = {
  loader: "ts",
  format: "cjs",
  sourcemap: "inline",
  sourcesContent: false,
  // `import()` becomes `require()`, as TypeScript emits it for `module: commonjs`: Node's own import() knows no `.ts`.
  supported: { "dynamic-import": false },
};

/** What a compile depends on besides the source: the compiler, its options and the project's. */
function compilerFingerprint() {
  const version = require("esbuild/package.json").version;
  return `${COMPILE_VERSION}\nesbuild ${version}\n${JSON.stringify(TRANSFORM_OPTIONS)}\n${projectTsconfig()}\n`;
}

function compile(source, filename) {
  let result;
  try {
    result = require("esbuild").transformSync(source, { ...TRANSFORM_OPTIONS, sourcefile: filename, tsconfigRaw: projectTsconfig() });
  } catch (err) {
    if (!Array.isArray(err.errors)) throw err;
    refuse(source, filename, err.errors);
  }
  return result.code;
}

/**
 * A file that does not parse cannot run: say where, as tsc would (TypeScript's diagnostics, in its format), and stop
 * before the program sees it. esbuild's own messages stand in for the rare file TypeScript accepts and esbuild does not.
 */
function refuse(source, filename, esbuildErrors) {
  const ts = require("typescript");
  const diagnostics = ts
    .transpileModule(source, { fileName: filename, reportDiagnostics: true, compilerOptions: { isolatedModules: true } })
    .diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diagnostics.length > 0) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => "\n" };
    process.stderr.write(ts.formatDiagnostics(diagnostics, host));
  } else {
    const where = path.relative(process.cwd(), filename);
    for (const e of esbuildErrors) {
      const at = e.location ? `(${e.location.line},${e.location.column + 1})` : "";
      process.stderr.write(`${where}${at}: error: ${e.text}\n`);
    }
  }
  process.exit(1);
}

/** `plan-cli-<hash>.js` for plan/cli.ts: a readable prefix, so older compiles of the same file can be removed. */
function cacheFile(filename, digest) {
  const prefix = path
    .relative(ROOT, filename)
    .replace(/\.ts$/, "")
    .replace(/[\\/.]+/g, "-");
  return { prefix: `${prefix}-`, file: path.join(CACHE_DIR, `${prefix}-${digest}.js`) };
}

function store(prefix, file, code) {
  // A read-only tree only loses the cache: the file is compiled again next time.
  if (!writeSealed(file, code)) return;
  for (const name of folderNames(CACHE_DIR)) {
    if (name.startsWith(prefix) && name.endsWith(".js") && path.join(CACHE_DIR, name) !== file) {
      const rest = name.slice(prefix.length, -".js".length);
      // Only this file's older compiles (prefix then a bare hash), not another file whose name extends this one.
      if (/^[0-9a-f]{40}$/.test(rest)) fs.rmSync(path.join(CACHE_DIR, name), { force: true });
    }
  }
}

let fingerprint;
/** scripts/v8CodeCache.js, installed by main(). */
let codeCache;

/** Where the compile of `source` (the text of `filename`) is kept. */
function compiledFile(filename, source) {
  fingerprint ??= compilerFingerprint();
  const digest = crypto.createHash("sha1").update(fingerprint).update(filename).update("\n").update(source).digest("hex");
  return cacheFile(filename, digest);
}

/** A kept compile, or undefined when there is none or it is not the compile as written (cut short, emptied, altered). */
function readCompiled(file) {
  return readSealed(file)?.toString("utf8");
}

function loadTs(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  const { prefix, file } = compiledFile(filename, source);
  let code = readCompiled(file);
  if (code === undefined && !projectCompiled && filename.startsWith(REAL_ROOT + path.sep)) {
    compileProject();
    code = readCompiled(file);
  }
  if (code === undefined) {
    code = compile(source, filename);
    store(prefix, file, code);
  }
  codeCache.runModule(module, code, filename);
}

/** Folders of the project that hold no source a command runs: tests (vitest compiles those), output, dependencies. */
const NOT_SOURCES = new Set(["node_modules", "out", "bin", "test"]);
const REAL_ROOT = fs.realpathSync(ROOT);
let projectCompiled = false;

function projectSources(dir, found = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.name.startsWith(".")) continue;
    if (entry.isDirectory()) {
      if (!NOT_SOURCES.has(entry.name)) projectSources(full, found);
    } else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      found.push(full);
    }
  }
  return found;
}

/**
 * A run that finds nothing compiled (a fresh clone, or esbuild or tsconfig.json changed) would compile file after
 * file, each a round trip to esbuild's process. So the first project file a run finds uncompiled has every project
 * source without a compile compiled at once, in one esbuild build, and kept. esbuild reads the files itself: a file
 * whose text is no longer the text its compile is named after is not kept (it is compiled alone when it loads). If
 * any file does not parse, nothing is kept: each file is then compiled as it loads, and a broken one that loads is
 * reported as tsc would.
 */
function compileProject() {
  projectCompiled = true;
  const missing = [];
  for (const filename of projectSources(REAL_ROOT)) {
    const source = fs.readFileSync(filename, "utf8");
    const { prefix, file } = compiledFile(filename, source);
    if (!fs.existsSync(file)) missing.push({ filename, source, prefix, file });
  }
  if (missing.length < 2) return;
  const { loader: _loader, ...options } = TRANSFORM_OPTIONS;
  let outputs;
  try {
    outputs = require("esbuild").buildSync({
      ...options,
      entryPoints: missing.map((m) => m.filename),
      outdir: REAL_ROOT,
      outbase: REAL_ROOT,
      write: false,
      tsconfigRaw: projectTsconfig(),
      logLevel: "silent",
    }).outputFiles;
  } catch {
    return;
  }
  const compiled = new Map(outputs.map((o) => [o.path, o.text]));
  for (const { filename, source, prefix, file } of missing) {
    const code = compiled.get(filename.replace(/\.ts$/, ".js"));
    if (code !== undefined && fs.readFileSync(filename, "utf8") === source) store(prefix, file, code);
  }
}

/** A run that wrote its pack also removes what is kept for entry points that no longer exist (scratch files, say). */
function removeGoneEntryPoints(launchDir) {
  for (const name of folderNames(launchDir)) {
    const file = path.join(launchDir, name);
    const entry = name.endsWith(".code") ? packEntry(file) : name.endsWith(".resolved.json") ? answersEntry(file) : null;
    if (entry === null) continue;
    if (typeof entry !== "string" || !fs.existsSync(entry)) fs.rmSync(file, { force: true });
  }
}

/** How long another Node's folder is kept unused: long enough for a checkout used with two Nodes by turns. */
const OTHER_NODE_KEPT_MS = 7 * 24 * 3600 * 1000;

/** Folders of another Node that no run has written to for a week are taken to be of a Node no longer used. */
function removeOtherFolders(folder) {
  const parent = path.dirname(folder);
  for (const name of folderNames(parent)) {
    const other = path.join(parent, name);
    try {
      if (name !== path.basename(folder) && Date.now() - fs.statSync(other).mtimeMs > OTHER_NODE_KEPT_MS) {
        fs.rmSync(other, { recursive: true, force: true });
      }
    } catch {
      // removed by another run meanwhile
    }
  }
}

function main() {
  const entry = process.argv[2];
  if (!entry || !entry.endsWith(".ts")) {
    process.stderr.write("usage: node scripts/runCompiled.js ENTRY.ts [ARGS...]\n");
    process.exit(2);
  }
  // What the entry point resolved and V8 compiled on its last run, kept per Node build (another Node's are removed
  // once unused for a week).
  const launchDir = path.join(ROOT, ".cache", "launcher", `${process.version}-${process.arch}`);
  if (!fs.existsSync(launchDir)) removeOtherFolders(launchDir);
  const entryPath = path.resolve(entry);
  if (!fs.statSync(entryPath, { throwIfNoEntry: false })?.isFile()) {
    process.stderr.write(`no such entry point: ${entryPath} (ENTRY.ts is taken from the current folder)\n`);
    process.exit(2);
  }
  const entryName = `${cacheFile(entryPath, "").prefix.replace(/^-+/, "")}${crypto.createHash("sha1").update(entryPath).digest("hex").slice(0, 8)}`;
  installResolutionCache({ projectDir: ROOT, file: path.join(launchDir, `${entryName}.resolved.json`), entry: entryPath });
  codeCache = installCodeCache({
    packFile: path.join(launchDir, `${entryName}.code`),
    entry: entryPath,
    afterWrite: () => removeGoneEntryPoints(launchDir),
  });
  require.extensions[".ts"] = loadTs;
  installDeferredModules();
  // The entry runs as the main module, with the arguments after it, as `node ENTRY.js ARGS...` would.
  process.argv.splice(1, 2, path.resolve(entry));
  Module.runMain();
}

main();
