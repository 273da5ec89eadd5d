// docs/promotion.md names the release keys and the command as they are.
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { RELEASE_KEYS } from "../../config/release";
import { PROJECT_DIR } from "../harness";

const DOC = fs.readFileSync(path.join(PROJECT_DIR, "docs/promotion.md"), "utf8");

describe("docs/promotion.md", () => {
  it("lists exactly the release keys in its table", () => {
    const table = DOC.split("\n").filter((line) => line.startsWith("| `"));
    const keys = table.flatMap((line) => [...line.split("|")[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]));
    expect(keys).toEqual(RELEASE_KEYS);
  });

  it("runs the command package.json defines", () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).scripts as Record<string, string>;
    expect(scripts.promote).toBe("node scripts/runCompiled.js promote/cli.ts");
    expect(DOC).toContain("npm run promote -- --from dev --to uat --dry-run");
  });
});
