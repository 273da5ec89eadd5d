/**
 * The policy pack as the pinned CLI can start it without a Node.js language plugin: an executable analyzer
 * (`--policy-pack <file>`, which Pulumi launches with the engine's address), here a two-line script that runs the
 * @pulumi/pulumi SDK's own policy-pack runner on `policies/`, as the language plugin would. See tools/engine/README.md.
 */
import * as fs from "fs";
import * as path from "path";

export function writePolicyPackLauncher(runDir: string, policiesDir: string): string {
  const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [policiesDir] });
  const dir = path.join(runDir, "policy-pack");
  fs.mkdirSync(dir, { recursive: true });
  // Beside it, so the CLI reads the pack's project file as it does for a folder.
  fs.copyFileSync(path.join(policiesDir, "PulumiPolicy.yaml"), path.join(dir, "PulumiPolicy.yaml"));
  const launcher = path.join(dir, "face-ocr-policies");
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(launcher, `#!/bin/sh\ncd ${quote(policiesDir)} || exit 1\nexec node ${quote(runner)} "$1" .\n`, { mode: 0o755 });
  return launcher;
}
