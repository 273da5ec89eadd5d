/**
 * Lockstep for the files the program cannot own: the app repositories'
 * Dockerfile FROM line (or its `ARG RAY_VERSION=` default), the API's
 * `ray[client]==` pin and each repository's azure-pipelines.yaml must agree
 * with the stack's Ray version and the generated pipeline model. Pure
 * functions over file text; `scripts/checkAppRepo.ts` is the command line.
 */
import * as YAML from "yaml";
import { parseRayImageTag, RAY_VERSION_PATTERN, rayImageTag } from "../../config/imageRef";
import { RAY_IMAGE_REPOSITORY } from "../../config/rayVersion";
import { AppPipelineModel, RAY_VERSION_VARIABLE } from "./pipelineModel";
import { appPipelineDocument } from "./pipelineYaml";

export interface Finding {
  /** The file as the caller named it, e.g. `../face-ocr-worker/Dockerfile`. */
  readonly file: string;
  /** 1-based line, when the problem sits on one. */
  readonly line?: number;
  readonly message: string;
}

/** What the stack expects of the Ray images and pins. */
export interface RayExpectation {
  readonly stack: string;
  readonly rayVersion: string;
  readonly pythonTag: string;
  readonly cudaTag: string;
  /** In base-image mode: the base the worker builds FROM, its generated Dockerfile, and the packages only it installs. */
  readonly workerBase?: { readonly image: string; readonly dockerfile: string; readonly heavyPackages: readonly string[] };
}

export function formatFinding(f: Finding): string {
  return f.line !== undefined ? `${f.file}:${f.line}: ${f.message}` : `${f.file}: ${f.message}`;
}

// ---------------------------------------------------------------- Dockerfile

interface Instruction {
  readonly line: number;
  readonly keyword: string;
  readonly args: string;
}

