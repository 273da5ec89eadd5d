/**
 * npm run bench [-- --rounds N] [--skip-tests]
 *
 * Wall-clock figures for the speed targets, each paired with the bare `node -e "require('@pulumi/pulumi')"` load
 * measured in the same run, as a ratio: shared machines vary too much from one minute to the next for seconds to
 * compare across runs. Every figure is a median over N rounds (default 5), the rounds interleaved so that a busy
 * spell slows all of them alike. Prints figures only; it asserts nothing.
 *
 *   - `npm run plan` (dev), warm and cold (no .cache/js, .cache/launcher nor .cache/validators: a fresh clone), and the same started with node directly
 *   - `npm run policy` on the dev preview, and on previews 10x, 100x and enough times its size to hold 7,000 resources, built
 *     by scripts/scaledPreview.ts: seconds, milliseconds per resource and peak memory
 *   - the plan at 21, ~60 and ~180 resources: the shared stack's, which owns the build pipelines
 *     (pipelines.additionalApps adds one build definition each)
 *   - the test suite (vitest run, with the caches it finds), once: wall time, and CPU time over all its processes
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { cacheDir } from "../validation/paths";
import { scaledPreview } from "./scaledPreview";

const root = path.resolve(__dirname, "..");
const launcher = path.join(root, "scripts", "runCompiled.js");
/** What a fresh clone lacks that a plan uses: compiled sources, the launcher's code and resolutions, compiled validators (not the tests' caches). */
const planCaches = [path.join(root, ".cache", "js"), path.join(root, ".cache", "launcher"), cacheDir()];
const clearPlanCaches = () => planCaches.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly seconds: number;
  /** Peak resident memory of the node process, in MB. */
  readonly maxRssMb: number;
  /** CPU seconds (user and system) of the node process: steadier than wall time when other work shares the cores. */
  readonly cpuSeconds: number;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
// Loaded into each timed node process: records its peak memory and CPU time as it exits.
const probe = path.join(work, "usage.js");
fs.writeFileSync(
  probe,
  'process.on("exit", () => { const u = process.resourceUsage(); require("fs").writeFileSync(process.env.BENCH_USAGE_FILE, JSON.stringify([u.maxRSS, u.userCPUTime + u.systemCPUTime])); });\n',
);
const usageFile = path.join(work, "usage.json");

function run(label: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Run {
  fs.rmSync(usageFile, { force: true });
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "pipe",
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...env, BENCH_USAGE_FILE: usageFile },
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`${label} exited with ${result.status}`);
  }
  // npm's own process has no probe: its runs report wall time only.
  const [maxRss, cpuMicros] = fs.existsSync(usageFile) ? (JSON.parse(fs.readFileSync(usageFile, "utf8")) as number[]) : [NaN, NaN];
  return { seconds, maxRssMb: maxRss / 1024, cpuSeconds: cpuMicros / 1e6 };
}

/** A node process with the memory probe loaded. */
const node = (label: string, args: readonly string[], env?: NodeJS.ProcessEnv) =>
  run(label, process.execPath, ["--require", probe, ...args], env);
const sdkLoad = () => node("bare SDK load", ["-e", "require('@pulumi/pulumi')"]);
const planDirect = (out: string, config: readonly string[] = [], stack = "dev") =>
  node("plan", [launcher, "plan/cli.ts", "--stack", stack, "--out", out, ...config.flatMap((c) => ["--config", c])]);
const planViaNpm = (out: string) => run("npm run plan", "npm", ["run", "--silent", "plan", "--", "--out", out]);
const policyDirect = (file: string) => node("policy", [launcher, "policies/cli.ts", file]);
const policyViaNpm = (file: string) => run("npm run policy", "npm", ["run", "--silent", "policy", "--", file]);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs each measurement once per round, interleaved; returns the median seconds (and memory) of each. */
function rounds(n: number, measurements: Record<string, () => Run>): Record<string, Run> {
  const seen = new Map<string, Run[]>(Object.keys(measurements).map((k) => [k, []]));
  for (let i = 0; i < n; i++) {
    for (const [key, measure] of Object.entries(measurements)) seen.get(key)?.push(measure());
  }
  return Object.fromEntries(
    [...seen].map(([k, runs]) => [
      k,
      {
        seconds: median(runs.map((r) => r.seconds)),
        maxRssMb: median(runs.map((r) => r.maxRssMb)),
        cpuSeconds: median(runs.map((r) => r.cpuSeconds)),
      },
    ]),
  );
}

