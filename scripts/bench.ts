/**
 * npm run bench: wall-clock figures for the two speed targets.
 *   - the offline plan of the dev stack (target: under 3 s), cold (no schema cache) and warm
 *   - the whole test suite (target: under 30 s)
 * Prints figures only; it asserts nothing.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cacheDir } from "../validation/paths";

const root = path.resolve(__dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

function time(label: string, command: string, args: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: root, stdio: "pipe", encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`${label} exited with ${result.status}`);
  }
  return seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-plan-"));
try {
  const plan = () => time("plan", bin("tsx"), ["plan/cli.ts", "--out", out]);
  fs.rmSync(cacheDir(), { recursive: true, force: true });
  const cold = plan();
  const warm = [plan(), plan(), plan(), plan(), plan()];
  const viaNpm = [0, 1, 2].map(() => time("npm run plan", "npm", ["run", "--silent", "plan", "--", "--out", out]));
  const tests = time("tests", bin("vitest"), ["run"]);
  const fmt = (s: number) => `${s.toFixed(2)} s`;
  console.log(`machine: ${os.cpus().length} cores, node ${process.version}`);
  console.log(`offline plan (dev), cold schema cache: ${fmt(cold)}`);
  console.log(
    `offline plan (dev), warm: median ${fmt(median(warm))} of ${warm.length} (min ${fmt(Math.min(...warm))}, max ${fmt(Math.max(...warm))})  target < 3 s`,
  );
  console.log(`offline plan (dev) as \`npm run plan\` (adds npm's own start-up), warm: median ${fmt(median(viaNpm))} of ${viaNpm.length}`);
  console.log(`test suite (vitest run): ${fmt(tests)}  target < 30 s`);
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
