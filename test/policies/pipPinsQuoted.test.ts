import { describe, expect, it } from "vitest";
import { pipPinsQuoted } from "../../policies/rules/pipPinsQuoted";
import { at, INSTALL_SCRIPT, planResource, RAY_SERVICE, rayServiceProps } from "./fixtures";
import { messagesOf, violationsOf } from "./helpers";

const policy = pipPinsQuoted();
const INIT = ["spec", "rayClusterConfig", "workerGroupSpecs", 1, "template", "spec", "initContainers", 0] as const;
const WHERE =
  'RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.initContainers[0].args[0] (initContainer "install-heavy-deps" in worker group "gpu-worker-group")';

function withScript(script: string) {
  const rs = planResource(RAY_SERVICE, "rayservice", rayServiceProps());
  at(rs.props, ...INIT).args = [script];
  return rs;
}

describe("pip-pins-quoted", () => {
  it("passes quoted pins (double or single quotes)", async () => {
    expect(await violationsOf(policy, withScript(INSTALL_SCRIPT))).toEqual([]);
    expect(
      await violationsOf(
        policy,
        withScript("pip install --target=/shared-packages 'easyocr>=1.7.0' 'numpy<2' opencv-python-headless==4.8.1.78"),
      ),
    ).toEqual([]);
  });

  it("rejects the guide's unquoted easyocr>=1.7.0", async () => {
    expect(await messagesOf(policy, withScript(INSTALL_SCRIPT.replace('"easyocr>=1.7.0"', "easyocr>=1.7.0")))).toEqual([
      `${WHERE} line 13: \`easyocr>=1.7.0\` is not quoted, so bash reads \`>=1.7.0\` as a redirect to a file named "=1.7.0" and pip installs easyocr without the version constraint. Quote it: "easyocr>=1.7.0".`,
    ]);
  });

  it("rejects an unquoted numpy<2", async () => {
    expect(await messagesOf(policy, withScript("pip install --target=/shared-packages --upgrade numpy<2 || true"))).toEqual([
      `${WHERE} line 1: \`numpy<2\` is not quoted, so bash reads \`<2\` as a redirect from a file named "2" and pip installs numpy without the version constraint. Quote it: "numpy<2".`,
    ]);
  });

  it("leaves ordinary redirects alone", async () => {
    expect(
      await violationsOf(policy, withScript("pip install --target=/shared-packages torch 2>&1 > /tmp/pip.log\npip install x >/dev/null")),
    ).toEqual([]);
  });
});
