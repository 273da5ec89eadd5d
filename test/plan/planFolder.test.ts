import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PLAN_MARKER, writePlanFolder } from "../../plan/planFolder";
import { PlanInputError } from "../../plan/planInputError";

let outDir: string;

beforeEach(() => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-folder-"));
});
afterEach(() => {
  fs.rmSync(outDir, { recursive: true, force: true });
});

function tree(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

describe("writing out/<stack>/", () => {
  it("writes the files and the marker, and nothing else beside them", () => {
    writePlanFolder(outDir, "dev", [
      { path: "preview.json", content: "{}\n" },
      { path: "manifests/ray/namespace-ray.yaml", content: "kind: Namespace\n" },
    ]);
    expect(fs.readdirSync(outDir)).toEqual(["dev"]);
    expect(tree(path.join(outDir, "dev"))).toEqual([
      PLAN_MARKER,
      "manifests",
      "manifests/ray",
      "manifests/ray/namespace-ray.yaml",
      "preview.json",
    ]);
  });

  it("replaces a previous plan whole: files the new plan does not write are gone", () => {
    writePlanFolder(outDir, "dev", [{ path: "manifests/old.yaml", content: "old\n" }]);
    writePlanFolder(outDir, "dev", [{ path: "preview.json", content: "new\n" }]);
    expect(tree(outDir)).toEqual(["dev", `dev/${PLAN_MARKER}`, "dev/preview.json"]);
  });

  it("refuses a folder it did not write, and leaves it as it was", () => {
    const mine = path.join(outDir, "dev");
    fs.mkdirSync(mine);
    fs.writeFileSync(path.join(mine, "notes.txt"), "my notes\n");
    expect(() => writePlanFolder(outDir, "dev", [{ path: "preview.json", content: "{}\n" }])).toThrow(
      new PlanInputError(
        `refusing to replace ${mine} (--out): it was not written by npm run plan (no ${PLAN_MARKER} file in it); ` +
          "choose another --out, or move that folder away yourself",
      ),
    );
    expect(tree(outDir)).toEqual(["dev", "dev/notes.txt"]);
    expect(fs.readFileSync(path.join(mine, "notes.txt"), "utf8")).toBe("my notes\n");
  });

  it("refuses an --out folder that cannot be made, naming where, instead of never returning as Node's recursive mkdir does under /proc", () => {
    expect(() => writePlanFolder("/proc/face-ocr-fake/out", "dev", [])).toThrow(
      new PlanInputError("cannot write the plan under /proc/face-ocr-fake/out/dev (--out): ENOENT at /proc/face-ocr-fake"),
    );
  });

  it("refuses a file where the stack's folder would go", () => {
    fs.writeFileSync(path.join(outDir, "dev"), "a file\n");
    expect(() => writePlanFolder(outDir, "dev", [])).toThrow(/^refusing to replace .*dev \(--out\): it was not written by npm run plan/);
    expect(fs.readFileSync(path.join(outDir, "dev"), "utf8")).toBe("a file\n");
  });

  it("leaves the previous plan in place when a write fails half-way", () => {
    writePlanFolder(outDir, "dev", [{ path: "preview.json", content: "good\n" }]);
    const before = tree(outDir);
    expect(() =>
      writePlanFolder(outDir, "dev", [
        { path: "a.yaml", content: "x\n" },
        { path: "a.yaml/b.yaml", content: "cannot be both a file and a folder\n" },
      ]),
    ).toThrow(new Error("two files of the plan map to the same path a.yaml"));
    expect(tree(outDir)).toEqual(before);
    expect(fs.readFileSync(path.join(outDir, "dev", "preview.json"), "utf8")).toBe("good\n");
  });

  it("reports two files of one plan on the same path instead of keeping the last", () => {
    expect(() =>
      writePlanFolder(outDir, "dev", [
        { path: "manifests/ray/secret-x.yaml", content: "one\n" },
        { path: "manifests/ray/secret-x.yaml", content: "two\n" },
      ]),
    ).toThrow(new Error("two files of the plan map to the same path manifests/ray/secret-x.yaml"));
    expect(fs.readdirSync(outDir)).toEqual([]);
  });

  it("takes over a lock left by a process that no longer runs", () => {
    const lock = path.join(outDir, ".dev.lock");
    fs.writeFileSync(lock, "2147483646");
    writePlanFolder(outDir, "dev", [{ path: "preview.json", content: "{}\n" }]);
    expect(fs.existsSync(lock)).toBe(false);
    expect(fs.readFileSync(path.join(outDir, "dev", "preview.json"), "utf8")).toBe("{}\n");
  });
});
