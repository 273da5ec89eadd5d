/**
 * npm run engine [-- --keep]
 *
 * The program under the real Pulumi engine, against a real Kubernetes API server on loopback:
 *  1. builds or reuses the pinned tools (tools/engine/build.sh);
 *  2. the offline plan of the engine stack (dev's config, see engineStack.ts), for the read-back comparison;
 *  3. starts etcd and kube-apiserver, applies the upstream CRDs, creates the namespaces the program expects;
 *  4. `pulumi preview --diff` and `pulumi up` with the policy pack loaded by the CLI, a second preview that must have
 *     no changes, and `pulumi refresh --preview-only` that must find no drift;
 *  5. reads every object back and compares it with the offline plan's manifests;
 *  6. saves `pulumi preview --json` and checks `npm run policy` gives the offline plan's findings;
 *  7. rehearses the state move of docs/stacks.md with stand-in resources (stateMoveRehearsal.ts), and previews each
 *     deliberately broken object (breakages.ts) and checks the API server refuses it;
 *  8. destroys the stack except its protected objects, checks those are still there, and tears everything down.
 *
 * Exit codes: 0 every check passed; 1 a check failed; 2 the tools could not be built or the arguments are wrong.
 * The run folder (a temporary folder) is removed unless --keep is given; every process is stopped in any case.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { BREAKAGES, withBreakage } from "./breakages";
import {
  ENGINE_STACK,
  EngineOverride,
  engineOverrides,
  fakeSecrets,
  sharedStackName,
  sharedStackOutputs,
  writeEngineStackFile,
} from "./engineStack";
import { crdDir } from "../../validation/paths";
import { applyCrds, createNamespaces, createStorageClasses, LocalCluster, startLocalCluster, ENGINE_CONTEXT } from "./localCluster";
import { runningProcesses, stopAll } from "./processes";
import { writePolicyPackLauncher } from "./policyPackLauncher";
import { PulumiCli } from "./pulumiCli";
import { namespacesExpectedToExist, readBack, readRenderedObjects, storageClassesExpectedToExist } from "./readBack";
import { buildTools, ToolBuildError } from "./tools";
import { rehearseStateMove, RehearsalFailed } from "./stateMoveRehearsal";
import { PROJECT_NAME } from "../../config/projectName";

const USAGE = "usage: npm run engine [-- --keep]";
const PROJECT_DIR = path.resolve(__dirname, "..", "..");
const POLICY_CONFIG = "policies/config/dev.json";

class CheckFailed extends Error {}

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

function loadProgram(): () => unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require("../../index") as { default?: () => unknown } | (() => unknown);
  return typeof mod === "function" ? mod : (mod.default as () => unknown);
}

function npmRun(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync("npm", ["run", "--silent", ...args], { cwd: PROJECT_DIR, encoding: "utf8", env: process.env });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

async function main(): Promise<number> {
  let keep = false;
  try {
    const parsed = parseArgs({ args: process.argv.slice(2), options: { keep: { type: "boolean", default: false } }, strict: true });
    keep = parsed.values.keep ?? false;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

  let binDir: string;
  try {
    binDir = buildTools(PROJECT_DIR);
  } catch (err) {
    if (err instanceof ToolBuildError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  say(`engine: tools ready in ${elapsed()} (${binDir})`);

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "face-ocr-engine-"));
  const logFile = path.join(runDir, "pulumi.log");
  const log = (text: string) => fs.appendFileSync(logFile, text);
  const overrides = engineOverrides(PROJECT_DIR, ENGINE_CONTEXT);
  let failed = false;
  try {
    // The offline plan of exactly the config the real engine gets.
    const planOut = path.join(runDir, "plan");
    const plan = npmRun([
      "plan",
      "--",
      "--stack",
      "dev",
      ...overrides.flatMap((o) => ["--config", `${o.key}=${o.value}`]),
      "--out",
      planOut,
    ]);
    if (plan.code !== 0)
      throw new CheckFailed(`the offline plan of the engine stack failed (exit ${plan.code}):\n${plan.stderr}${plan.stdout}`);
    const sharedPlan = npmRun(["plan", "--", "--stack", sharedStackName(PROJECT_DIR), "--out", planOut]);
    if (sharedPlan.code !== 0)
      throw new CheckFailed(
        `the offline plan of the shared stack failed (exit ${sharedPlan.code}):\n${sharedPlan.stderr}${sharedPlan.stdout}`,
      );
    const rendered = readRenderedObjects(path.join(planOut, "dev", "manifests"));
    say(`engine: offline plan of the engine stack: ${rendered.length} Kubernetes objects (${elapsed()})`);
    for (const o of overrides) say(`  differs from dev: ${o.key}=${o.value} (${o.reason})`);

    const cluster = await startLocalCluster(binDir, runDir);
    // The CRDs the offline plan validates against (FACE_OCR_SHARED_DIR or ../shared), so both sides check the same rules.
    const crds = await applyCrds(cluster.client, crdDir());
    const namespaces = namespacesExpectedToExist(rendered);
    await createNamespaces(cluster.client, namespaces);
    const storageClasses = storageClassesExpectedToExist(rendered);
    await createStorageClasses(cluster.client, storageClasses);
    say(
      `engine: API server ${cluster.server} ready; ${crds.length} CRDs established; namespaces created: ${namespaces.join(", ")}; ` +
        `storage classes: ${storageClasses.join(", ")} (${elapsed()})`,
    );

    await runEngine({ binDir, runDir, cluster, rendered, planOut, overrides, log, say, elapsed });
  } catch (err) {
    failed = true;
    if (err instanceof CheckFailed) process.stderr.write(`engine: FAILED: ${err.message}\n`);
    else process.stderr.write(`engine: FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.stderr.write(`engine: the CLI's full output is in ${logFile}${keep ? "" : " (kept, since the run failed)"}\n`);
  } finally {
    const stopped = await stopAll();
    say(
      `engine: stopped ${stopped.join(", ") || "nothing"}${runningProcesses().length ? `; still running: ${runningProcesses().join(", ")}` : ""}`,
    );
    if (!keep && !failed) fs.rmSync(runDir, { recursive: true, force: true });
    else say(`engine: run folder kept: ${runDir}`);
  }
  say(`engine: ${failed ? "FAILED" : "passed"} in ${elapsed()}`);
  return failed ? 1 : 0;
}

interface EngineRun {
  readonly binDir: string;
  readonly runDir: string;
  readonly cluster: LocalCluster;
  readonly rendered: ReturnType<typeof readRenderedObjects>;
  readonly planOut: string;
  /** What the engine stack differs from dev in (engineStack.ts), for the local cluster's context. */
  readonly overrides: readonly EngineOverride[];
  readonly log: (text: string) => void;
  readonly say: (text: string) => void;
  readonly elapsed: () => string;
}

