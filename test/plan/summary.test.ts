// What the plan's summary says about values the offline run made up: the worker image's digest.
import { describe, expect, it } from "vitest";
import { fakeDigest } from "../../plan/mocks";
import { offlinePlan, OfflinePlanResult } from "../../plan/offlinePlan";
import { formatSummary } from "../../plan/summary";
import { loadIndex, PROJECT_DIR } from "../harness";

const WORKER = "cybersmartstg.azurecr.io/data-ai/face-ocr-worker";
const HEADING = "Image digests FAKE in this offline plan (a real run asks the registry; pin one with ray.gpuWorker.image.digest):";

async function summary(overrides: { key: string; value: string; secret: boolean }[]): Promise<string> {
  const result: OfflinePlanResult = await offlinePlan({ projectDir: PROJECT_DIR, stack: "dev", overrides, program: await loadIndex() });
  if (result.kind !== "planned") throw new Error(result.message);
  return formatSummary(result);
}

describe("the plan summary", () => {
  it("says the worker's digest is fake, and which one it used", async () => {
    const text = await summary([]);
    expect(text).toContain(`\n${HEADING}\n  ${WORKER}:dev -> ${fakeDigest(`${WORKER}:dev`)}\n`);
  });

  it("says nothing about fake digests when the stack pins one", async () => {
    const digest = `sha256:${"ab".repeat(32)}`;
    const text = await summary([{ key: "ray.gpuWorker.image.digest", value: digest, secret: false }]);
    expect(text).not.toContain("FAKE");
  });
});
