/**
 * Remembers, between runs of scripts/runCompiled.js, which file each `require` into node_modules resolved to.
 * Resolving a package name costs Node a walk up the node_modules folders, a stat per extension it tries and a
 * read of the package's package.json (its "main" and "exports"); a plan resolves nine hundred of them.
 *
 * Only answers that land in node_modules are kept, so a project file added, moved or removed is always resolved
 * afresh. The answers are valid for one installed tree: the file records what it was made under (node_modules'
 * .package-lock.json, which npm rewrites whenever it changes node_modules, Node's version and the options that change
 * resolution) and is dropped when any of those differ. An answer whose file has gone is resolved again. Each entry
 * point has its own file, written again as the process exits when the run resolved anything afresh, holding exactly
 * the answers that run used.
 */
"use strict";
const fs = require("fs");
const Module = require("module");
const path = require("path");

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
/** Bump when what an entry means changes. */
const FORMAT = 1;

/** What the answers depend on besides the request and where it is made. */
function installedTree(projectDir) {
  let installed = "none";
  try {
    const stat = fs.statSync(path.join(projectDir, "node_modules", ".package-lock.json"));
    installed = `${stat.size}:${stat.mtimeMs}`;
  } catch {
    // not installed by npm: answers are still checked to exist before use
  }
  return JSON.stringify([
    FORMAT,
    process.version,
    installed,
    process.execArgv,
    process.env.NODE_OPTIONS ?? "",
    process.env.NODE_PATH ?? "",
  ]);
}

function installResolutionCache({ projectDir, file }) {
  const tree = installedTree(projectDir);
  const answers = Object.create(null);
  try {
    const saved = JSON.parse(fs.readFileSync(file, "utf8"));
    if (saved.tree === tree && saved.answers && typeof saved.answers === "object") Object.assign(answers, saved.answers);
  } catch {
    // none yet, or damaged: start empty
  }
  /** The answers this run used. */
  const used = Object.create(null);
  let added = false;

  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, isMain, options) {
    // `require.resolve(request, { paths })` and the entry point itself are not remembered.
    if (options !== undefined || isMain || !parent || typeof parent.path !== "string" || typeof request !== "string") {
      return resolve.apply(this, arguments);
    }
    const key = `${parent.path}\0${request}`;
    const known = answers[key];
    if (known !== undefined && fs.existsSync(known)) return (used[key] = known);
    const resolved = resolve.apply(this, arguments);
    if (resolved.includes(NODE_MODULES)) {
      used[key] = resolved;
      added = true;
    }
    return resolved;
  };

  process.on("exit", () => {
    if (!added) return;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ tree, answers: used }));
      fs.renameSync(tmp, file);
    } catch {
      // A read-only tree only loses the cache.
    }
  });
}

module.exports = { installResolutionCache };
