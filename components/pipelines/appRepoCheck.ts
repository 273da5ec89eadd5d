/**
 * Lockstep for the files the program cannot own: the app repositories'
 * Dockerfile FROM line (or its `ARG RAY_VERSION=` default), the API's
 * `ray[client]==` pin and each repository's azure-pipelines.yaml must agree
 * with the stack's Ray version and the generated pipeline model. Pure
 * functions over file text; `scripts/checkAppRepo.ts` is the command line.
 */
import { DockerfileParser } from "dockerfile-ast";
import * as YAML from "yaml";
import { parseImageRef, parseRayImageTag, RAY_VERSION_PATTERN, rayImageTag } from "../../config/imageRef";
import { RAY_IMAGE_REPOSITORY } from "../../config/rayVersion";
import { AppPipelineModel, RAY_VERSION_VARIABLE } from "./pipelineModel";
import {
  CheckoutReader,
  normalizeProjectName,
  PipRequirement,
  pipInstallRequirements,
  readRequirementsFile,
  RequirementsRead,
} from "./pipRequirements";
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

/** `rayproject/ray`, also behind a registry or a mirror path (`myacr.azurecr.io/dockerhub/rayproject/ray`). */
function isRayImage(image: string): boolean {
  const repository = parseImageRef(image).repository;
  return repository === RAY_IMAGE_REPOSITORY || repository.endsWith(`/${RAY_IMAGE_REPOSITORY}`);
}

/** One build stage: its FROM line (1-based), the image as written and as the pipeline's build resolves it. */
interface Stage {
  readonly line: number;
  readonly raw: string;
  readonly image: string;
  readonly name?: string;
}

/**
 * The GPU worker's Dockerfile must build on `rayproject/ray:<ray>-<py>-<cu>` of
 * the stack: literally, or through `ARG RAY_VERSION` (whose default, if any,
 * must be the stack's version; the pipeline passes the real value). Every Ray
 * stage is checked, and the final stage (the image the pipeline pushes) must
 * be one of them or built on one. A registry prefix or a digest is fine: the
 * tag still names the Ray version.
 */
