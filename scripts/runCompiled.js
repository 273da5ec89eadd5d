/**
 * node scripts/runCompiled.js ENTRY.ts [ARGS...]
 *
 * Runs one of the project's TypeScript entry points (plan/cli.ts, policies/cli.ts, scripts/*.ts) as plain
 * JavaScript compiled by TypeScript itself, without a loader scanning every file Node loads. Each `.ts` file is
 * compiled once, on first use, with tsconfig.json's options (`ts.transpileModule`: types are erased, not checked;
 * `npm run typecheck` checks them) and kept in `.cache/js/` under the hash of its source text, the compiler
 * options and the TypeScript version. A file is looked up by that hash every time it is loaded, so an edited file
 * is recompiled on its next load and a stale compile is never run. The compiled code runs under the `.ts` file's
 * own name, so `__dirname`, relative imports and stack trace file names are those of the sources. Each compile
 * carries an inline source map: `NODE_OPTIONS=--enable-source-maps` gives stack traces the TypeScript line numbers
 * (off by default, as mapping every module the SDK loads costs a tenth of its load time).
 *
 * `pulumi preview` and `pulumi up` do not use this: the Pulumi CLI runs index.ts (and policies/ as a policy
 * pack) with its own TypeScript support, as Pulumi.yaml says.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE_DIR = path.join(ROOT, ".cache", "js");
const TSCONFIG = path.join(ROOT, "tsconfig.json");
/** Bump when what this file does to a compiled file changes, so earlier compiles are not reused. */
const COMPILE_VERSION = "2";

let typescript;
let compilerOptions;

function loadTypeScript() {
  typescript ??= require("typescript");
  return typescript;
}

/** What a compile depends on besides the source: the compiler's version and the project's options. */
function compilerFingerprint() {
  const version = require("typescript/package.json").version;
  return `${COMPILE_VERSION}\n${version}\n${fs.readFileSync(TSCONFIG, "utf8")}\n`;
}

function projectCompilerOptions() {
  if (compilerOptions) return compilerOptions;
  const ts = loadTypeScript();
  const read = ts.readConfigFile(TSCONFIG, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT);
  compilerOptions = { ...parsed.options, noEmit: false, declaration: false, sourceMap: false, inlineSourceMap: true, inlineSources: false };
  return compilerOptions;
}

function compile(source, filename) {
  const ts = loadTypeScript();
  const result = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: projectCompilerOptions(),
    reportDiagnostics: true,
  });
  const errors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    // A file that does not parse cannot run: say where, as tsc would, and stop (the program never sees it).
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => "\n" };
    process.stderr.write(ts.formatDiagnostics(errors, host));
    process.exit(1);
  }
  return result.outputText;
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
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, file);
    for (const name of fs.readdirSync(CACHE_DIR)) {
      if (name.startsWith(prefix) && name.endsWith(".js") && path.join(CACHE_DIR, name) !== file) {
        const rest = name.slice(prefix.length, -".js".length);
        // Only this file's older compiles (prefix then a bare hash), not another file whose name extends this one.
        if (/^[0-9a-f]{40}$/.test(rest)) fs.rmSync(path.join(CACHE_DIR, name), { force: true });
      }
    }
  } catch {
    // A read-only tree only loses the cache: the file is compiled again next time.
  }
}

let fingerprint;

function loadTs(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  fingerprint ??= compilerFingerprint();
  const digest = crypto.createHash("sha1").update(fingerprint).update(filename).update("\n").update(source).digest("hex");
  const { prefix, file } = cacheFile(filename, digest);
  let code;
  try {
    code = fs.readFileSync(file, "utf8");
  } catch {
    code = compile(source, filename);
    store(prefix, file, code);
  }
  module._compile(code, filename);
}

/**
 * The Pulumi SDK loads the TypeScript compiler (8 MB) as it starts, for serializing closures, which a plan or a
 * policy run never does. Its shim gets a stand-in that loads the compiler on first use instead.
 */
function deferTypeScriptForPulumi() {
  const shim = path.join("node_modules", "@pulumi", "pulumi", "typescript-shim.js");
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === "typescript" && parent && parent.filename && parent.filename.endsWith(shim)) {
      return lazyModule(() => load.call(this, request, parent, isMain));
    }
    return load.apply(this, arguments);
  };
}

function lazyModule(loadReal) {
  const target = {};
  let loaded = false;
  const real = () => {
    if (!loaded) {
      // Copy every property across so the proxy's answers agree with its target, as proxies must.
      Object.defineProperties(target, Object.getOwnPropertyDescriptors(loadReal()));
      loaded = true;
    }
    return target;
  };
  return new Proxy(target, {
    get: (_t, key) => Reflect.get(real(), key),
    has: (_t, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_t, key) => Reflect.getOwnPropertyDescriptor(real(), key),
    set: (_t, key, value) => Reflect.set(real(), key, value),
    defineProperty: (_t, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    deleteProperty: (_t, key) => Reflect.deleteProperty(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}

function main() {
  const entry = process.argv[2];
  if (!entry || !entry.endsWith(".ts")) {
    process.stderr.write("usage: node scripts/runCompiled.js ENTRY.ts [ARGS...]\n");
    process.exit(2);
  }
  require.extensions[".ts"] = loadTs;
  deferTypeScriptForPulumi();
  // The entry runs as the main module, with the arguments after it, as `node ENTRY.js ARGS...` would.
  process.argv.splice(1, 2, path.resolve(entry));
  Module.runMain();
}

main();