/** Instructions with their first line; continuation lines joined, comments and blank lines skipped. */
function dockerInstructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  const out: Instruction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i];
    if (/^\s*(#|$)/.test(first)) continue;
    let joined = first;
    const start = i + 1;
    while (/\\\s*$/.test(joined) && i + 1 < lines.length) {
      joined = joined.replace(/\\\s*$/, " ");
      i++;
      if (!/^\s*#/.test(lines[i])) joined += lines[i];
    }
    const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(joined);
    if (match) out.push({ line: start, keyword: match[1].toUpperCase(), args: match[2].trim() });
  }
  return out;
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/** `ARG A=1 B` to [["A", "1"], ["B", undefined]]. */
function argDeclarations(args: string): [string, string | undefined][] {
  return args
    .split(/\s+/)
    .filter(Boolean)
    .map((token) => {
      const eq = token.indexOf("=");
      return eq < 0 ? [token, undefined] : [token.slice(0, eq), unquote(token.slice(eq + 1))];
    });
}

const VARIABLE_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[-+]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

function expand(text: string, values: ReadonlyMap<string, string | undefined>): string {
  return text.replace(VARIABLE_REFERENCE, (_, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare) as string;
    return values.get(name) ?? fallback ?? "";
  });
}

function referencesVariable(text: string, name: string): boolean {
  return [...text.matchAll(VARIABLE_REFERENCE)].some((m) => (m[1] ?? m[3]) === name);
}

/** The image of a FROM instruction, without `--platform=` flags and the `AS name` suffix. */
function fromImage(args: string): string | undefined {
  return args.split(/\s+/).find((token) => token !== "" && !token.startsWith("--"));
}

/**
 * The GPU worker's Dockerfile must build on `rayproject/ray:<ray>-<py>-<cu>` of
 * the stack: literally, or through `ARG RAY_VERSION` (whose default, if any,
 * must be the stack's version; the pipeline passes the real value).
 */
export function checkWorkerDockerfile(text: string, file: string, expect: RayExpectation): Finding[] {
  const findings: Finding[] = [];
  const expectedTag = rayImageTag({ rayVersion: expect.rayVersion, pythonTag: expect.pythonTag, cudaTag: expect.cudaTag });
  const expectedImage = `${RAY_IMAGE_REPOSITORY}:${expectedTag}`;
  const runs = `stack "${expect.stack}" runs Ray ${expect.rayVersion}`;
  const instructions = dockerInstructions(text);
  // ARGs before the first FROM are the only ones a FROM line can read.
  const globalArgs = new Map<string, string | undefined>();
  let seenFrom = false;
  let rayFroms = 0;
  for (const ins of instructions) {
    if (ins.keyword === "ARG") {
      for (const [name, value] of argDeclarations(ins.args)) {
        if (!seenFrom) globalArgs.set(name, value);
        if (name === RAY_VERSION_VARIABLE && value !== undefined && value !== expect.rayVersion) {
          findings.push({
            file,
            line: ins.line,
            message: `ARG ${RAY_VERSION_VARIABLE} defaults to "${value}", but ${runs}; expected ARG ${RAY_VERSION_VARIABLE}=${expect.rayVersion}`,
          });
        }
      }
      continue;
    }
    if (ins.keyword !== "FROM") continue;
    seenFrom = true;
    const raw = fromImage(ins.args);
    if (raw === undefined) continue;
    // The pipeline passes --build-arg RAY_VERSION=<stack's version>, so that is the value FROM sees in CI;
    // a stale ARG default was reported on its own line above.
    const values = new Map(globalArgs);
    if (globalArgs.has(RAY_VERSION_VARIABLE)) values.set(RAY_VERSION_VARIABLE, expect.rayVersion);
    const image = expand(raw, values);
    if (!image.startsWith(`${RAY_IMAGE_REPOSITORY}:`) && image !== RAY_IMAGE_REPOSITORY) continue;
    rayFroms++;
    if (referencesVariable(raw, RAY_VERSION_VARIABLE) && !globalArgs.has(RAY_VERSION_VARIABLE)) {
      findings.push({
        file,
        line: ins.line,
        message: `FROM ${raw} reads \${${RAY_VERSION_VARIABLE}}, but no ARG ${RAY_VERSION_VARIABLE} comes before the first FROM, so the pipeline's build argument never reaches it; add ARG ${RAY_VERSION_VARIABLE}=${expect.rayVersion} above it`,
      });
      continue;
    }
    if (image === expectedImage) continue;
    const parts = parseRayImageTag(image);
    const what =
      parts === undefined
        ? `is not a ${RAY_IMAGE_REPOSITORY}:<ray>-<python>-<cuda> image`
        : parts.rayVersion !== expect.rayVersion
          ? `uses Ray ${parts.rayVersion}, but ${runs}`
          : `has python/CUDA tags ${parts.pythonTag}${parts.cudaTag ? `-${parts.cudaTag}` : ""}, but stack "${expect.stack}" uses ${expect.pythonTag}-${expect.cudaTag}`;
    findings.push({ file, line: ins.line, message: `FROM ${image} ${what}; expected FROM ${expectedImage}` });
  }
  if (rayFroms === 0) {
    findings.push({ file, message: `no FROM ${RAY_IMAGE_REPOSITORY}:... line; the GPU worker image must build on ${expectedImage}` });
  }
  return findings;
}

/**
 * In base-image mode the worker builds FROM the stack's face-ocr-worker-base
 * tag, literally (the tag is a content hash, so a stale FROM is a stale set of
 * heavy dependencies), and installs none of them again: a second copy would
 * shadow the base's, pinned and fixed, or drag numpy 2 back.
 */
export function checkWorkerDockerfileOnBase(text: string, file: string, expect: RayExpectation): Finding[] {
  const base = expect.workerBase;
  if (!base) return checkWorkerDockerfile(text, file, expect);
  const findings: Finding[] = [];
  const instructions = dockerInstructions(text);
  const froms = instructions.filter((i) => i.keyword === "FROM");
  const uses = `stack "${expect.stack}" builds the worker on ${base.image} (ray.gpuWorker.heavyDependencies.mode: baseImage)`;
  if (froms.length === 0) findings.push({ file, message: `no FROM line; ${uses}` });
  for (const from of froms) {
    const image = fromImage(from.args);
    if (image !== base.image)
      findings.push({ file, line: from.line, message: `FROM ${image ?? ""} is not the base image; ${uses}; expected FROM ${base.image}` });
  }
  for (const ins of instructions.filter((i) => i.keyword === "RUN" && /\bpip3?\s+install\b/.test(i.args))) {
    const words = ins.args.split(/\s+/).map((w) => unquote(w).toLowerCase());
    const again = base.heavyPackages.filter((name) =>
      words.some((w) => w === name || new RegExp(`^${name.replace(/[.]/g, "\\.")}\\s*(\\[|[<>=!~;])`).test(w)),
    );
    if (again.length > 0) {
      findings.push({
        file,
        line: ins.line,
        message: `installs ${again.join(", ")} again, which the base image already holds pinned and fixed; remove ${again.length === 1 ? "it" : "them"} from this RUN`,
      });
    }
  }
  return findings;
}

/** base/Dockerfile must be the generated one, byte for byte: its tag names exactly that content. */
export function checkWorkerBaseDockerfile(text: string, file: string, expect: RayExpectation): Finding[] {
  if (!expect.workerBase) return [];
  if (text === expect.workerBase.dockerfile) return [];
  const ours = expect.workerBase.dockerfile.split("\n");
  const theirs = text.split("\n");
  const line = ours.findIndex((l, i) => l !== theirs[i]) + 1 || Math.min(ours.length, theirs.length) + 1;
  return [
    {
      file,
      line,
      message: `differs from the base Dockerfile stack "${expect.stack}" generates (its tag is a hash of that content); copy out/${expect.stack}/app-repos/face-ocr-worker/base/Dockerfile from \`npm run plan\` unchanged`,
    },
  ];
}

// ---------------------------------------------------------------- requirements.txt

/** PEP 503 name normalisation. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** The API's requirements.txt must pin `ray[client]==<the stack's Ray>` exactly. */
export function checkApiRequirements(text: string, file: string, expect: RayExpectation): Finding[] {
  const findings: Finding[] = [];
  const expected = `ray[client]==${expect.rayVersion}`;
  const runs = `stack "${expect.stack}" runs Ray ${expect.rayVersion}`;
  let found = 0;
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.replace(/(^|\s)#.*$/, "").trim();
    if (line === "" || line.startsWith("-")) return;
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*([^;]*?)\s*(?:;.*)?$/.exec(line);
    if (!match || normalizeName(match[1]) !== "ray") return;
    found++;
    const extras = (match[2] ?? "").split(",").map((e) => normalizeName(e.trim()));
    const spec = match[3].replace(/\s+/g, "");
    const at = { file, line: index + 1 };
    if (!extras.includes("client")) {
      findings.push({ ...at, message: `${line} has no [client] extra; the API connects through Ray Client and needs ${expected}` });
      return;
    }
    const pin = /^==([^,=]+)$/.exec(spec);
    if (!pin || !RAY_VERSION_PATTERN.test(pin[1])) {
      findings.push({ ...at, message: `${line} does not pin one exact Ray version; expected ${expected}` });
    } else if (pin[1] !== expect.rayVersion) {
      findings.push({ ...at, message: `${line} pins Ray ${pin[1]}, but ${runs}; expected ${expected}` });
    }
  });
  if (found === 0) {
    findings.push({ file, message: `no ray[client] requirement; the API connects through Ray Client and must pin ${expected}` });
  }
  return findings;
}