async function runEngine(run: EngineRun): Promise<void> {
  const { runDir, cluster, elapsed } = run;
  // The CLI works in a copy of the project file, so the throwaway stack's file never lands in the repository; the
  // program itself runs in this process (pulumiCli.ts), the policy pack from the repository.
  const cliDir = path.join(runDir, "project");
  fs.mkdirSync(cliDir);
  fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(cliDir, "Pulumi.yaml"));
  const cli = new PulumiCli({ binDir: run.binDir, projectDir: cliDir, runDir, kubeconfig: cluster.kubeconfig, log: run.log });
  writeEngineStackFile(path.join(cliDir, `Pulumi.${ENGINE_STACK}.yaml`), PROJECT_DIR, run.overrides);
  const stackArgs = ["--stack", ENGINE_STACK];
  const policyPack = writePolicyPackLauncher(runDir, path.join(PROJECT_DIR, "policies"));
  const policyArgs = ["--policy-pack", policyPack, "--policy-pack-config", path.join(PROJECT_DIR, POLICY_CONFIG)];
  const program = loadProgram();
  const must = async (args: readonly string[], what: string, withProgram = true) => {
    const r = await cli.run(args, withProgram ? program : undefined);
    if (r.code !== 0) throw new CheckFailed(`${what}: \`${r.command}\` exited ${r.code}:\n${tail(r.stdout + r.stderr)}`);
    return r;
  };

  await must(["stack", "init", ENGINE_STACK], "creating the throwaway stack", false);
  for (const [key, value] of Object.entries(fakeSecrets())) {
    await must(["config", "set", "--secret", key, value, ...stackArgs], `setting the fake secret ${key}`, false);
  }

  // Before the shared stack exists, an update of dev stops at its StackReference and changes nothing (docs/stacks.md).
  const sharedName = sharedStackName(PROJECT_DIR);
  const early = await cli.run(["up", "--yes", "--skip-preview", ...policyArgs, ...stackArgs], program);
  // The read-back of the offline plan's objects, which must find none of them.
  const before = await readBack(cluster.client, run.rendered);
  const created = run.rendered
    .map(({ object }) => `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata.name}`)
    .filter((id) => !before.differences.some((d) => d.object === id && d.live === "not found"));
  // The engine's own words for a StackReference to a stack that is not there, naming it.
  const refused = (early.stdout + early.stderr).includes(`error: unknown stack "${sharedName}"`);
  if (early.code === 0 || !refused || created.length > 0) {
    throw new CheckFailed(
      `pulumi up before the shared stack exists should fail with 'unknown stack "${sharedName}"' and create nothing in the cluster: exit ${early.code}, ` +
        `created: ${created.join(", ") || "nothing"}:\n${tail(early.stdout + early.stderr)}`,
    );
  }
  run.say(
    `engine: pulumi up before the shared stack exists: refused (exit ${early.code}), none of the ${run.rendered.length} objects created (${elapsed()})`,
  );

  // The shared stack dev reads: its offline outputs, published by a program that exports them, so the engine resolves
  // dev's StackReference against a real stack in the backend.
  const shared = sharedStackOutputs(path.join(run.planOut, sharedName, "preview.json"));
  fs.writeFileSync(path.join(cliDir, `Pulumi.${sharedName}.yaml`), "config: {}\n");
  await must(["stack", "init", sharedName], "creating the shared stack", false);
  await cli
    .run(["up", "--yes", "--skip-preview", "--stack", sharedName], () => shared)
    .then((r) => {
      if (r.code !== 0)
        throw new CheckFailed(`publishing the shared stack's outputs: \`${r.command}\` exited ${r.code}:\n${tail(r.stdout + r.stderr)}`);
    });
  run.say(
    `engine: shared stack "${sharedName}" exports ${Object.entries(shared)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")} (${elapsed()})`,
  );

  const preview = await must(["preview", "--diff", ...policyArgs, ...stackArgs], "the first preview");
  run.say(`engine: pulumi preview --diff with the policy pack: ${summaryLine(preview.stdout)} (${elapsed()})`);
  const json = await must(["preview", "--json", ...policyArgs, ...stackArgs], "the JSON preview");
  const savedPreview = path.join(runDir, "preview.json");
  fs.writeFileSync(savedPreview, json.stdout);

  const up = await must(["up", "--yes", "--skip-preview", ...policyArgs, ...stackArgs], "pulumi up");
  run.say(`engine: pulumi up: ${summaryLine(up.stdout)} (${elapsed()})`);

  await must(["preview", "--expect-no-changes", ...policyArgs, ...stackArgs], "the second preview (must have no changes)");
  run.say(`engine: second pulumi preview: no changes (${elapsed()})`);
  await must(
    ["refresh", "--preview-only", "--expect-no-changes", ...stackArgs],
    "pulumi refresh --preview-only (must find no drift)",
    false,
  );
  run.say(`engine: pulumi refresh --preview-only: no drift (${elapsed()})`);

  const back = await readBack(cluster.client, run.rendered);
  if (back.differences.length > 0) {
    const lines = back.differences.map(
      (d) => `  ${d.object} ${d.path}: plan ${JSON.stringify(d.expected)}, live ${JSON.stringify(d.live)}`,
    );
    throw new CheckFailed(`the live objects differ from the offline plan's manifests:\n${lines.join("\n")}`);
  }
  run.say(`engine: read back ${back.compared} objects: every field the program sets matches the offline plan`);
  for (const a of back.acceptedSeen) run.say(`  accepted difference (${a.kind} ${a.path}): ${a.reason}`);

  comparePolicyFindings(savedPreview, path.join(run.planOut, "dev", "preview.json"));
  run.say("engine: npm run policy on the saved pulumi preview --json gives the offline plan's findings");

  const moved = await rehearseStateMove(cli, cluster.context, PROJECT_NAME).catch((err: unknown) => {
    throw err instanceof RehearsalFailed ? new CheckFailed(`the state move of docs/stacks.md: ${err.message}`) : err;
  });
  run.say(`engine: the state move of docs/stacks.md, rehearsed with stand-ins: ${moved} (${elapsed()})`);

  for (const breakage of BREAKAGES) {
    const r = await cli.run(["preview", ...stackArgs], withBreakage(program, breakage));
    const output = r.stdout + r.stderr;
    if (r.code === 0) throw new CheckFailed(`${breakage.description}: the API server accepted it (pulumi preview exited 0)`);
    if (!output.includes(breakage.apiServerMessage)) {
      throw new CheckFailed(`${breakage.description}: refused, but not with "${breakage.apiServerMessage}":\n${tail(output)}`);
    }
    run.say(`engine: refused by the API server, as offline: ${breakage.description} ("${breakage.apiServerMessage}")`);
  }

  await must(["destroy", "--yes", "--exclude-protected", ...stackArgs], "pulumi destroy --exclude-protected", false);
  const kept = await protectedStillThere(cluster, run.rendered);
  run.say(`engine: destroyed the stack except its protected objects, which are still in the cluster: ${kept.join(", ")} (${elapsed()})`);
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** The "Resources:" block of a CLI run, on one line. */
function summaryLine(stdout: string): string {
  const lines = stdout.split("\n");
  const start = lines.findIndex((l) => l.trim() === "Resources:");
  if (start < 0) return "done";
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (!l.trim()) break;
    out.push(l.trim());
  }
  return out.join(", ");
}

