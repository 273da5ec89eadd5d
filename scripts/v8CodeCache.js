/**
 * A V8 code cache for the modules that scripts/runCompiled.js runs. Node 20 compiles every CommonJS module from
 * its source text on every run (the compile cache of Node 22, `module.enableCompileCache`, is not in 20); a plan
 * loads a thousand modules, and compiling them was a third of its time. Here a module is compiled as a `vm.Script`
 * given the code V8 made for the same text on an earlier run of the same entry point.
 *
 * Each entry point has one pack file: the code of every module that entry point ran, each under a hash of the
 * module's path and text, as V8 had compiled it by the end of the run (the functions that ran, not only each file's
 * top level). One file, because writing a thousand small ones took longer than compiling the modules. When a run
 * compiled any module without code from the pack, the pack is written again as the process exits, holding exactly
 * the modules that run used: an edited file's old code goes with it. The pack names its entry point, so the launcher
 * can remove the packs of entry points that are gone.
 *
 * Code is used only for the text it was made from (the hash), and V8 itself refuses code made by another V8 or
 * under other flags (`cachedDataRejected`). A pack whose bytes are not those written (scripts/cacheFiles.js
 * `readSealed`) is not used at all: a refused, damaged or missing pack only costs compiling from source.
 *
 * What goes through it: the compiled project files and the files under node_modules. Node compiles, its own way:
 *   - any other file, and a file Node knows to be an ES module;
 *   - a file with an `import(` in it: Node gives each module's dynamic imports their resolution, which a
 *     `vm.Script` compiled from cached code cannot carry;
 *   - every file when source maps are on (`--enable-source-maps`): Node maps a module's stack traces only when it
 *     compiles the module itself.
 * Line and column numbers in stack traces are the file's own (the module wrapper's first-line offset is taken off).
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");
const { readSealed, writeSealed } = require("./cacheFiles");

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
const MAGIC = "face-ocr v8 pack 2\n";
/** `import(` as code may write it: such a module is left to Node. */
const DYNAMIC_IMPORT = /\bimport\s*\(/;
/** True when the text may hold a dynamic import (the plain search first: most modules have no "import" at all). */
const mayImport = (content) => content.includes("import") && DYNAMIC_IMPORT.test(content);
/** How far Node's module wrapper moves the first line's columns: where a module's text starts inside it. */
const WRAPPER_COLUMNS = Module.wrap("\0").indexOf("\0");

/** Where a pack's entry-point line ends, or -1 when `data` does not start as a pack. */
function entryLineEnd(data) {
  if (data.toString("latin1", 0, MAGIC.length) !== MAGIC) return -1;
  return data.indexOf(10, MAGIC.length);
}

/** The entry point a pack was written for, or undefined when the file is not a pack. */
function packEntry(file) {
  try {
    const fd = fs.openSync(file, "r");
    try {
      const head = Buffer.alloc(8192);
      const data = head.subarray(0, fs.readSync(fd, head, 0, head.length, 0));
      const end = entryLineEnd(data);
      return end < 0 ? undefined : JSON.parse(data.toString("utf8", MAGIC.length, end));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/**
 * A pack's entries: digest to V8's code. Empty when the file is missing, not a pack this version wrote, or not the
 * bytes it was written with (the pack is sealed with their hash: V8 verifies nothing of the code it is given, and
 * deserializing damaged code crashes the process).
 */
function readPack(file) {
  const data = readSealed(file);
  if (data === undefined) return new Map();
  try {
    const lineEnd = entryLineEnd(data);
    if (lineEnd < 0) return new Map();
    const indexLength = data.readUInt32LE(lineEnd + 1);
    const start = lineEnd + 5 + indexLength;
    const index = JSON.parse(data.toString("utf8", lineEnd + 5, start));
    const entries = new Map();
    for (const [digest, offset, length] of index) {
      if (start + offset + length > data.length) return new Map(); // cut short
      entries.set(digest, data.subarray(start + offset, start + offset + length));
    }
    return entries;
  } catch {
    return new Map(); // damaged: every module compiles from source and the pack is written again
  }
}

/** The pack of `entries` (digest to V8's code) for the entry point `entry`, written whole or not at all. */
function writePack(file, entry, entries) {
  const index = [];
  let offset = 0;
  for (const [digest, code] of entries) {
    index.push([digest, offset, code.length]);
    offset += code.length;
  }
  const indexBytes = Buffer.from(JSON.stringify(index));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(indexBytes.length);
  const head = Buffer.from(`${MAGIC}${JSON.stringify(entry)}\n`, "utf8");
  return writeSealed(file, Buffer.concat([head, length, indexBytes, ...entries.values()]));
}

/** `require` as Node gives it to a module (lib/internal/modules/helpers.js `makeRequireFunction`). */
function makeRequire(mod) {
  const require = function require(id) {
    return mod.require(id);
  };
  const checked = (request) => {
    if (typeof request === "string") return request;
    const err = new TypeError(`The "request" argument must be of type string. Received ${typeof request}`);
    err.code = "ERR_INVALID_ARG_TYPE";
    throw err;
  };
  const resolve = (request, options) => Module._resolveFilename(checked(request), mod, false, options);
  resolve.paths = (request) => Module._resolveLookupPaths(checked(request), mod);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/**
 * Installs the cache kept in `packFile` for the entry point `entry` (its path): files under node_modules go through
 * it from now on, and the launcher runs each project file it compiled through `runModule`. `afterWrite` is called
 * when the process exits having written the pack.
 */
function installCodeCache({ packFile, entry, afterWrite = () => {} }) {
  if (process.sourceMapsEnabled) return { runModule: (mod, content, filename) => mod._compile(content, filename) };
  const known = readPack(packFile);
  /** What this run compiled: the pack's code, or the script whose code is to be added. */
  const used = new Map();
  let added = false;

  /** The module's code compiled, with its code from the pack when V8 accepts it; a SyntaxError is thrown as V8 throws it. */
  function compileScript(content, filename) {
    const digest = crypto.createHash("sha1").update(filename).update("\0").update(content).digest("hex");
    const cachedData = known.get(digest);
    // V8 reads a hashbang only at the very start of a script; inside the module wrapper it becomes a comment.
    const body = content.startsWith("#!") ? `//${content.slice(2)}` : content;
    const script = new vm.Script(Module.wrap(body), { filename, cachedData, columnOffset: -WRAPPER_COLUMNS });
    if (cachedData === undefined || script.cachedDataRejected) {
      used.set(digest, script);
      added = true;
    } else {
      used.set(digest, cachedData);
    }
    return script;
  }

  function run(mod, script, filename) {
    const wrapper = script.runInThisContext({ displayErrors: true });
    const exports = mod.exports;
    return Reflect.apply(wrapper, exports, [exports, makeRequire(mod), mod, filename, path.dirname(filename)]);
  }

  const compile = Module.prototype._compile;

  /** Runs a project file the launcher compiled to CommonJS. */
  function runModule(mod, content, filename) {
    if (mayImport(content)) return compile.call(mod, content, filename);
    return run(mod, compileScript(content, filename), filename);
  }

  Module.prototype._compile = function (content, filename, format) {
    if (format === "module" || !filename.includes(NODE_MODULES) || mayImport(content)) {
      return compile.apply(this, arguments);
    }
    let script;
    try {
      script = compileScript(content, filename);
    } catch (err) {
      // Not CommonJS: Node tells ES module syntax in a .js file apart from a mistake, and reports either.
      if (err instanceof SyntaxError) return compile.apply(this, arguments);
      throw err;
    }
    return run(this, script, filename);
  };

  process.on("exit", () => {
    if (!added) return;
    const entries = new Map();
    for (const [digest, code] of used) entries.set(digest, code instanceof vm.Script ? code.createCachedData() : code);
    if (writePack(packFile, entry, entries)) afterWrite();
  });

  return { runModule };
}

module.exports = { installCodeCache, readPack, packEntry };