// ---------------------------------------------------------------- azure-pipelines.yaml

type Path = (string | number)[];

function formatPath(path: Path): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out === "" ? seg : `.${seg}`;
  return out || "(document)";
}

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
}

/** Line of the deepest node along `path` (a map key's own line where there is one). */
function lineOf(doc: YAML.Document, counter: YAML.LineCounter, path: Path): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = YAML.isNode(node) ? node.range?.[0] : undefined;
  for (const seg of path) {
    if (YAML.isMap(node)) {
      const pair = node.items.find((p) => YAML.isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      if (YAML.isNode(pair.key) && pair.key.range) offset = pair.key.range[0];
      node = pair.value;
    } else if (YAML.isSeq(node) && typeof seg === "number" && seg < node.items.length) {
      node = node.items[seg];
      if (YAML.isNode(node) && node.range) offset = node.range[0];
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : counter.linePos(offset).line;
}

/** `variables` may be written as a list of `{name, value}`; compare it as the mapping the generator writes. */
function normalizeVariables(doc: Record<string, unknown>): Record<string, unknown> {
  const vars = doc.variables;
  if (!Array.isArray(vars) || !vars.every((v) => v && typeof v === "object" && "name" in v && "value" in v && Object.keys(v).length === 2))
    return doc;
  return { ...doc, variables: Object.fromEntries(vars.map((v: { name: unknown; value: unknown }) => [String(v.name), v.value])) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

function diff(actual: unknown, expected: unknown, path: Path, out: { path: Path; message: string }[]): void {
  if (isRecord(expected)) {
    if (!isRecord(actual)) {
      out.push({ path, message: `${formatPath(path)} is ${show(actual)}; expected a mapping` });
      return;
    }
    for (const key of Object.keys(expected)) {
      if (!(key in actual)) out.push({ path, message: `${formatPath([...path, key])} is missing; expected ${show(expected[key])}` });
      else diff(actual[key], expected[key], [...path, key], out);
    }
    for (const key of Object.keys(actual)) {
      if (!(key in expected)) out.push({ path: [...path, key], message: `${formatPath([...path, key])} is not in the generated pipeline` });
    }
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      out.push({ path, message: `${formatPath(path)} is ${show(actual)}; expected ${show(expected)}` });
      return;
    }
    if (expected.every((e) => !isRecord(e) && !Array.isArray(e))) {
      if (actual.length !== expected.length || actual.some((a, i) => String(a) !== String(expected[i]))) {
        out.push({ path, message: `${formatPath(path)} is ${show(actual)}; expected ${show(expected)}` });
      }
      return;
    }
    expected.forEach((e, i) => {
      if (i >= actual.length) out.push({ path, message: `${formatPath([...path, i])} is missing; expected ${show(e)}` });
      else diff(actual[i], e, [...path, i], out);
    });
    for (let i = expected.length; i < actual.length; i++) {
      out.push({ path: [...path, i], message: `${formatPath([...path, i])} is not in the generated pipeline` });
    }
    return;
  }
  if (isRecord(actual) || Array.isArray(actual) || String(actual) !== String(expected)) {
    out.push({ path, message: `${formatPath(path)} is ${show(actual)}; expected ${show(expected)}` });
  }
}

/** The repository's pipeline file must be what the generator writes for this stack (comments and quoting aside). */
export function checkPipelineYaml(
  text: string,
  file: string,
  app: AppPipelineModel,
  expect: Pick<RayExpectation, "stack" | "rayVersion">,
): Finding[] {
  const counter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    return [{ file, line: counter.linePos(err.pos[0]).line, message: `not valid YAML: ${err.message.split("\n")[0]}` }];
  }
  const actual = doc.toJS() as unknown;
  if (!isRecord(actual)) return [{ file, line: 1, message: "expected a pipeline mapping (trigger, variables, resources, extends)" }];
  const differences: { path: Path; message: string }[] = [];
  diff(normalizeVariables(actual), appPipelineDocument(app), [], differences);
  return differences.map(({ path, message }) => {
    const rayNote =
      path.length === 2 && path[0] === "variables" && path[1] === RAY_VERSION_VARIABLE
        ? ` (stack "${expect.stack}" runs Ray ${expect.rayVersion}; the build passes it to the Dockerfile as --build-arg)`
        : "";
    return { file, line: lineOf(doc, counter, path), message: `${message}${rayNote}` };
  });
}

// ---------------------------------------------------------------- one repository

/** Reads a file of the repository by relative path; undefined when it does not exist. */
export type RepoReader = (relativePath: string) => string | undefined;

/**
 * Every lockstep check for one app repository checkout: its pipeline file,
 * plus the worker's Dockerfile or the API's requirements.txt. `display` turns
 * a relative path into the name findings use.
 */
export function checkAppRepo(
  app: AppPipelineModel,
  expect: RayExpectation,
  read: RepoReader,
  display: (relativePath: string) => string,
): Finding[] {
  const findings: Finding[] = [];
  const withFile = (relativePath: string, check: (text: string, file: string) => Finding[]) => {
    const text = read(relativePath);
    if (text === undefined) findings.push({ file: display(relativePath), message: "not found" });
    else findings.push(...check(text, display(relativePath)));
  };
  withFile(app.yamlPath, (text, file) => checkPipelineYaml(text, file, app, expect));
  if (app.kind === "worker") withFile(app.dockerfile, (text, file) => checkWorkerDockerfileOnBase(text, file, expect));
  if (app.kind === "worker-base") withFile(app.dockerfile, (text, file) => checkWorkerBaseDockerfile(text, file, expect));
  if (app.kind === "api") withFile("requirements.txt", (text, file) => checkApiRequirements(text, file, expect));
  return findings;
}
