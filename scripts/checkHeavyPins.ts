/**
 * npm run check-heavy-pins -- [--stack NAME] [--config KEY=VALUE]...
 *
 * Checks the exact pins base-image mode installs (components/ray/heavyDependencies.ts and the stack's
 * ray.gpuWorker.heavyDependencies.pins) against the package index pip is configured with: that each pinned
 * package not from PyTorch's wheel index exists at that version, and that those pins resolve together with
 * numpy<2 for the stack's Python on Linux x86-64 (`pip install --dry-run --report`, into a temporary target;
 * nothing is installed or kept). Requirements from PyTorch's index stay unchecked: that index is not reachable
 * from every machine, and PyPI's builds of the same versions (which the resolution uses, since easyocr depends on
 * torch) are not the CUDA wheels the base installs.
 * Needs the network, so it is not part of `npm test`. Exit 0: every checked pin exists and the set resolves.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { heavyDependencies, InstallStep, NUMPY_PIN, pinnedSteps, requirementSpec } from "../components/ray/heavyDependencies";
import { stackConfigFor } from "../plan/stackConfigFor";

/** The manylinux platforms of the Ray images' glibc (Ubuntu 22.04, glibc 2.35), newest first as pip prefers. */
const PLATFORMS = [
  "manylinux_2_35_x86_64",
  "manylinux_2_28_x86_64",
  "manylinux_2_27_x86_64",
  "manylinux_2_17_x86_64",
  "manylinux2014_x86_64",
];

export interface PinCheckPlan {
  /** `name==version`, each to look up on the index. */
  readonly checked: readonly { readonly name: string; readonly version: string }[];
  /** Requirements from another index (PyTorch's), with that index. */
  readonly unchecked: readonly { readonly requirement: string; readonly indexUrl: string }[];
  /**
   * `pip install --dry-run ...` arguments that resolve the checked pins with numpy<2, and the PyTorch pins at the
   * same versions from the package index (easyocr depends on torch: left open, pip backtracks through every torch).
   */
  readonly resolveArgs: readonly string[];
}

/** `py310` gives `3.10`. */
export function pythonVersion(pythonTag: string): string {
  return `${pythonTag.slice(2, 3)}.${pythonTag.slice(3)}`;
}

export function pinCheckPlan(steps: readonly InstallStep[], pythonTag: string, reportFile: string, target: string): PinCheckPlan {
  const checked = steps
    .filter((s) => s.indexUrl === undefined)
    .flatMap((s) => s.requirements.map((r) => ({ name: r.name, version: (r.version ?? "").replace(/^==/, "") })));
  const unchecked = steps
    .filter((s) => s.indexUrl !== undefined)
    .flatMap((s) => s.requirements.map((r) => ({ requirement: requirementSpec(r), indexUrl: s.indexUrl as string })));
  const resolveArgs = [
    "install",
    "--dry-run",
    "--ignore-installed",
    "--quiet",
    "--report",
    reportFile,
    "--target",
    target,
    "--python-version",
    pythonVersion(pythonTag),
    "--implementation",
    "cp",
    ...PLATFORMS.flatMap((p) => ["--platform", p]),
    "--only-binary=:all:",
    ...unchecked.map((u) => u.requirement),
    ...checked.map((c) => `${c.name}==${c.version}`),
    requirementSpec(NUMPY_PIN),
  ];
  return { checked, unchecked, resolveArgs };
}

/** The versions `pip index versions` lists ("Available versions: 1.7.2, 1.7.1, ..."); empty when it lists none. */
export function availableVersions(pipIndexOutput: string): string[] {
  const line = /^Available versions:\s*(.*)$/m.exec(pipIndexOutput)?.[1] ?? "";
  return line
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
}

function pip(args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync("python3", ["-m", "pip", ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? String(r.error ?? "") };
}

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: { stack: { type: "string", default: "dev" }, config: { type: "string", multiple: true, default: [] } },
  });
  const config = stackConfigFor(path.resolve(__dirname, ".."), values.stack as string, values.config as string[]);
  const steps = pinnedSteps(heavyDependencies(config.cudaTag), "baseImage", config.ray.gpuWorker.heavyDependencies.pins);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "heavy-pins-"));
  const plan = pinCheckPlan(steps, config.pythonTag, path.join(scratch, "report.json"), path.join(scratch, "target"));
  let failed = false;
  console.log(
    `check-heavy-pins: stack "${values.stack}", Python ${pythonVersion(config.pythonTag)}, ${plan.checked.length} pins on the package index`,
  );
  for (const c of plan.checked) {
    const versions = availableVersions(pip(["index", "versions", c.name]).stdout);
    const ok = versions.includes(c.version);
    failed ||= !ok;
    console.log(
      `${ok ? "verified " : "MISSING  "} ${c.name}==${c.version}${ok ? "" : ` (the index lists ${versions.slice(0, 8).join(", ") || "no versions"})`}`,
    );
  }
  for (const u of plan.unchecked) console.log(`unchecked ${u.requirement} (from ${u.indexUrl}, not checked here)`);
  const resolved = pip(plan.resolveArgs);
  if (resolved.status === 0) {
    const report = JSON.parse(fs.readFileSync(path.join(scratch, "report.json"), "utf8")) as {
      install: { metadata: { name: string; version: string } }[];
    };
    console.log(
      `resolves  the ${plan.checked.length} pins with ${requirementSpec(NUMPY_PIN)} (and ${plan.unchecked.map((u) => u.requirement).join(", ")} from the package index): ${report.install.length} packages in all`,
    );
  } else {
    failed = true;
    const why = resolved.stderr.split("\n").filter((l) => /conflict is caused by|depends on|requested|ERROR/.test(l));
    console.log(
      `CONFLICT  the ${plan.checked.length} pins with ${requirementSpec(NUMPY_PIN)} do not resolve:\n${why.map((l) => `  ${l.trim()}`).join("\n")}`,
    );
  }
  fs.rmSync(scratch, { recursive: true, force: true });
  return failed ? 1 : 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
