/**
 * File handling the launcher's caches share (scripts/runCompiled.js, v8CodeCache.js, resolutionCache.js): a cache
 * is only ever written whole, and a cache folder that cannot be read or written only loses the cache.
 */
"use strict";
const fs = require("fs");
const path = require("path");

/**
 * Writes through a temporary file, so a concurrent reader sees the old file or the new one, never half of one.
 * False when the file could not be written (a read-only tree, say): the cache is then only missing.
 */
function writeAtomically(file, data) {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
    return true;
  } catch {
    return false;
  }
}

/** The names in a folder; none when it is missing or cannot be read. */
function folderNames(folder) {
  try {
    return fs.readdirSync(folder);
  } catch {
    return [];
  }
}

module.exports = { folderNames, writeAtomically };
