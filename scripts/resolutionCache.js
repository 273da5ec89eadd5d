/**
 * Remembers, between runs of scripts/runCompiled.js, which file each `require` into node_modules resolved to.
 * Resolving a package name costs Node a walk up the node_modules folders, a stat per extension it tries and a
 * read of the package's package.json (its "main" and "exports"); a plan resolves nine hundred of them.
 *
 * Only answers that land in node_modules are kept, so a project file added, moved or removed is always resolved
 * afresh. The answers are valid for one installed tree: the file records what it was made under (node_modules'
 * .package-lock.json, which npm rewrites whenever it changes node_modules, Node's version and the options that change
 * resolution, such as `--conditions`) and is dropped when any of those differ. Each answer also records the size, times and inode of
 * the package.json of the package it lands in: an answer is resolved again when its file has gone or that package.json
 * has changed (a hand edit of "main" or "exports", a package replaced by other means than npm). Each entry point has
 * its own file, which names the entry point on its first line, written again as the process exits when the run
 * resolved anything afresh, holding exactly the answers that run used.
 */
"use strict";
const fs = require("fs");
const Module = require("module");
const path = require("path");
const { writeAtomically } = require("./cacheFiles");

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
/** Bump when what an entry means changes. */
const FORMAT = 3;

/** What the answers depend on besides the request and where it is made. */
function installedTree(projectDir) {
  // "none" where npm did not install the tree: each answer is still checked against its package.json.
  const installed = stamp(path.join(projectDir, "node_modules", ".package-lock.json"));
  return JSON.stringify([FORMAT, process.version, installed, resolutionOptions(), process.env.NODE_PATH ?? ""]);
}

/**
 * The options of this node process (its command line and NODE_OPTIONS) that change how `require` resolves: export
 * conditions, symlink handling, module-format switches, policies. Others (a preloaded `--require` file, memory,
 * profiling) leave the answers as they are, so runs with and without them share one file.
 */
function resolutionOptions() {
  const words = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/).filter(Boolean)];
  const kept = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (/^(-C|--conditions)$/.test(word)) kept.push(word, words[++i]);
    else if (/^(-C|--conditions=|--preserve-symlinks|--experimental-|--no-experimental-|--policy|--input-type)/.test(word)) kept.push(word);
  }
  return kept;
}

/** The package.json of the package `file` belongs to: the folder after the last node_modules (two for a scope). */
function packageJsonOf(file) {
  const start = file.lastIndexOf(NODE_MODULES) + NODE_MODULES.length;
  let end = file.indexOf(path.sep, start);
  if (file[start] === "@") end = file.indexOf(path.sep, end + 1);
  return `${file.slice(0, end)}${path.sep}package.json`;
}

/**
 * The size, times and inode of a file, or "none". The change time and inode too: a file rewritten with text of the
 * same size and its modification time put back (`cp -p`, `rsync -a`, a tarball unpacked over it) keeps those two.
 */
function stamp(file) {
  try {
    const stat = fs.statSync(file);
    return `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}`;
  } catch {
    return "none";
  }
}

/** The file's entry point (its first line) and answers, or undefined when it is not such a file. */
function readAnswers(file) {
  try {
    const text = fs.readFileSync(file, "utf8");
    const lineEnd = text.indexOf("\n");
    return { entry: JSON.parse(text.slice(0, lineEnd)), saved: JSON.parse(text.slice(lineEnd + 1)) };
  } catch {
    return undefined;
  }
}

/** Installs the cache kept in `file` for the entry point `entry` (its path), for a project installed in `projectDir`. */
function installResolutionCache({ projectDir, file, entry }) {
  const tree = installedTree(projectDir);
  const answers = Object.create(null);
  const read = readAnswers(file);
  if (read && read.saved.tree === tree && read.saved.answers && typeof read.saved.answers === "object") {
    Object.assign(answers, read.saved.answers);
  }
  /** The answers this run used: key to [file, stamp of its package.json]. */
  const used = Object.create(null);
  let added = false;
  /** Each package.json's stamp, read once a run: a package's modules share it. */
  const stamps = new Map();
  const packageStamp = (file) => {
    const packageJson = packageJsonOf(file);
    let known = stamps.get(packageJson);
    if (known === undefined) stamps.set(packageJson, (known = stamp(packageJson)));
    return known;
  };

  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, isMain, options) {
    // `require.resolve(request, { paths })` and the entry point itself are not remembered.
    if (options !== undefined || isMain || !parent || typeof parent.path !== "string" || typeof request !== "string") {
      return resolve.apply(this, arguments);
    }
    const key = `${parent.path}\0${request}`;
    const known = answers[key];
    if (Array.isArray(known) && known[1] === packageStamp(known[0]) && fs.existsSync(known[0])) {
      used[key] = known;
      return known[0];
    }
    const resolved = resolve.apply(this, arguments);
    if (resolved.includes(NODE_MODULES)) {
      used[key] = [resolved, packageStamp(resolved)];
      added = true;
    }
    return resolved;
  };

  process.on("exit", () => {
    // A read-only tree only loses the cache.
    if (added) writeAtomically(file, `${JSON.stringify(entry)}\n${JSON.stringify({ tree, answers: used })}`);
  });
}

/** The entry point a file of answers was written for (its first line), or undefined when it is not such a file. */
function answersEntry(file) {
  try {
    const text = fs.readFileSync(file, "utf8");
    return JSON.parse(text.slice(0, text.indexOf("\n")));
  } catch {
    return undefined;
  }
}

module.exports = { installResolutionCache, answersEntry, packageJsonOf };
