/**
 * The bash script of the `install-heavy-deps` initContainer, generated from
 * the install steps (heavyDependencies.ts) and the model list (models.ts).
 *
 * Order, always: the install steps as listed; then the fixes the steps call
 * for (the numpy re-pin, then the removal of Ray-conflicting packages), after
 * every install because any later `pip install` could bring the bad version
 * back; then the import checks; then the model downloads, each skipped when
 * its file is already on the volume, each written to a `.part-$HOSTNAME` file
 * first, which is removed if the script fails.
 *
 * Every requirement, path and URL goes through {@link shellQuote}, so a
 * specifier such as `easyocr>=1.7.0` reaches pip whole instead of being read by
 * the shell as a redirect to a file named `=1.7.0`.
 */
import {
  ImportCheck,
  InstallStep,
  NUMPY_PIN,
  RAY_CONFLICT_PATHS,
  RayConflict,
  Requirement,
  requirementSpec,
  sideEffectsOf,
} from "./heavyDependencies";
import {
  DOWNLOAD_URL_PATTERN,
  INDEX_URL_PATTERN,
  PIP_PROJECT_PATTERN,
  PIP_VERSION_PATTERN,
  PLAIN_FILE_NAME_PATTERN,
  SHELL_SAFE_ABSOLUTE_PATH_PATTERN,
} from "../../config/sections/shellSafe";
import { MODEL_DOWNLOADS, ModelDownload } from "./models";
import { MODEL_CACHE_DIR, SHARED_PACKAGES_DIR } from "./volumes";

export interface InstallScriptInputs {
  readonly steps: readonly InstallStep[];
  readonly models: readonly ModelDownload[];
  /** `pip install --target` directory. */
  readonly target: string;
  /** Directory the models are downloaded to. */
  readonly modelDir: string;
}

/** The inputs the GPU worker group renders with: these steps (heavyDependencies(cudaTag)), the known models, the volumes' mounts. */
export function installScriptInputs(steps: readonly InstallStep[]): InstallScriptInputs {
  return { steps, models: MODEL_DOWNLOADS, target: SHARED_PACKAGES_DIR, modelDir: MODEL_CACHE_DIR };
}

/**
 * A partial download older than this (minutes since its last write) is left over from a pod that was killed
 * mid-download; younger ones may belong to a replica downloading right now on the shared volume.
 */
