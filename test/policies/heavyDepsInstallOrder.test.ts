import { describe, expect, it } from "vitest";
import { heavyDepsInstallOrder } from "../../policies/rules/heavyDepsInstallOrder";
import { at, INSTALL_SCRIPT, planResource, RAY_SERVICE, rayServiceProps } from "./fixtures";
import { messagesOf, violationsOf } from "./helpers";

const policy = heavyDepsInstallOrder();
const INIT = ["spec", "rayClusterConfig", "workerGroupSpecs", 1, "template", "spec", "initContainers", 0] as const;
const WHERE =
  'RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.initContainers[0].args[0] (initContainer "install-heavy-deps" in worker group "gpu-worker-group")';
const NUMPY_FIX = 'pip install --target=/shared-packages --no-cache-dir --upgrade "numpy<2"\n';
const PROTOBUF_RM =
  "rm -rf /shared-packages/protobuf* /shared-packages/google/protobuf* /shared-packages/google-*.dist-info 2>/dev/null || true\n";
const CLICK_RM = "rm -rf /shared-packages/click* /shared-packages/click-*.dist-info 2>/dev/null || true\n";

function withScript(script: string) {
  const rs = planResource(RAY_SERVICE, "rayservice", rayServiceProps());
  at(rs.props, ...INIT).args = [script];
  return rs;
}

function edit(from: string, to: string): string {
  if (!INSTALL_SCRIPT.includes(from)) throw new Error(`fixture script has no ${JSON.stringify(from)}`);
  return INSTALL_SCRIPT.replace(from, to);
}

