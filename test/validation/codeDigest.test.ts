import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { codeDigest, importClosure, keyedByCode } from "../../validation/codeDigest";
import { loadCachedValidator } from "../../validation/validatorCache";
import { PROCESS_TEST_TIMEOUT, runCli } from "../cliProcess";
import { PROJECT_DIR } from "../harness";
import { helmRelease } from "./fixtures";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "code-digest-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const FILES = {
  "package-lock.json": '{ "fake": "lockfile" }\n',
  "src/convert.ts": [
    'import { a } from "./a";',
    'export * from "../shared";',
    'import type { Shape } from "./types";',
    'const b = require("./b.js");',
    'const lazy = () => import("./lazy");',
    'import * as yaml from "yaml";',
    "",
  ].join("\n"),
  "src/a.ts": 'import { deep } from "./deep/index";\nexport const a = deep;\n',
  "src/deep/index.ts": "export const deep = 1;\n",
  "src/b.js": "module.exports = 2;\n",
  "src/lazy.ts": "export const lazy = 3;\n",
  "src/types.ts": "export type Shape = { n: number };\n",
  "shared/index.ts": "export const shared = 4;\n",
  "src/unrelated.ts": "export const unrelated = 5;\n",
};

describe("codeDigest", () => {
  it("covers the module and every project file it imports, re-exports, requires or import()s, transitively, and no other", () => {
    const dir = tree("closure", FILES);
    expect(importClosure(path.join(dir, "src/convert.ts")).map((f) => path.relative(dir, f))).toEqual([
      "shared/index.ts",
      "src/a.ts",
      "src/b.js",
      "src/convert.ts",
      "src/deep/index.ts",
      "src/lazy.ts",
      "src/types.ts",
    ]);
  });

  it("changes with the text of any file in it and with the installed packages, not with another file or the folder's place", () => {
    const digestOf = (name: string, edits: Record<string, string> = {}) =>
      codeDigest(path.join(tree(name, { ...FILES, ...edits }), "src/convert.ts"));
    const base = digestOf("base");
    expect(base).toMatch(/^[0-9a-f]{40}$/);
    expect(digestOf("moved")).toBe(base);
    expect(digestOf("unrelated", { "src/unrelated.ts": "export const unrelated = 6;\n" })).toBe(base);
    const edited = ["src/deep/index.ts", "shared/index.ts", "src/b.js", "package-lock.json"].map((file) =>
      digestOf(`edited-${file.replace(/\W/g, "-")}`, { [file]: `${FILES[file as keyof typeof FILES]} ` }),
    );
    expect(new Set([base, ...edited]).size).toBe(5);
  });

  it("is null when the module cannot be read, and so is a key made with it: nothing is then cached", () => {
    expect(codeDigest(path.join(tmp, "no-such-module.ts"))).toBeNull();
    expect(keyedByCode(path.join(tmp, "no-such-module.ts"), "part")).toBeNull();
    expect(loadCachedValidator("probe", null)).toBeUndefined();
    const module = path.join(tree("keyed", FILES), "src/convert.ts");
    expect(keyedByCode(module, "options", "schema text")).toBe(`${codeDigest(module)}\noptions\nschema text`);
  });
});

describe("a cached CRD conversion", () => {
  it(
    "is converted afresh after an edit to the conversion code, where a hand-bumped version once served the old conversion",
    { timeout: PROCESS_TEST_TIMEOUT },
    async () => {
      // The validation folder copied, so that its conversion can be edited; the CRDs and packages are the project's.
      const project = path.join(tmp, "conversion");
      fs.cpSync(path.join(PROJECT_DIR, "validation"), path.join(project, "validation"), { recursive: true });
      fs.cpSync(path.join(PROJECT_DIR, "config", "plainObject.ts"), path.join(project, "config", "plainObject.ts"));
      fs.cpSync(path.join(PROJECT_DIR, "scripts", "cacheFiles.js"), path.join(project, "scripts", "cacheFiles.js"));
      fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(project, "node_modules"));
      const entry = path.join(project, "validate.ts");
      fs.writeFileSync(
        entry,
        'const { validateCustomResource } = require("./validation/crdSchemas");\nconsole.log(JSON.stringify(validateCustomResource(JSON.parse(process.argv[2]))));\n',
      );
      const env = { FACE_OCR_CACHE_DIR: path.join(project, "cache"), FACE_OCR_SHARED_DIR: path.join(PROJECT_DIR, "..", "shared") };
      const run = () => runCli(entry, [JSON.stringify(helmRelease())], undefined, env);
      const valid = { code: 0, stdout: `${JSON.stringify({ known: true, errors: [] })}\n`, stderr: "" };
      expect(await run()).toEqual(valid);
      expect(await run()).toEqual(valid);
      // The conversion now also drops `spec` from the schema: spec becomes a field the strict schema does not know.
      const source = path.join(project, "validation", "crdSchemas.ts");
      const text = fs.readFileSync(source, "utf8");
      const dropStatus = "delete (strict.properties as Record<string, unknown> | undefined)?.status;";
      expect(text).toContain(dropStatus);
      fs.writeFileSync(
        source,
        text.replace(dropStatus, `${dropStatus}\n  delete (strict.properties as Record<string, unknown> | undefined)?.spec;`),
      );
      const edited = await run();
      expect([edited.code, edited.stderr]).toEqual([0, ""]);
      expect(JSON.parse(edited.stdout)).toEqual({ known: true, errors: [expect.objectContaining({ path: "spec" })] });
    },
  );
});