export const STALE_PART_MINUTES = 60;

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A word bash passes through unchanged: bare when it has no special characters, else single-quoted. */
export function shellQuote(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function checkRequirement(r: Requirement): void {
  if (!PIP_PROJECT_PATTERN.test(r.name)) throw new Error(`heavy dependency "${r.name}" is not a valid PyPI project name`);
  if (r.version !== undefined && !PIP_VERSION_PATTERN.test(r.version)) {
    throw new Error(
      `heavy dependency "${r.name}": "${r.version}" is not a PEP 440 version specifier such as ">=1.7.0" or ">=2.7.0,<3.0.0"`,
    );
  }
}

function checkPath(what: string, path: string): void {
  if (!SHELL_SAFE_ABSOLUTE_PATH_PATTERN.test(path))
    throw new Error(`${what} "${path}" must be an absolute path of letters, digits, "_", ".", "-" and "/", without "." or ".." segments`);
}

/** `pip install --target=... --no-cache-dir [--upgrade]` followed by its arguments. */
function pipInstall(target: string, args: readonly string[], upgrade = false): string[] {
  const head = `pip install --target=${shellQuote(target)} --no-cache-dir${upgrade ? " --upgrade" : ""}`;
  return upgrade ? [`${head} ${args.join(" ")}`] : [`${head} \\`, `  ${args.join(" ")}`];
}

interface Fixes {
  /** Why numpy must be re-pinned, one reason per triggering step; empty when no step pulls numpy 2. */
  readonly numpyReasons: string[];
  /** Ray conflicts to remove, in the order the steps introduce them, with why. */
  readonly conflicts: { readonly package: RayConflict; readonly why: string }[];
}

/** The fixes the steps call for, derived from their side effects. */
export function fixesFor(steps: readonly InstallStep[]): Fixes {
  const numpyReasons: string[] = [];
  const conflicts: { package: RayConflict; why: string }[] = [];
  for (const step of steps) {
    for (const effect of sideEffectsOf(step)) {
      if (effect.kind === "pulls-numpy-2") {
        if (!numpyReasons.includes(effect.why)) numpyReasons.push(effect.why);
      } else if (!conflicts.some((c) => c.package === effect.package)) {
        conflicts.push({ package: effect.package, why: effect.why });
      }
    }
  }
  return { numpyReasons, conflicts };
}

/** Checks every requirement, path and import check of the steps; throws on anything the shell could misread. */
export function checkSteps(steps: readonly InstallStep[], target: string): void {
  checkPath("install target", target);
  for (const step of steps) step.requirements.forEach(checkRequirement);
  for (const c of steps.flatMap((s) => s.importChecks ?? [])) {
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(c.module) || /["'\\$`]/.test(c.label))
      throw new Error(`import check "${c.module}" has an unsafe module name or label`);
  }
}

/** The shell-quoted arguments of a step's pip install: its requirements, then its index. */
export function stepArguments(step: InstallStep): string[] {
  const args = step.requirements.map((r) => shellQuote(requirementSpec(r)));
  if (step.indexUrl) {
    if (!INDEX_URL_PATTERN.test(step.indexUrl)) throw new Error(`step "${step.title}": "${step.indexUrl}" is not an https index URL`);
    args.push("--index-url", shellQuote(step.indexUrl));
  }
  return args;
}

/** `pip install --target=<target> --no-cache-dir --upgrade <numpy>`: the re-pin after every install. */
export function numpyRepinCommand(target: string, numpy: Requirement = NUMPY_PIN): string {
  return pipInstall(target, [shellQuote(requirementSpec(numpy))], true)[0];
}

/** The `rm -rf` of one Ray conflict's paths under the target. */
export function conflictRemovalCommand(conflict: RayConflict, target: string): string {
  const paths = RAY_CONFLICT_PATHS[conflict].map((glob) => `${target}/${glob}`);
  paths.forEach((p) => checkPath(`${conflict} cleanup path`, p.replace(/\*/g, "")));
  return `rm -rf ${paths.join(" ")} 2>/dev/null || true`;
}

/** `python -c "import torch; print('PyTorch:', torch.__version__)"`, optional ones falling back to a note. */
export function importCheckCommand(c: ImportCheck): string {
  const command = `python -c "import ${c.module}; print('${c.label}:', ${c.module}.__version__)"`;
  return c.optional ? `${command} || echo "${c.module} skipped"` : command;
}

/**
 * The model downloads: each skipped when its file is already on the volume,
 * each written to a `.part-$HOSTNAME` file first, which is removed however the
 * script ends. Empty for no models.
 */
export function modelDownloadLines(models: readonly ModelDownload[], modelDir: string): string[] {
  checkPath("model directory", modelDir);
  if (models.length === 0) return [];
  const lines = [
    "# Download models to the model cache (each skipped when already present)",
    `mkdir -p ${shellQuote(modelDir)}`,
    // checkPath keeps modelDir free of quotes and spaces, so it can stand inside the trap's single quotes.
    "# Partial downloads must not fill the volume: this pod's are removed however the script ends (set -e stops it",
    `# at a failed wget); those of killed pods once untouched for ${STALE_PART_MINUTES} minutes (a younger one may be a replica's, in progress).`,
    `trap 'rm -f ${modelDir}/*.part-"$HOSTNAME"' EXIT`,
    `find ${modelDir} -maxdepth 1 -name '*.part-*' -mmin +${STALE_PART_MINUTES} -delete 2>/dev/null || true`,
  ];
  for (const m of models) {
    if (!/^[A-Za-z0-9 _.-]+$/.test(m.name)) throw new Error(`model name "${m.name}" must be letters, digits, spaces, "_", "." and "-"`);
    if (!PLAIN_FILE_NAME_PATTERN.test(m.file)) throw new Error(`model file "${m.file}" must be a plain file name`);
    if (!DOWNLOAD_URL_PATTERN.test(m.url)) throw new Error(`model ${m.name}: "${m.url}" is not an https URL`);
    const file = `${modelDir}/${m.file}`;
    // Download beside the final name and rename: an interrupted download never looks like a present model,
    // and replicas starting together on the shared volume do not write the same file.
    const part = `"${file}.part-$HOSTNAME"`;
    lines.push(
      `if [ -f ${file} ]; then`,
      `  echo "${m.name} already in ${modelDir}"`,
      "else",
      `  echo "Downloading ${m.name}"`,
      `  wget -q -O ${part} ${shellQuote(m.url)}`,
      `  mv ${part} ${file}`,
      "fi",
    );
  }
  return lines;
}

/** The initContainer's script; ends with a newline. */
export function installScript(inputs: InstallScriptInputs): string {
  const { steps, models, target, modelDir } = inputs;
  checkSteps(steps, target);
  checkPath("model directory", modelDir);

  const fixes = fixesFor(steps);
  const total = steps.length + (fixes.numpyReasons.length > 0 ? 1 : 0);
  const lines: string[] = ["set -e", 'echo "=== Installing heavy ML dependencies ==="'];

  steps.forEach((step, i) => {
    lines.push("", `# [${i + 1}/${total}] ${step.title}`);
    for (const r of step.requirements) if (r.why) lines.push(`#   ${requirementSpec(r)}: ${r.why}`);
    lines.push(...pipInstall(target, stepArguments(step)));
  });

  if (fixes.numpyReasons.length > 0) {
    lines.push(
      "",
      `# [${total}/${total}] Re-pin ${requirementSpec(NUMPY_PIN)} after every install (${fixes.numpyReasons.join("; ")})`,
      numpyRepinCommand(target),
    );
  }

  if (fixes.conflicts.length > 0) {
    lines.push("", "# Remove packages that shadow the versions Ray needs");
    for (const c of fixes.conflicts) lines.push(`# ${c.package}: ${c.why}`, conflictRemovalCommand(c.package, target));
  }

  const checks = steps.flatMap((s) => s.importChecks ?? []);
  if (checks.length > 0) {
    lines.push("", "# Verify", `export PYTHONPATH=${shellQuote(target)}`, ...checks.map(importCheckCommand));
  }

  const downloads = modelDownloadLines(models, modelDir);
  if (downloads.length > 0) lines.push("", ...downloads);

  lines.push("", 'echo "=== Done ==="');
  return `${lines.join("\n")}\n`;
}

/** The script of the small initContainer that only downloads the models (base-image mode); ends with a newline. */
export function modelDownloadScript(models: readonly ModelDownload[], modelDir: string): string {
  return ["set -e", ...modelDownloadLines(models, modelDir), 'echo "=== Models ready ==="'].join("\n") + "\n";
}