describe("heavy-deps-install-order", () => {
  it("passes the guide's install order", async () => {
    expect(await violationsOf(policy, withScript(INSTALL_SCRIPT))).toEqual([]);
  });

  it("rejects the numpy fix moved before OpenCV's install", async () => {
    const script = edit(NUMPY_FIX, "").replace("# [5/5] OpenCV\n", `${NUMPY_FIX}# [5/5] OpenCV\n`);
    expect(await messagesOf(policy, withScript(script))).toEqual([
      `${WHERE} re-pins numpy<2 at line 19, before OpenCV's install at line 21 (opencv-python-headless==4.8.1.78), which pulls numpy 2.x back and ONNX Runtime crashes with it ` +
        '(deployment guide, "Why Each Fix Exists"). Move `pip install --target=/shared-packages --no-cache-dir --upgrade "numpy<2"` after line 21.',
    ]);
  });

  it("rejects a script with no numpy fix after OpenCV", async () => {
    expect(await messagesOf(policy, withScript(edit(NUMPY_FIX, "")))).toEqual([
      `${WHERE} installs OpenCV (opencv-python-headless==4.8.1.78, line 20) but never re-pins numpy<2 after it: OpenCV pulls numpy 2.x and ONNX Runtime crashes with it ` +
        '(deployment guide, "Why Each Fix Exists"). Add `pip install --target=/shared-packages --no-cache-dir --upgrade "numpy<2"` after line 20, before the cleanup.',
    ]);
  });

  it("rejects a numpy re-pin without --upgrade", async () => {
    expect(
      await messagesOf(policy, withScript(edit(NUMPY_FIX, 'pip install --target=/shared-packages --no-cache-dir "numpy<2"\n'))),
    ).toEqual([
      `${WHERE} re-pins numpy<2 at line 24 without --upgrade: pip --target then keeps the numpy 2.x directory OpenCV left in /shared-packages. ` +
        'Use `pip install --target=/shared-packages --no-cache-dir --upgrade "numpy<2"`.',
    ]);
  });

  it("rejects a package installed after the numpy fix", async () => {
    const script = edit(NUMPY_FIX, `${NUMPY_FIX}pip install --target=/shared-packages --no-cache-dir "insightface>=0.7"\n`);
    expect(await messagesOf(policy, withScript(script))).toEqual([
      `${WHERE} installs insightface>=0.7 at line 25, after the numpy<2 re-pin at line 24: it can pull numpy 2.x back. ` +
        'Add new packages before the numpy fix and the cleanup (deployment guide, "Adding a New Package").',
    ]);
  });

  it("rejects a script whose protobuf cleanup was removed", async () => {
    expect(await messagesOf(policy, withScript(edit(PROTOBUF_RM, "")))).toEqual([
      `${WHERE} installs paddlepaddle-gpu>=2.5.0 (line 9) but never removes /shared-packages/google/protobuf after it: PaddlePaddle installs protobuf 6.x and Ray needs <5.0 ` +
        '(deployment guide, "Why Each Fix Exists"). After the last pip install add `rm -rf /shared-packages/protobuf* /shared-packages/google/protobuf* 2>/dev/null || true`.',
    ]);
  });

  it("rejects a script whose click cleanup was removed", async () => {
    expect(await messagesOf(policy, withScript(edit(CLICK_RM, "")))).toEqual([
      `${WHERE} installs paddleocr>=2.7.0,<3.0.0 (line 9) but never removes /shared-packages/click after it: PaddleOCR's click conflicts with the Ray CLI ` +
        '(deployment guide, "Why Each Fix Exists"). After the last pip install add `rm -rf /shared-packages/click* 2>/dev/null || true`.',
    ]);
  });

  it("does not count the guide table's relative `click*` or a protobuf dist-info-only removal", async () => {
    const script = edit(PROTOBUF_RM + CLICK_RM, "rm -rf /shared-packages/protobuf* click*\n");
    expect(await messagesOf(policy, withScript(script))).toHaveLength(2);
  });

  it("rejects a cleanup that runs before a later install", async () => {
    const script = edit(PROTOBUF_RM + CLICK_RM, "").replace("# [3/5] EasyOCR\n", `${PROTOBUF_RM}${CLICK_RM}# [3/5] EasyOCR\n`);
    expect(await messagesOf(policy, withScript(script))).toEqual([
      `${WHERE} removes /shared-packages/google/protobuf at line 12, before the install at line 15 (easyocr>=1.7.0), which can bring protobuf back (PaddlePaddle installs protobuf 6.x and Ray needs <5.0). Move the cleanup after the last pip install.`,
      `${WHERE} removes /shared-packages/click at line 13, before the install at line 15 (easyocr>=1.7.0), which can bring click back (PaddleOCR's click conflicts with the Ray CLI). Move the cleanup after the last pip install.`,
    ]);
  });

  it("follows the install target through a shell variable", async () => {
    const script = `set -e\nTARGET=/shared-packages\npip install --target "$TARGET" paddlepaddle-gpu\nrm -rf "\${TARGET}"/google/protobuf*\n`;
    expect(await violationsOf(policy, withScript(script))).toEqual([]);
  });

  const NEVER_REMOVES_PROTOBUF =
    `${WHERE} installs paddlepaddle-gpu>=2.5.0 (line 9) but never removes /shared-packages/google/protobuf after it: PaddlePaddle installs protobuf 6.x and Ray needs <5.0 ` +
    '(deployment guide, "Why Each Fix Exists"). After the last pip install add `rm -rf /shared-packages/protobuf* /shared-packages/google/protobuf* 2>/dev/null || true`.';
  const RM = PROTOBUF_RM.trimEnd();

  it.each([
    ["inside if false", `if false; then\n  ${RM}\nfi\n`],
    ["inside the else of if true", `if true; then\n  echo keep\nelse\n  ${RM}\nfi\n`],
    ["inside if : ... the elif", `if :; then echo keep; elif [ -d /x ]; then ${RM}; fi\n`],
    ["after false &&", `false && ${RM}\n`],
    ["after true ||", `true || ${RM}\n`],
    ["in a while false loop", `while false; do\n  ${RM}\ndone\n`],
    ["in an until true loop", `until true; do ${RM}; done\n`],
  ])("does not count a protobuf cleanup that never runs: %s", async (_, dead) => {
    expect(await messagesOf(policy, withScript(edit(PROTOBUF_RM, dead)))).toEqual([NEVER_REMOVES_PROTOBUF]);
  });

  it("does not count cleanups after a top-level exit: neither runs", async () => {
    const messages = await messagesOf(policy, withScript(edit(PROTOBUF_RM, `exit 0\n${RM}\n`)));
    expect(messages[0]).toBe(NEVER_REMOVES_PROTOBUF);
    expect(messages.slice(1).map((m) => m.slice(0, m.indexOf(":")))).toEqual([
      `${WHERE} installs paddleocr>=2.7.0,<3.0.0 (line 9) but never removes /shared-packages/click after it`,
    ]);
  });

  it.each([
    ["behind a condition bash cannot know", `if [ -d /shared-packages/google ]; then\n  ${RM}\nfi\n`],
    ["in the then of if true", `if true; then ${RM}; fi\n`],
    ["after true &&", `true && ${RM}\n`],
    ["after an exit inside a branch", `if [ -z "$SKIP" ]; then :; else exit 0; fi\n${RM}\n`],
  ])("counts a protobuf cleanup that may run: %s", async (_, live) => {
    expect(await violationsOf(policy, withScript(edit(PROTOBUF_RM, live)))).toEqual([]);
  });
});
