// The pin check's plan (what npm run check-heavy-pins asks pip, and what it leaves unchecked); the check itself needs
// the network and runs as its own command.
import { describe, expect, it } from "vitest";
import { heavyDependencies, pinnedSteps } from "../../components/ray/heavyDependencies";
import { availableVersions, pinCheckPlan, pythonVersion } from "../../scripts/checkHeavyPins";

/** Every base-image pin not from PyTorch's index, in install order. */
const CHECKED = [
  "paddlepaddle-gpu==2.6.2",
  "paddleocr==2.7.3",
  "easyocr==1.7.2",
  "onnxruntime-gpu==1.20.2",
  "nvidia-cudnn-cu12==9.1.0.70",
  "numpy==1.26.4",
  "opencv-python-headless==4.8.1.78",
];
const plan = pinCheckPlan(pinnedSteps(heavyDependencies("cu121"), "baseImage", {}), "py310", "/tmp/r.json", "/tmp/t");

describe("check-heavy-pins", () => {
  it("looks up every pin not from PyTorch's index, and leaves PyTorch's unchecked, naming the index", () => {
    expect(plan.checked.map((c) => `${c.name}==${c.version}`)).toEqual(CHECKED);
    expect(plan.unchecked).toEqual([
      { requirement: "torch==2.5.1", indexUrl: "https://download.pytorch.org/whl/cu121" },
      { requirement: "torchvision==0.20.1", indexUrl: "https://download.pytorch.org/whl/cu121" },
    ]);
  });

  it("resolves them with numpy<2 (and the PyTorch pins, which easyocr needs) as a dry run into a temporary target, for the stack's Python on Linux x86-64", () => {
    const args = plan.resolveArgs;
    expect(args.slice(0, 12)).toEqual([
      "install",
      "--dry-run",
      "--ignore-installed",
      "--quiet",
      "--report",
      "/tmp/r.json",
      "--target",
      "/tmp/t",
      "--python-version",
      "3.10",
      "--implementation",
      "cp",
    ]);
    expect(args.slice(-10)).toEqual(["torch==2.5.1", "torchvision==0.20.1", ...CHECKED, "numpy<2"]);
    expect(args).toContain("--only-binary=:all:");
  });

  it("reads pip's version list", () => {
    expect(availableVersions("easyocr (1.7.2)\nAvailable versions: 1.7.2, 1.7.1, 1.7.0\n")).toEqual(["1.7.2", "1.7.1", "1.7.0"]);
    expect(availableVersions("ERROR: No matching distribution found for nope\n")).toEqual([]);
    expect(pythonVersion("py311")).toBe("3.11");
  });
});