export function checkWorkerDockerfile(text: string, file: string, expect: RayExpectation): Finding[] {
  const findings: Finding[] = [];
  const expectedTag = rayImageTag({ rayVersion: expect.rayVersion, pythonTag: expect.pythonTag, cudaTag: expect.cudaTag });
  const expectedImage = `${RAY_IMAGE_REPOSITORY}:${expectedTag}`;
  const runs = `stack "${expect.stack}" runs Ray ${expect.rayVersion}`;
  const dockerfile = DockerfileParser.parse(text);
  const firstFrom = dockerfile.getFROMs()[0]?.getRange().start.line ?? Number.POSITIVE_INFINITY;
  // ARGs before the first FROM are the only ones a FROM line can read.
  const globalArgs = new Map<string, string | undefined>();
  for (const arg of dockerfile.getARGs()) {
    const line = arg.getRange().start.line;
    for (const property of arg.getProperties()) {
      const name = property.getName();
      const value = property.getValue() ?? undefined;
      if (line < firstFrom) globalArgs.set(name, value);
      if (name === RAY_VERSION_VARIABLE && value !== undefined && value !== expect.rayVersion) {
        findings.push({
          file,
          line: line + 1,
          message: `ARG ${RAY_VERSION_VARIABLE} defaults to "${value}", but ${runs}; expected ARG ${RAY_VERSION_VARIABLE}=${expect.rayVersion}`,
        });
      }
    }
  }
  // The pipeline passes --build-arg RAY_VERSION=<stack's version>, so that is the value FROM sees in CI;
  // a stale ARG default was reported on its own line above.
  const values = new Map(globalArgs);
  if (globalArgs.has(RAY_VERSION_VARIABLE)) values.set(RAY_VERSION_VARIABLE, expect.rayVersion);
  const stages: Stage[] = [];
  for (const from of dockerfile.getFROMs()) {
    const raw = from.getImage();
    if (raw === null) continue;
    stages.push({ line: from.getRange().start.line + 1, raw, image: expand(raw, values), name: from.getBuildStage()?.toLowerCase() });
  }
  const rayStages = new Set<Stage>();
  for (const stage of stages) {
    if (!isRayImage(stage.image)) continue;
    rayStages.add(stage);
    if (referencesVariable(stage.raw, RAY_VERSION_VARIABLE) && !globalArgs.has(RAY_VERSION_VARIABLE)) {
      findings.push({
        file,
        line: stage.line,
        message: `FROM ${stage.raw} reads \${${RAY_VERSION_VARIABLE}}, but no ARG ${RAY_VERSION_VARIABLE} comes before the first FROM, so the pipeline's build argument never reaches it; add ARG ${RAY_VERSION_VARIABLE}=${expect.rayVersion} above it`,
      });
      continue;
    }
    const ref = parseImageRef(stage.image);
    const plain = `${ref.repository}:${ref.tag ?? ""}`;
    // A Ray image (isRayImage above), also behind a registry or mirror path: only its tag decides.
    if (ref.tag === expectedTag) continue;
    const parts = parseRayImageTag(plain.slice(plain.indexOf(RAY_IMAGE_REPOSITORY)));
    const what =
      parts === undefined
        ? `is not a ${RAY_IMAGE_REPOSITORY}:<ray>-<python>-<cuda> image`
        : parts.rayVersion !== expect.rayVersion
          ? `uses Ray ${parts.rayVersion}, but ${runs}`
          : `has python/CUDA tags ${parts.pythonTag}${parts.cudaTag ? `-${parts.cudaTag}` : ""}, but stack "${expect.stack}" uses ${expect.pythonTag}-${expect.cudaTag}`;
    findings.push({ file, line: stage.line, message: `FROM ${stage.image} ${what}; expected FROM ${expectedImage}` });
  }
  if (rayStages.size === 0) {
    findings.push({ file, message: `no FROM ${RAY_IMAGE_REPOSITORY}:... line; the GPU worker image must build on ${expectedImage}` });
    return findings;
  }
  const final = stages[stages.length - 1];
  if (!buildsOnRay(final, stages, rayStages)) {
    findings.push({
      file,
      line: final.line,
      message: `the final stage (FROM ${final.raw}) is the image the pipeline pushes, and it does not build on ${RAY_IMAGE_REPOSITORY}; make the last stage FROM ${expectedImage} or a stage built on it`,
    });
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
  const dockerfile = DockerfileParser.parse(text);
  const froms = dockerfile.getFROMs();
  const uses = `stack "${expect.stack}" builds the worker on ${base.image} (ray.gpuWorker.heavyDependencies.mode: baseImage)`;
  if (froms.length === 0) findings.push({ file, message: `no FROM line; ${uses}` });
  for (const from of froms) {
    const image = from.getImage();
    if (image !== base.image) {
      const line = from.getRange().start.line + 1;
      findings.push({ file, line, message: `FROM ${image ?? ""} is not the base image; ${uses}; expected FROM ${base.image}` });
    }
  }
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() !== "RUN") continue;
    const line = instruction.getRange().start.line + 1;
    const words = instruction.getArguments().map((a) => a.getValue());
    const installed = new Set(pipInstallRequirements(words, file, line).requirements.map((r) => r.name));
    const again = base.heavyPackages.filter((name) => installed.has(normalizeProjectName(name)));
    if (again.length > 0) {
      findings.push({
        file,
        line,
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

/** Whether a stage is a Ray stage or (through `FROM <stage name>`) built on one. */
function buildsOnRay(stage: Stage, stages: readonly Stage[], rayStages: ReadonlySet<Stage>): boolean {
  let current: Stage | undefined = stage;
  for (let hops = 0; current !== undefined && hops <= stages.length; hops++) {
    if (rayStages.has(current)) return true;
    const parentName = current.image.toLowerCase();
    const index = stages.indexOf(current);
    current = stages
      .slice(0, index)
      .reverse()
      .find((s) => s.name === parentName);
  }
  return false;
}

// ---------------------------------------------------------------- the API's Ray Client pin

/** The message for a `ray` requirement that is not `ray[client]==<the stack's Ray>`; undefined when it is. */
function rayClientPinProblem(r: PipRequirement, expect: RayExpectation): string | undefined {
  const expected = `ray[client]==${expect.rayVersion}`;
  if (!r.extras.includes("client")) return `${r.text} has no [client] extra; the API connects through Ray Client and needs ${expected}`;
  const [only, ...more] = r.specifiers;
  const exact = only !== undefined && more.length === 0 && (only.operator === "==" || only.operator === "===");
  if (!exact || only.version === undefined || !RAY_VERSION_PATTERN.test(only.version)) {
    return `${r.text} does not pin one exact Ray version; expected ${expected}`;
  }
  if (only.version !== expect.rayVersion)
    return `${r.text} pins Ray ${only.version}, but stack "${expect.stack}" runs Ray ${expect.rayVersion}; expected ${expected}`;
  return undefined;
}

function rayPinFindings(read: RequirementsRead, expect: RayExpectation): Finding[] {
  const findings: Finding[] = read.problems.map((p) => ({ ...p }));
  for (const r of read.requirements) {
    if (r.name !== "ray") continue;
    const message = rayClientPinProblem(r, expect);
    if (message !== undefined) findings.push({ file: r.file, line: r.line, message });
  }
  return findings;
}

/** Where the API's requirements live in its repository. */
export const API_REQUIREMENTS = "requirements.txt";

/** How to read and name the other files of a checkout (the files requirements.txt includes). */
export interface Checkout {
  readonly read: CheckoutReader;
  readonly display: (relativePath: string) => string;
}

const NO_OTHER_FILES: Checkout = { read: () => undefined, display: (p) => p };

/**
 * The API's requirements.txt (and the files it includes with `-r`) must pin `ray[client]==<the stack's Ray>`
 * exactly; `===` and hash-pinned lines count.
 */
export function checkApiRequirements(text: string, file: string, expect: RayExpectation, checkout: Checkout = NO_OTHER_FILES): Finding[] {
  const read = (p: string) => (p === API_REQUIREMENTS ? text : checkout.read(p));
  const display = (p: string) => (p === API_REQUIREMENTS ? file : checkout.display(p));
  const parsed = readRequirementsFile(API_REQUIREMENTS, read, display);
  const findings = rayPinFindings(parsed, expect);
  if (!parsed.requirements.some((r) => r.name === "ray")) {
    findings.push({
      file,
      message: `no ray[client] requirement; the API connects through Ray Client and must pin ray[client]==${expect.rayVersion}`,
    });
  }
  return findings;
}

/** A `pip install` of Ray in the API's Dockerfile must pin the same `ray[client]==<version>` as requirements.txt. */
export function checkApiDockerfile(text: string, file: string, expect: RayExpectation): Finding[] {
  const findings: Finding[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction.getKeyword() !== "RUN") continue;
    const words = instruction.getArguments().map((a) => a.getValue());
    findings.push(...rayPinFindings(pipInstallRequirements(words, file, instruction.getRange().start.line + 1), expect));
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
export type RepoReader = CheckoutReader;

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
  if (app.kind === "api") {
    withFile(API_REQUIREMENTS, (text, file) => checkApiRequirements(text, file, expect, { read, display }));
    withFile(app.dockerfile, (text, file) => checkApiDockerfile(text, file, expect));
  }
  return findings;
}