function comparePolicyFindings(realPreview: string, offlinePreview: string): void {
  const findings = (file: string) => {
    const r = npmRun(["policy", "--", file, "--stack", "dev"]);
    // The first line names the file; the findings follow.
    return { code: r.code, lines: r.stdout.split("\n").filter((l) => !l.includes(file)) };
  };
  const real = findings(realPreview);
  const offline = findings(offlinePreview);
  if (real.code !== offline.code || real.lines.join("\n") !== offline.lines.join("\n")) {
    throw new CheckFailed(
      `npm run policy differs between the real preview (exit ${real.code}) and the offline plan (exit ${offline.code}):\n` +
        `real:\n${real.lines.join("\n")}\noffline:\n${offline.lines.join("\n")}`,
    );
  }
}

async function protectedStillThere(cluster: LocalCluster, rendered: ReturnType<typeof readRenderedObjects>): Promise<string[]> {
  const protectedKinds: Record<string, string> = { Namespace: "namespaces", PersistentVolumeClaim: "persistentvolumeclaims" };
  const kept: string[] = [];
  for (const { object } of rendered) {
    const plural = protectedKinds[object.kind];
    if (!plural) continue;
    const ns = object.metadata.namespace;
    const url = `/api/v1${ns ? `/namespaces/${ns}` : ""}/${plural}/${object.metadata.name}`;
    if (!(await cluster.client.get(url)))
      throw new CheckFailed(`the protected ${object.kind} ${object.metadata.name} was deleted by the destroy`);
    kept.push(`${object.kind} ${ns ? `${ns}/` : ""}${object.metadata.name}`);
  }
  return kept;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`engine failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(70);
  },
);
