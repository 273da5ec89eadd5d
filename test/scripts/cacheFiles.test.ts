// scripts/cacheFiles.js: how every cache file is written and, for the caches of code, checked before it is used.
import * as fs from "fs";
import { createRequire } from "module";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";

const { readSealed, writeAtomically, writeSealed } = createRequire(__filename)("../../scripts/cacheFiles.js") as {
  readSealed(file: string): Buffer | undefined;
  writeAtomically(file: string, data: string | Uint8Array): boolean;
  writeSealed(file: string, data: string | Uint8Array): boolean;
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cache-files-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("a sealed cache file", () => {
  const file = path.join(tmp, "sealed", "code.js");
  const code = 'module.exports = "cached";\n';

  it("reads back as the bytes written, text or binary, and ends in a comment to JavaScript", () => {
    expect(writeSealed(file, code)).toBe(true);
    expect(readSealed(file)?.toString("utf8")).toBe(code);
    expect(fs.readFileSync(file, "utf8")).toMatch(/^module\.exports = "cached";\n\n\/\/face-ocr-cache sha1 [0-9a-f]{40}\n$/);
    const binary = Buffer.from([0, 255, 10, 13, 128]);
    writeSealed(file, binary);
    expect(readSealed(file)).toEqual(binary);
  });

  it("reads as missing when it is cut short, emptied, altered, added to or not sealed", () => {
    writeSealed(file, code);
    const sealed = fs.readFileSync(file);
    const altered = Buffer.from(sealed);
    altered[3] ^= 0x20;
    const damaged = {
      "cut short": sealed.subarray(0, sealed.length - 1),
      "cut to its code": Buffer.from(code),
      emptied: Buffer.alloc(0),
      "one byte altered": altered,
      "added to": Buffer.concat([sealed, Buffer.from("\n")]),
      "its seal alone": sealed.subarray(code.length),
    };
    const read = Object.fromEntries(
      Object.entries(damaged).map(([how, bytes]) => {
        fs.writeFileSync(file, bytes);
        return [how, readSealed(file)];
      }),
    );
    expect(read).toEqual(Object.fromEntries(Object.keys(damaged).map((how) => [how, undefined])));
    expect(readSealed(path.join(tmp, "no-such-file"))).toBeUndefined();
  });
});

describe("writeAtomically", () => {
  it("replaces the file whole, and leaves no temporary file behind when it cannot", () => {
    const file = path.join(tmp, "atomic", "entry.json");
    expect(writeAtomically(file, "{}")).toBe(true);
    expect(fs.readFileSync(file, "utf8")).toBe("{}");
    // A folder where the file should be: the temporary file is written, and cannot be renamed over it.
    const blocked = path.join(tmp, "atomic", "blocked");
    fs.mkdirSync(path.join(blocked, "inside"), { recursive: true });
    expect(writeAtomically(blocked, "{}")).toBe(false);
    expect(fs.readdirSync(path.join(tmp, "atomic")).sort()).toEqual(["blocked", "entry.json"]);
  });

  it("gives up on a folder that cannot be made, where Node's recursive mkdir never returns (FACE_OCR_CACHE_DIR under /proc)", () => {
    expect(writeAtomically("/proc/face-ocr-fake/cache/entry.json", "{}")).toBe(false);
  });
});
