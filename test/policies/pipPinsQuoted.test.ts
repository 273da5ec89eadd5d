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

  it.each([
    [
      "a postStart hook",
      ["lifecycle", "postStart"],
      ["/bin/sh", "-c", "pip install --user torch<3"],
      "lifecycle.postStart.exec.command[2]",
    ],
    ["a preStop hook", ["lifecycle", "preStop"], ["pip", "install", "numpy<2"], "lifecycle.preStop.exec.command"],
    ["a readiness probe", ["readinessProbe"], ["bash", "-c", "pip install requests>=2 -q && true"], "readinessProbe.exec.command[2]"],
  ])("rejects an unquoted pin in %s of the Ray container", async (_, keys, command, field) => {
    const rs = planResource(RAY_SERVICE, "rayservice", rayServiceProps());
    const container = at(rs.props, "spec", "rayClusterConfig", "workerGroupSpecs", 1, "template", "spec", "containers", 0);
    let holder = container;
    for (const k of keys) holder = holder[k] ??= {};
    holder.exec = { command };
    const [written] = command[command.length - 1].split(" ").filter((w: string) => /[<>]/.test(w));
    const [name, op, target] = /^([\w.-]+)([<>])(.*)$/.exec(written)!.slice(1);
    const file = op.startsWith(">") ? `to a file named "${target}"` : `from a file named "${target}"`;
    expect(await messagesOf(policy, rs)).toEqual([
      `RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].${field} (container "ray-worker" in worker group "gpu-worker-group") line 1: ` +
        `\`${written}\` is not quoted, so bash reads \`${op}${target}\` as a redirect ${file} and pip installs ${name} without the version constraint. Quote it: "${written}".`,
    ]);
  });
});