const s = (seconds: number) => `${seconds.toFixed(2)} s`;
const ratio = (r: Run, sdk: Run) => `${(r.seconds / sdk.seconds).toFixed(2)}x`;
/** Memory and CPU time, the CPU time also as a ratio to the SDK load's. */
const mb = (r: Run, sdk?: Run) =>
  `${r.maxRssMb.toFixed(0)} MB, cpu ${r.cpuSeconds.toFixed(2)} s` + (sdk ? ` = ${(r.cpuSeconds / sdk.cpuSeconds).toFixed(2)}x` : "");

/**
 * CPU seconds of every child process this one has waited for, their own waited-for children included (Linux's
 * cutime and cstime in /proc/self/stat): what a run of vitest and its workers cost, beyond its wall time.
 */
function childrenCpuSeconds(): number {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the name: state is field 3, so cutime (16) and cstime (17) are at 13 and 14 here.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return NaN;
  }
}

function stepsIn(file: string): number {
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { steps: unknown[] }).steps.length;
}

function additionalApps(count: number): string {
  const apps = Array.from({ length: count }, (_, i) => ({ name: `bench-app-${i}`, imageRepository: `data-ai/bench-app-${i}` }));
  return `pipelines=${JSON.stringify({ additionalApps: apps })}`;
}

