// The differ behind the plan diff npm run promote prints (promote/planDiff.ts), on hand-made plans.
import { describe, expect, it } from "vitest";
import { changedLines, diffPlans, formatPlanDiff } from "../../promote/planDiff";
import { resource, run } from "./fixture";

const pod = (image: string, env: { name: string; value: string }[]) => ({
  spec: {
    containers: [
      { name: "ray-worker", image, env },
      { name: "sidecar", image: "busybox:1.36" },
    ],
  },
});

describe("diffPlans", () => {
  it("names list items by their name and reports only the fields that change", () => {
    const before = run([resource("kubernetes:ray.io/v1:RayService", "ray-service", pod("w:1", [{ name: "A", value: "1" }]))]);
    const after = run([
      resource(
        "kubernetes:ray.io/v1:RayService",
        "ray-service",
        pod("w:2", [
          { name: "A", value: "1" },
          { name: "B", value: "2" },
        ]),
      ),
    ]);
    expect(diffPlans(before, after)).toEqual([
      {
        op: "update",
        urn: "urn:pulumi:uat::face-ocr-platform::kubernetes:ray.io/v1:RayService::ray-service",
        type: "kubernetes:ray.io/v1:RayService",
        name: "ray-service",
        fields: [
          { path: "spec.containers[ray-worker].env[B]", before: undefined, after: { name: "B", value: "2" } },
          { path: "spec.containers[ray-worker].image", before: "w:1", after: "w:2" },
        ],
      },
    ]);
  });

  it("compares named items that change order by position, and a list of unnamed items of another length as one value", () => {
    const a = [{ name: "x" }, { name: "y" }];
    const swapped = diffPlans(run([resource("t:a:B", "r", { items: a })]), run([resource("t:a:B", "r", { items: [...a].reverse() })]));
    expect(swapped[0].fields).toEqual([
      { path: "items[0].name", before: "x", after: "y" },
      { path: "items[1].name", before: "y", after: "x" },
    ]);
    const grown = diffPlans(run([resource("t:a:B", "r", { args: ["a"] })]), run([resource("t:a:B", "r", { args: ["a", "b"] })]));
    expect(grown[0].fields).toEqual([{ path: "args", before: ["a"], after: ["a", "b"] }]);
  });

  it("reports created and deleted resources, and the stack's outputs as fields of its Stack resource", () => {
    const before = run([resource("pulumi:providers:docker", "registry-reader", {})], { rayVersion: "2.52.0" });
    const after = run([resource("t:a:B", "new", { x: 1 })], { rayVersion: "2.53.0" });
    expect(formatPlanDiff(diffPlans(before, after))).toEqual([
      "  ~ pulumi:pulumi:Stack face-ocr-platform-uat",
      '    outputs.rayVersion: "2.52.0" -> "2.53.0"',
      "  + t:a:B new",
      "  - pulumi:providers:docker registry-reader",
    ]);
  });

  it("quotes a key that is not a plain name, and says when nothing changes", () => {
    const before = run([], { generatedFiles: { "app-repos/a.yaml": "x" } });
    const after = run([], { generatedFiles: { "app-repos/a.yaml": "y" } });
    expect(formatPlanDiff(diffPlans(before, after))).toEqual([
      "  ~ pulumi:pulumi:Stack face-ocr-platform-uat",
      '    outputs.generatedFiles["app-repos/a.yaml"]: "x" -> "y"',
    ]);
    expect(formatPlanDiff(diffPlans(before, before))).toEqual(["  no changes"]);
  });

  it("prints a text field's changed lines, not the whole text", () => {
    const script = (cuda: string, easyocr: string) =>
      ["set -e", `# PyTorch + CUDA ${cuda}`, "pip install torch", "", "# EasyOCR", `pip install ${easyocr}`, "echo done"].join("\n");
    const before = run([resource("k:v:Pod", "p", { args: [script("12.1", "'easyocr>=1.7.0'")] })]);
    const after = run([resource("k:v:Pod", "p", { args: [script("12.4", "easyocr==1.7.1")] })]);
    expect(formatPlanDiff(diffPlans(before, after))).toEqual([
      "  ~ k:v:Pod p",
      "    args[0]:",
      "      - # PyTorch + CUDA 12.1",
      "      + # PyTorch + CUDA 12.4",
      "      - pip install 'easyocr>=1.7.0'",
      "      + pip install easyocr==1.7.1",
    ]);
  });
});

describe("changedLines", () => {
  it("gives each run of changed lines as one hunk, removed lines before added ones", () => {
    expect(changedLines("a\nb\nc\nd", "a\nB\nc\nd\ne")).toEqual([
      { removed: ["b"], added: ["B"] },
      { removed: [], added: ["e"] },
    ]);
    expect(changedLines("same", "same")).toEqual([]);
  });
});
