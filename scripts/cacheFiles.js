/**
 * File handling the launcher's caches share (scripts/runCompiled.js, v8CodeCache.js, resolutionCache.js, and the
 * validator caches under validation/): a cache is only ever written whole, a cache folder that cannot be read or
 * written only loses the cache, and a cache of code is checked byte for byte before it is used.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

/**
 * `mkdir -p DIR`, one folder at a time. Node 20's `fs.mkdirSync(dir, { recursive: true })` never returns for a
 * folder under /proc (it retries the ENOENT forever); here the first folder that cannot be made throws its error.
 * plan/makeFolders.ts gives it to the TypeScript sources (--out, --import-file).
 */
function makeFolders(dir) {
  const missing = [];
  for (let at = path.resolve(dir); !fs.existsSync(at); at = path.dirname(at)) {
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  for (const folder of missing) {
    try {
      fs.mkdirSync(folder);
    } catch (err) {
      // made meanwhile by another run
      if (err.code !== "EEXIST" || !fs.statSync(folder).isDirectory()) throw err;
    }
  }
}

/**
 * Writes through a temporary file, so a concurrent reader sees the old file or the new one, never half of one.
 * False when the file could not be written (a read-only tree or a full disk, say): the cache is then only missing,
 * and the temporary file is removed.
 */
function writeAtomically(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    makeFolders(path.dirname(file));
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
    return true;
  } catch {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // a folder that cannot be written to holds no temporary file either
    }
    return false;
  }
}

/** The last line of a sealed file: its bytes' hash, a comment to JavaScript. */
const SEAL = "\n//face-ocr-cache sha1 ";
const SEAL_LENGTH = SEAL.length + 40 + 1;
const sha1 = (data) => crypto.createHash("sha1").update(data).digest("hex");

/**
 * Writes a cache file whose content is run (compiled JavaScript, V8's code for it) followed by the hash of that
 * content, so that {@link readSealed} can tell a file cut short, emptied or altered on disk from a good one. V8 checks
 * nothing of the code it is handed, and damaged code crashes the process (on every run after, as the cache stays).
 */
function writeSealed(file, data) {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, "utf8");
  return writeAtomically(file, Buffer.concat([bytes, Buffer.from(`${SEAL}${sha1(bytes)}\n`, "latin1")]));
}

/** What {@link writeSealed} wrote, or undefined when the file is missing, unreadable, or not those bytes any more. */
function readSealed(file) {
  let data;
  try {
    data = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (data.length < SEAL_LENGTH) return undefined;
  const body = data.subarray(0, data.length - SEAL_LENGTH);
  return data.toString("latin1", body.length) === `${SEAL}${sha1(body)}\n` ? body : undefined;
}

/** The names in a folder; none when it is missing or cannot be read. */
function folderNames(folder) {
  try {
    return fs.readdirSync(folder);
  } catch {
    return [];
  }
}

module.exports = { folderNames, makeFolders, readSealed, writeAtomically, writeSealed };