function main(): void {
  const { values } = parseArgs({
    options: { rounds: { type: "string", default: "5" }, "skip-tests": { type: "boolean", default: false } },
  });
  const n = Number(values.rounds);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--rounds must be a whole number of at least 1, got ${values.rounds}`);
  const out = path.join(work, "out");
  const devPreview = path.join(out, "dev", "preview.json");
  const print = (line: string) => console.log(line);
  print(`machine: ${os.cpus().length} cores, node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}`);

  // Warm both caches, then the paired rounds.
  planDirect(out);
  policyDirect(devPreview);
  const warm = rounds(n, {
    sdk: sdkLoad,
    plan: () => planViaNpm(out),
    planDirect: () => planDirect(out),
    policy: () => policyViaNpm(devPreview),
    policyDirect: () => policyDirect(devPreview),
  });
  const sdk = warm.sdk;
  print(`bare SDK load (node -e "require('@pulumi/pulumi')"): ${s(sdk.seconds)}, ${mb(sdk)}  (1.00x, the unit below)`);
  print(`npm run plan (dev), warm: ${s(warm.plan.seconds)} = ${ratio(warm.plan, sdk)}  target <= 1.5x`);
  print(
    `  node scripts/runCompiled.js plan/cli.ts, warm: ${s(warm.planDirect.seconds)} = ${ratio(warm.planDirect, sdk)}, ${mb(warm.planDirect, sdk)}`,
  );
  print(`npm run policy -- out/dev/preview.json: ${s(warm.policy.seconds)} = ${ratio(warm.policy, sdk)}  target <= 1.5x`);
  print(
    `  node scripts/runCompiled.js policies/cli.ts: ${s(warm.policyDirect.seconds)} = ${ratio(warm.policyDirect, sdk)}, ${mb(warm.policyDirect, sdk)}`,
  );

  // Cold: a fresh clone has neither compiled sources nor compiled validators.
  const cold = rounds(Math.min(n, 3), {
    sdk: sdkLoad,
    plan: () => {
      clearPlanCaches();
      return planViaNpm(out);
    },
    planDirect: () => {
      clearPlanCaches();
      return planDirect(out);
    },
  });
  print(
    `npm run plan (dev), cold (no compiled sources or validators): ${s(cold.plan.seconds)} = ${ratio(cold.plan, cold.sdk)} of ${s(cold.sdk.seconds)}  target <= 3x`,
  );
  print(
    `  node scripts/runCompiled.js plan/cli.ts, cold: ${s(cold.planDirect.seconds)} = ${ratio(cold.planDirect, cold.sdk)}, ${mb(cold.planDirect, cold.sdk)}`,
  );

  // Plan cost per resource: one more build definition per additional app, in the shared stack that owns them.
  const sizes = [0, 39, 159].map((apps) => {
    const dir = path.join(work, `plan-${apps}`);
    const config = apps === 0 ? [] : [additionalApps(apps)];
    planDirect(dir, config, "shared");
    return { resources: stepsIn(path.join(dir, "shared", "preview.json")), measure: () => planDirect(dir, config, "shared") };
  });
  const planScale = rounds(n, { sdk: sdkLoad, ...Object.fromEntries(sizes.map((p) => [String(p.resources), p.measure])) });
  const [small, , large] = sizes.map((p) => ({ resources: p.resources, run: planScale[String(p.resources)] }));
  for (const p of sizes) {
    const r = planScale[String(p.resources)];
    print(`plan at ${p.resources} resources: ${s(r.seconds)} = ${ratio(r, planScale.sdk)}, ${mb(r, planScale.sdk)}`);
  }
  // Linear means the same cost per added resource from the small plan to the middle one as from the middle to the large.
  const [, middle] = sizes.map((p) => ({ resources: p.resources, run: planScale[String(p.resources)] }));
  const slope = (a: typeof small, b: typeof small) =>
    `${(((b.run.cpuSeconds - a.run.cpuSeconds) / (b.resources - a.resources)) * 1000).toFixed(2)} ms cpu`;
  print(
    `  per added resource, ${small.resources} to ${middle.resources}: ${slope(small, middle)}; ${middle.resources} to ${large.resources}: ${slope(middle, large)}`,
  );
  const planSlope = ((large.run.seconds - small.run.seconds) / (large.resources - small.resources)) * 1000;
  const planCpuSlope = ((large.run.cpuSeconds - small.run.cpuSeconds) / (large.resources - small.resources)) * 1000;
  print(
    `  plan cost per added resource (${small.resources} to ${large.resources}): ${planSlope.toFixed(2)} ms wall, ${planCpuSlope.toFixed(2)} ms cpu  target <= 2 ms`,
  );

  // Policy runs over scaled previews.
  const dev = JSON.parse(fs.readFileSync(devPreview, "utf8")) as Parameters<typeof scaledPreview>[0];
  // The largest preview is the 7,000 resources (or just over): the dev preview's size decides the factor.
  const largest = Math.ceil(7000 / stepsIn(devPreview));
  const scales = [1, 10, 100, largest].map((factor) => {
    const file = path.join(work, `preview-x${factor}.json`);
    fs.writeFileSync(file, JSON.stringify(scaledPreview(dev, factor)));
    return { factor, resources: stepsIn(file), file };
  });
  const policyScale = rounds(Math.min(n, 3), {
    sdk: sdkLoad,
    ...Object.fromEntries(scales.map((p) => [`x${p.factor}`, () => policyDirect(p.file)])),
  });
  const base = policyScale.x1;
  for (const p of scales) {
    const r = policyScale[`x${p.factor}`];
    const marginal =
      p.factor === 1
        ? ""
        : `, ${(((r.seconds - base.seconds) / (p.resources - scales[0].resources)) * 1000).toFixed(3)} ms per added resource`;
    print(
      `policy on ${p.factor}x the dev preview (${p.resources} resources): ${s(r.seconds)} = ${ratio(r, policyScale.sdk)}, ` +
        `${((r.seconds / p.resources) * 1000).toFixed(3)} ms per resource${marginal}, ${mb(r, policyScale.sdk)}` +
        (p.factor === largest ? "  target <= 5 s, <= 300 MB" : ""),
    );
  }

  if (!values["skip-tests"]) {
    const before = sdkLoad();
    const cpuBefore = childrenCpuSeconds();
    const tests = run("tests", path.join(root, "node_modules", ".bin", "vitest"), ["run"]);
    const cpu = childrenCpuSeconds() - cpuBefore;
    const after = sdkLoad();
    const sdkAround = (before.seconds + after.seconds) / 2;
    print(
      `test suite (vitest run): ${s(tests.seconds)} = ${(tests.seconds / sdkAround).toFixed(1)}x the bare SDK load around it ` +
        `(${s(before.seconds)} before, ${s(after.seconds)} after), cpu ${Number.isNaN(cpu) ? "n/a" : s(cpu)} in all its processes  target <= 15 s`,
    );
  }
  print(`load average at the end: ${os.loadavg()[0].toFixed(1)}`);
}

try {
  main();
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
