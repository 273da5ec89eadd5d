// Which shared stack a stack's config reads, as the CLI hands it over: the role's defaults decide (config/stackRole.ts).
import { describe, expect, it } from "vitest";
import { referencedSharedStack } from "../../plan/sharedStackOutputs";

const P = "face-ocr-platform";

describe("referencedSharedStack", () => {
  it.each([
    ["an environment stack, by default", { [`${P}:role`]: "environment" }, "shared"],
    [
      "an environment stack naming its shared stack",
      { [`${P}:role`]: "environment", [`${P}:sharedStack`]: "acme/face-ocr-platform/shared" },
      "acme/face-ocr-platform/shared",
    ],
    ["an environment stack whose registry config leaves the mode out", { [`${P}:role`]: "environment", [`${P}:registry`]: "{}" }, "shared"],
    [
      "an environment stack referencing a registry by login server",
      { [`${P}:role`]: "environment", [`${P}:registry`]: '{"mode":"reference"}' },
      undefined,
    ],
    ["a standalone stack", {}, undefined],
    ["the shared stack", { [`${P}:role`]: "shared" }, undefined],
    ["a registry value that is not JSON (the program reports it)", { [`${P}:role`]: "environment", [`${P}:registry`]: "{" }, undefined],
  ])("%s", (_, config, expected) => {
    expect(referencedSharedStack(config)).toBe(expected);
  });
});
