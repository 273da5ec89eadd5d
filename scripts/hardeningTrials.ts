/**
 * npm run trials [-- --project DIR] [--jobs N] [--timeout SECONDS] [--only KIND]
 *
 * Tries the plan CLI as a careless operator and an attacker would: bad stack
 * configs of many classes, secret-leak attempts, faults in copies of the
 * shared material and in out/, and valid variants that must still plan. Every
 * trial runs the real CLI (`tsx plan/cli.ts`) in a scratch copy of the project
 * (DIR, default this checkout: only its git-tracked files, with node_modules
 * linked), bounded by a timeout, and is classified:
 *
 * - refused cleanly: exit 1, 2 or 3 and no stack trace;
 * - trace: a stack trace or exit 70; hang: killed at the timeout;
 * - accepted: exit 0 where a refusal was expected (or, for a valid variant, a refusal);
 * - secret echoes: a trial's secret value appearing in stdout, stderr or out/;
 * - refused runs that changed out/: any file under out/ (or a folder the plan
 *   must not touch) differs after a refused run.
 *
 * The real ../shared is only read: shared faults are made in copies.
 */
import { execFile, execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";

type Kind = "config" | "secret" | "shared" | "out" | "valid";

interface Trial {
  readonly kind: Kind;
  readonly name: string;
  /** Arguments after `plan/cli.ts`; `--out` is added unless given. */
  readonly args: readonly string[];
  /** Replaces `Pulumi.dev.yaml` of the scratch copy. */
  readonly stackFile?: string;
  /** Extra files in the scratch project, by relative path. */
  readonly files?: Readonly<Record<string, string>>;
  /** Damages a copy of the shared folder (given its path); the run points FACE_OCR_SHARED_DIR at it. */
  readonly damageShared?: (dir: string) => void;
  /** Prepares out/ before the run (a previous good plan is already there unless `fresh`). */
  readonly prepareOut?: (outDir: string, project: string) => void;
  /** A value that must appear nowhere in the output. */
  readonly secret?: string;
  /** Paths (relative to the trial's root: `project/...`, `out/...`) the plan did not write and must leave alone. */
  readonly mustKeep?: readonly string[];
  /** The run must plan (exit 0), e.g. a secret given the right way. */
  readonly accept?: boolean;
}

interface Outcome {
  readonly trial: Trial;
  readonly code: number | "timeout";
  readonly trace: boolean;
  readonly echoed: boolean;
  readonly outChanged: boolean;
  /** A path of `mustKeep` changed or vanished. */
  readonly foreignChanged: boolean;
  readonly firstLine: string;
}

const DEV_STACK = (project: string) => fs.readFileSync(path.join(project, "Pulumi.dev.yaml"), "utf8");
const under = (stack: string, key: string, value: string) => stack.replace(/^config:\n/m, `config:\n  ${key}: ${value}\n`);

function configTrials(dev: string): Trial[] {
  const c = (name: string, ...args: string[]): Trial => ({ kind: "config", name, args });
  const f = (name: string, stackFile: string): Trial => ({ kind: "config", name, args: [], stackFile });
  const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 9; i++)
    bomb.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(", ")}]`,
    );
  return [
    // YAML mistakes in the stack file
    f("stack file: tab indentation", dev.replace("  face-ocr-platform:environment: dev", "\tface-ocr-platform:environment: dev")),
    f("stack file: duplicate key", under(dev, "face-ocr-platform:environment", "prod")),
    f("stack file: unclosed [", under(dev, "face-ocr-platform:pythonTag", "[py310")),
    f("stack file: unclosed {", under(dev, "face-ocr-platform:api", "{ replicaCount: 2")),
    f("stack file: alias bomb", `${bomb.join("\n")}\n${dev}`),
    f("stack file: alias to nothing", under(dev, "face-ocr-platform:pythonTag", "*nowhere")),
    f("stack file: two documents", `${dev}---\nconfig: {}\n`),
    f("stack file: a list at the top", "- config\n"),
    f("stack file: config is a string", "config: everything\n"),
    f("stack file: bad indentation", dev.replace("    kubeletPrincipalId:", "   kubeletPrincipalId:")),
    // names that nobody reads
    c("typo at top level", "--config", "rayVerison=2.53.0"),
    c("misspelt project prefix on --config", "--config", "face-ocr:rayVersion=2.40.0"),
    f("misspelt project prefix in the stack file", under(dev, "face-ocr:environment", "prod")),
    f("unknown namespace in the stack file", under(dev, "azure:location", "westeurope")),
    c("misspelt provider key", "--config", "kubernetes:kubeContext=dev"),
    c("typo in a section", "--config", "ray.gpuWorkr.maxReplicas=3"),
    c("typo in the api section", "--config", "api.relaseName=x"),
    // bad values
    c("moving Ray version", "--config", "rayVersion=latest"),
    c("unknown CUDA tag", "--config", "cudaTag=cu999"),
    c("CUDA tag without a PyTorch index", "--config", "cudaTag=cu125"),
    c("CUDA tag of another Ray", "--config", "cudaTag=cu130"),
    c("Python tag of the form 3.10", "--config", "pythonTag=3.10"),
    c("environment misspelt", "--config", "environment=production"),
    c("negative replicas", "--config", "api.replicaCount=-1"),
    c("port out of range", "--config", "api.containerPort=70000"),
    c("API memory request above its limit", "--config", "api.resources.requests.memory=4Gi"),
    c("API cpu request above its limit", "--config", "api.resources.requests.cpu=2"),
    c("Ray memory request above its limit", "--config", "ray.gpuWorker.resources.requests.memory=64Gi"),
    c("min replicas above max", "--config", "ray.gpuWorker.minReplicas=9", "--config", "ray.gpuWorker.maxReplicas=2"),
    c("bad env var name", "--config", "ray.cpuWorker.env.1BAD=x"),
    c("bad label key", "--config", "ray.gpuWorker.labels.Bad Key=x"),
    c("list index past the end", "--config", "ray.gpuWorker.tolerations[1].value=x"),
    c("path into a plain value", "--config", "environment.name=x"),
    c("not a config path", "--config", "ray..gpuWorker=x"),
    c("object section set to a string", "--config", "api=big"),
    // two resources, one object
    c("API namespace equal to Ray's", "--config", "api.targetNamespace=ray"),
    c(
      "pull secret named like the API's secret",
      "--config",
      "registry.pullSecrets[3].namespace=default",
      "--config",
      "registry.pullSecrets[3].name=face-ocr-api-secret-env",
      "--config",
      "registry.pullSecretUsername=00000000-0000-0000-0000-000000000000",
      "--secret",
      "registryPullPassword=fake-pull-password",
    ),
    // stacks and their roles (docs/stacks.md)
    c("role misspelt", "--config", "role=enviroment"),
    c("an environment stack with pipelines", "--config", "pipelines.folder=\\x"),
    c("an environment stack owning the registry", "--config", "registry.mode=manage"),
    c("an environment stack with the registry's resource group", "--config", "registry.resourceGroupName=rg-x"),
    c("an environment stack naming the login server", "--config", "registry.loginServer=other.azurecr.io"),
    c("a shared stack that does not exist", "--config", "sharedStack=nope"),
    c("a shared stack of another project", "--config", "sharedStack=org/other-project/shared"),
    c("an environment stack as the shared stack", "--config", "sharedStack=uat"),
    c("the stack as its own shared stack", "--config", "sharedStack=dev"),
    c("the shared stack with a cluster", "--stack", "shared", "--config", "cluster.context=aks-x"),
    c("the shared stack with Ray settings", "--stack", "shared", "--config", "ray.head.replicas=2"),
    c("the shared stack with the API", "--stack", "shared", "--config", "api.replicaCount=2"),
    c("the shared stack with pull secrets", "--stack", "shared", "--config", "registry.pullSecrets[0].namespace=ray"),
    c("the shared stack with an API secret", "--stack", "shared", "--secret", "chromaToken=fake-token"),
    c("the shared stack referencing its registry", "--stack", "shared", "--config", "registry.mode=reference"),
    c("a standalone stack reading a shared stack", "--config", "role=standalone", "--config", "sharedStack=shared"),
    f("an environment stack without a cluster", dev.replace(/^ {2}face-ocr-platform:cluster:\n(?: {4}.*\n)+/m, "")),
    {
      kind: "config",
      name: "a broken shared stack file",
      args: [],
      files: { "Pulumi.shared.yaml": "config:\n  face-ocr-platform:role: shared\n  face-ocr-platform:cluster:\n    context: aks-x\n" },
    },
    // bad arguments
    c("unknown flag", "--verbose"),
    c("unknown stack", "--stack", "nope"),
    c("stack name with a path", "--stack", "../dev"),
  ];
}

function secretTrials(): Trial[] {
  let n = 0;
  const s = (name: string, build: (value: string) => string[], stackFile?: (dev: string, value: string) => string): Trial => {
    const value = `S3CRET-${++n}-q7x`;
    return { kind: "secret", name, args: build(value), secret: value, ...(stackFile ? { stackFile: stackFile("", value) } : {}) };
  };
  return [
    s("value as a separate word", (v) => ["--secret", "chromaToken", v]),
    s("value alone", (v) => ["--secret", v]),
    s("value with =", (v) => [`--secret=${v}`]),
    s("value after a valid secret", (v) => ["--secret", "chromaToken=fake", v]),
    s("value looking like a flag", (v) => ["--secret", "chromaToken=fake", `--${v}`]),
    s("value as a key", (v) => ["--secret", `${v}`, "--stack", "dev"]),
    s("secret on a plain key", (v) => ["--secret", `rayVersion=${v}`]),
    s("secret on an object key", (v) => ["--secret", `api=${v}`]),
    s("secret into a path", (v) => ["--secret", `ray.gpuWorker.env.TOKEN=${v}`]),
    s("secret key in clear", (v) => ["--config", `databasePassword=${v}`]),
    s("provider credential in clear", (v) => ["--config", `azure-native:clientSecret=${v}`]),
    s("Azure DevOps token in clear", (v) => ["--config", `azuredevops:personalAccessToken=${v}`]),
    s("kubeconfig content in clear", (v) => ["--config", `kubernetes:kubeconfig=apiVersion: v1\nusers:\n- user:\n    token: ${v}\n`]),
    { ...s("provider credential as a secret", (v) => ["--secret", `azure-native:clientSecret=${v}`]), accept: true },
    { ...s("valid secret", (v) => ["--secret", `chromaToken=${v}`]), accept: true },
    s("secret value in an env var", (v) => ["--config", `api.extraEnv.API_TOKEN=${v}`]),
  ];
}

function sharedTrials(): Trial[] {
  const d = (name: string, damageShared: (dir: string) => void, args: string[] = []): Trial => ({
    kind: "shared",
    name,
    args,
    damageShared,
  });
  // The Azure DevOps objects are the shared stack's: its plan is the one that reads their provider schema.
  const shared = ["--stack", "shared"];
  const truncate = (file: string, keep: number) => fs.writeFileSync(file, fs.readFileSync(file, "utf8").slice(0, keep));
  return [
    d("shared missing", (dir) => fs.rmSync(dir, { recursive: true })),
    d("crds/ missing", (dir) => fs.rmSync(path.join(dir, "crds"), { recursive: true })),
    d("shared is a file", (dir) => {
      fs.rmSync(dir, { recursive: true });
      fs.writeFileSync(dir, "not a folder\n");
    }),
    d("crds/ is a file", (dir) => {
      fs.rmSync(path.join(dir, "crds"), { recursive: true });
      fs.writeFileSync(path.join(dir, "crds"), "not a folder\n");
    }),
    d("azuredevops schema truncated", (dir) => truncate(path.join(dir, "schemas", "azuredevops.schema.json"), 5000), shared),
    d("azuredevops schema empty", (dir) => fs.writeFileSync(path.join(dir, "schemas", "azuredevops.schema.json"), ""), shared),
    d("azuredevops schema missing", (dir) => fs.rmSync(path.join(dir, "schemas", "azuredevops.schema.json")), shared),
    d("azuredevops checks schema truncated", (dir) => truncate(path.join(dir, "schemas", "azuredevops-checks.schema.json"), 5000), shared),
    d("RayService CRD garbage", (dir) => fs.writeFileSync(path.join(dir, "crds", "ray.io_rayservices.yaml"), "\u0000\u0001 garbage\n")),
    d("RayService CRD truncated", (dir) => truncate(path.join(dir, "crds", "ray.io_rayservices.yaml"), 6000)),
    d("HelmRelease CRD without versions", (dir) =>
      fs.writeFileSync(
        path.join(dir, "crds", "helm.toolkit.fluxcd.io_helmreleases.yaml"),
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec:\n  group: helm.toolkit.fluxcd.io\n  names:\n    kind: HelmRelease\n",
      ),
    ),
  ];
}

function outTrials(): Trial[] {
  const o = (name: string, args: string[], extra: Partial<Trial> = {}): Trial => ({ kind: "out", name, args, ...extra });
  return [
    o("--out . with a stack named like a tracked folder", ["--stack", "test", "--out", "."], {
      files: { "Pulumi.test.yaml": "" },
      mustKeep: ["project/test"],
    }),
    o("a user's file under --out DIR/dev", [], {
      prepareOut: (out) => {
        fs.rmSync(path.join(out, "dev"), { recursive: true, force: true });
        fs.mkdirSync(path.join(out, "dev"), { recursive: true });
        fs.writeFileSync(path.join(out, "dev", "notes.txt"), "mine\n");
      },
      mustKeep: ["out/dev/notes.txt"],
    }),
    o("--out is a file", [], { prepareOut: (out) => (fs.rmSync(out, { recursive: true, force: true }), fs.writeFileSync(out, "x\n")) }),
    o("refused run (bad config) after a good plan", ["--config", "rayVersion=latest"]),
    o("refused run (duplicate object) after a good plan", ["--config", "api.targetNamespace=ray"]),
    o("refused run (shared fault) after a good plan", [], {
      damageShared: (dir) => fs.rmSync(path.join(dir, "crds"), { recursive: true }),
    }),
    o("refused run (read-only manifests folder) after a good plan", ["--config", "api.targetNamespace=ray"], {
      prepareOut: (out) => fs.chmodSync(path.join(out, "dev", "manifests"), 0o555),
    }),
  ];
}

function validTrials(): Trial[] {
  const v = (name: string, ...args: string[]): Trial => ({ kind: "valid", name, args, accept: true });
  return [
    v("dev as committed"),
    v("newer Ray", "--config", "rayVersion=2.53.0"),
    v("CUDA 12.8", "--config", "cudaTag=cu128"),
    v("provider location", "--config", "azure-native:location=westeurope"),
    v("kubeconfig path", "--config", "kubernetes:kubeconfig=/home/me/.kube/config"),
    v("API request at its limit", "--config", "api.resources.requests.memory=2Gi"),
    v("two API replicas", "--config", "api.replicaCount=2"),
    v("API release in its target namespace", "--config", "api.releaseNamespace=cyber"),
  ];
}

/** Every file under a folder with its content hash and mode; absent folders are "". */
function snapshot(dir: string): string {
  if (!fs.existsSync(dir)) return "";
  if (!fs.statSync(dir).isDirectory()) return `file:${createHash("sha256").update(fs.readFileSync(dir)).digest("hex")}`;
  const lines: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      const mode = (fs.lstatSync(full).mode & 0o777).toString(8);
      if (entry.isSymbolicLink()) lines.push(`${path.relative(dir, full)} -> ${fs.readlinkSync(full)}`);
      else if (entry.isDirectory()) {
        lines.push(`${path.relative(dir, full)}/ ${mode}`);
        walk(full);
      } else lines.push(`${path.relative(dir, full)} ${mode} ${createHash("sha256").update(fs.readFileSync(full)).digest("hex")}`);
    }
  };
  walk(dir);
  return lines.join("\n");
}

function allText(dir: string): string {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return "";
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile())
    .map((f) => fs.readFileSync(f, "utf8"))
    .join("\n");
}

/** A scratch project: the tracked files of `source`, node_modules linked. */
function scratchProject(source: string, into: string): void {
  const files = execFileSync("git", ["-C", source, "ls-files", "-z"], { encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of files) {
    const from = path.join(source, file);
    if (!fs.existsSync(from)) continue;
    fs.mkdirSync(path.dirname(path.join(into, file)), { recursive: true });
    fs.copyFileSync(from, path.join(into, file));
  }
  fs.symlinkSync(path.join(source, "node_modules"), path.join(into, "node_modules"));
}

function run(project: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number) {
  return new Promise<{ code: number | "timeout"; stdout: string; stderr: string }>((resolve) => {
    const tsx = path.join(project, "node_modules", ".bin", "tsx");
    execFile(
      tsx,
      ["plan/cli.ts", ...args],
      { cwd: project, env: { ...process.env, ...env }, timeout: timeoutMs, killSignal: "SIGKILL" },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; killed?: boolean; signal?: string }) | null;
        const code = !e ? 0 : e.killed || e.signal === "SIGKILL" ? "timeout" : typeof e.code === "number" ? e.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Derived schemas are cached by content digest, so every trial of a session can share one cache. */
const SESSION_CACHE = path.join(os.tmpdir(), `trials-cache-${process.pid}`);

const TRACE = /^\s+at .+(:\d+:\d+\)?|\(node:)/m;

async function runTrial(trial: Trial, source: string, realShared: string, timeoutMs: number): Promise<Outcome> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "trial-"));
  try {
    const project = path.join(root, "project");
    scratchProject(source, project);
    if (trial.stackFile !== undefined) fs.writeFileSync(path.join(project, "Pulumi.dev.yaml"), trial.stackFile);
    for (const [file, content] of Object.entries(trial.files ?? {})) {
      fs.writeFileSync(path.join(project, file), content || fs.readFileSync(path.join(project, "Pulumi.dev.yaml"), "utf8"));
    }
    const shared = path.join(root, "shared");
    // dereference: the real shared folder may be a symlink, and a copied symlink would let a fault damage the original.
    fs.cpSync(realShared, shared, { recursive: true, dereference: true });
    const env = { FACE_OCR_SHARED_DIR: shared, FACE_OCR_CACHE_DIR: SESSION_CACHE };
    const outDir = path.join(root, "out");
    const explicitOut = trial.args.includes("--out");
    // Out trials start from a good plan, as an operator's out/ does.
    if (trial.kind === "out" && !explicitOut) await run(project, ["--out", outDir], env, timeoutMs);
    trial.prepareOut?.(outDir, project);
    trial.damageShared?.(shared);
    const watched = explicitOut ? [project] : [outDir];
    const before = watched.map(snapshot).join("\n--\n");
    const kept = (trial.mustKeep ?? []).map((p) => snapshot(path.join(root, p)));
    const args = explicitOut ? trial.args : [...trial.args, "--out", outDir];
    const result = await run(project, args, env, timeoutMs);
    const refused = result.code !== 0 && result.code !== "timeout";
    const after = watched.map(snapshot).join("\n--\n");
    const written = allText(explicitOut ? path.join(project, trial.args[trial.args.indexOf("--stack") + 1] ?? "dev") : outDir);
    const echoed = !!trial.secret && [result.stdout, result.stderr, written].some((t) => t.includes(trial.secret as string));
    if (fs.existsSync(path.join(outDir, "dev", "manifests"))) fs.chmodSync(path.join(outDir, "dev", "manifests"), 0o755);
    return {
      trial,
      code: result.code,
      trace: result.code === 70 || TRACE.test(result.stderr) || /plan failed:/.test(result.stderr),
      echoed,
      outChanged: refused && before !== after,
      foreignChanged: (trial.mustKeep ?? []).some((p, i) => snapshot(path.join(root, p)) !== kept[i]),
      firstLine: (result.stderr.split("\n").find((l) => l.trim()) ?? result.stdout.split("\n")[0] ?? "").slice(0, 160),
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Two plans into one out/: the folder must afterwards be exactly one run's output. */
async function concurrentTrial(source: string, realShared: string, timeoutMs: number): Promise<{ interleaved: boolean; detail: string }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "trial-"));
  try {
    const project = path.join(root, "project");
    scratchProject(source, project);
    const env = { FACE_OCR_SHARED_DIR: realShared, FACE_OCR_CACHE_DIR: SESSION_CACHE };
    const variants = [
      ["--config", "api.replicaCount=1"],
      ["--config", "api.replicaCount=2"],
    ];
    const solo = [];
    for (const [i, v] of variants.entries()) {
      await run(project, [...v, "--out", path.join(root, `solo${i}`)], env, timeoutMs);
      solo.push(snapshot(path.join(root, `solo${i}`, "dev")));
    }
    const shared = path.join(root, "out");
    await Promise.all(variants.map((v) => run(project, [...v, "--out", shared], env, timeoutMs)));
    const result = snapshot(path.join(shared, "dev"));
    const interleaved = !solo.includes(result);
    return { interleaved, detail: interleaved ? "out/dev matches neither run alone" : "out/dev is one run's output" };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function pool<T, R>(items: readonly T[], jobs: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]);
      }
    }),
  );
  return results;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      project: { type: "string", default: path.resolve(__dirname, "..") },
      shared: { type: "string" },
      jobs: { type: "string", default: "2" },
      timeout: { type: "string", default: "240" },
      only: { type: "string" },
    },
    strict: true,
  });
  const source = path.resolve(values.project);
  const realShared = path.resolve(values.shared ?? path.join(path.resolve(__dirname, ".."), "..", "shared"));
  const timeoutMs = Number(values.timeout) * 1000;
  const dev = DEV_STACK(source);
  const trials = [...configTrials(dev), ...secretTrials(), ...sharedTrials(), ...outTrials(), ...validTrials()].filter(
    (t) => !values.only || t.kind === values.only,
  );
  process.stdout.write(
    `hardening trials of ${source}: ${trials.length} runs, ${values.jobs} at a time, ${values.timeout}s each at most\n\n`,
  );
  const outcomes = await pool(trials, Number(values.jobs), async (t) => {
    const o = await runTrial(t, source, realShared, timeoutMs);
    const verdict = verdictOf(o);
    const flags = `${o.echoed ? ", SECRET ECHOED" : ""}${o.outChanged ? ", OUT CHANGED" : ""}${o.foreignChanged ? ", FOREIGN FILES CHANGED" : ""}`;
    process.stdout.write(`${verdict.padEnd(9)} ${t.kind.padEnd(6)} ${t.name} (exit ${o.code}${flags}): ${o.firstLine}\n`);
    return o;
  });
  const concurrent = !values.only || values.only === "out" ? await concurrentTrial(source, realShared, timeoutMs) : undefined;

  const refusals = outcomes.filter((o) => !o.trial.accept);
  const count = (pred: (o: Outcome) => boolean, among = refusals) => among.filter(pred).length;
  const valid = outcomes.filter((o) => o.trial.accept);
  const lines = [
    "",
    "Figures",
    `  bad input refused cleanly: ${count((o) => verdictOf(o) === "refused")}/${refusals.length}`,
    `  stack traces: ${count((o) => verdictOf(o) === "trace")}`,
    `  hangs: ${count((o) => verdictOf(o) === "hang")}`,
    `  accepted with exit 0: ${count((o) => verdictOf(o) === "accepted")}`,
    `  secret echoes: ${count((o) => o.echoed, outcomes)} of ${count((o) => o.trial.secret !== undefined, outcomes)} secret trials`,
    `  refused runs that changed out/: ${count((o) => o.outChanged, outcomes)}`,
    `  runs that changed or deleted files the plan did not write: ${count((o) => o.foreignChanged, outcomes)}`,
    ...(concurrent
      ? [`  concurrent plans into one out/: ${concurrent.interleaved ? "interleaved" : "not interleaved"} (${concurrent.detail})`]
      : []),
    `  valid variants (and secrets given the right way) planned with exit 0: ${count((o) => o.code === 0 && !o.trace, valid)}/${valid.length}`,
    "",
    "By kind (refused cleanly / all)",
    ...(["config", "secret", "shared", "out"] as const).map((k) => {
      const of = refusals.filter((o) => o.trial.kind === k);
      return `  ${k.padEnd(7)} ${of.filter((o) => verdictOf(o) === "refused").length}/${of.length}`;
    }),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  fs.rmSync(SESSION_CACHE, { recursive: true, force: true });
  return 0;
}

/** How a run ended; "accepted" is a bad input that planned with exit 0. */
function verdictOf(o: Outcome): "refused" | "trace" | "hang" | "accepted" | "planned" {
  if (o.code === "timeout") return "hang";
  if (o.trace) return "trace";
  if (o.trial.accept) return o.code === 0 ? "planned" : "refused";
  return o.code === 0 ? "accepted" : "refused";
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`trials failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(70);
  },
);
