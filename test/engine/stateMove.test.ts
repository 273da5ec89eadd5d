// The state move docs/stacks.md prescribes, tied to the program: the URNs it moves are the single-stack dev's own, the
// shared stack registers them under the same names, and the docs show exactly those URNs.
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { PROJECT_NAME } from "../../config/projectName";
import { movedUrns } from "../../scripts/engine/stateMoveRehearsal";
import { PROJECT_DIR, runStack } from "../harness";

const REGISTRY = "azure-native:containerregistry:Registry";

describe("the state move of dev's shared objects", () => {
  it("moves two URNs of the single-stack dev, which the shared stack registers under the same names", async () => {
    const [single, shared] = [await runStack(), await runStack({ stack: "shared" })];
    const moved = movedUrns("dev", PROJECT_NAME, REGISTRY);
    expect(moved).toEqual([
      "urn:pulumi:dev::face-ocr-platform::face-ocr:pipelines:BuildPipelines::pipelines",
      "urn:pulumi:dev::face-ocr-platform::face-ocr:registry:ContainerRegistry$azure-native:containerregistry:Registry::registry-acr",
    ]);
    const singleUrns = single.resources.map((r) => r.urn);
    const sharedUrns = shared.resources.map((r) => r.urn);
    for (const urn of moved) {
      expect(singleUrns).toContain(urn);
      expect(sharedUrns).toContain(urn.replace("urn:pulumi:dev::", "urn:pulumi:shared::"));
    }
    // Everything under the pipelines component moves with it; the registry component keeps dev's AcrPull.
    const underPipelines = single.resources.filter((r) => r.parent === moved[0]).map((r) => r.name);
    expect(underPipelines.every((name) => sharedUrns.some((u) => u.endsWith(`::${name}`)))).toBe(true);
    // Three build definitions and the branch policy; four deployment Environments, each with its branch control and
    // exclusive lock, and prod's approval.
    expect(underPipelines.length).toBe(17);
  });

  it("is what docs/stacks.md tells an operator to run", () => {
    const docs = fs.readFileSync(path.join(PROJECT_DIR, "docs", "stacks.md"), "utf8");
    for (const urn of movedUrns("dev", PROJECT_NAME, REGISTRY)) expect(docs).toContain(`'${urn}'`);
    expect(docs).toContain("pulumi state move --source dev --dest shared --yes");
  });
});
