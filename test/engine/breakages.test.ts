// What the engine run proves the API server refuses, the offline plan refuses too, for the same rule.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT_SCHEMA, offlinePlan } from "../../plan/offlinePlan";
import { BREAKAGES, withBreakage } from "../../scripts/engine/breakages";
import { formatFinding } from "../../validation/finding";
import { loadIndex, PROJECT_DIR } from "../harness";

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-breakages-"));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

describe("the engine run's deliberately broken objects, offline", () => {
  it.each(BREAKAGES.map((b) => [b.name, b] as const))("%s fails the offline plan with the CRD's rule", async (_, breakage) => {
    const result = await offlinePlan({
      projectDir: PROJECT_DIR,
      stack: "dev",
      overrides: [],
      outDir,
      program: withBreakage(await loadIndex(), breakage),
    });
    if (result.kind !== "planned") throw new Error(`expected a plan, got ${result.kind}`);
    expect(result.exitCode).toBe(EXIT_SCHEMA);
    const findings = result.schema.findings.map(formatFinding);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toContain(breakage.offlineMessage);
  });
});
