import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isOpaque, resourceLabel } from "../lib/read";
import { containerScript, globCovers, parseShell, PipInstall, pipInstalls, removals, Requirement } from "../lib/shell";
import { containerSites, podSites } from "../lib/workloads";

export const HEAVY_DEPS_INSTALL_ORDER = "heavy-deps-install-order";

const isOpenCv = (r: Requirement) => r.name.startsWith("opencv-");
const isPaddlePaddle = (r: Requirement) => r.name === "paddlepaddle" || r.name === "paddlepaddle-gpu";
const isPaddleOcr = (r: Requirement) => r.name === "paddleocr";
/** `numpy<2`, `numpy<2.0`, `numpy>=1.24,<2`, `numpy==1.26.4`, `numpy~=1.26`. */
const isNumpyBelow2 = (r: Requirement) =>
  r.name === "numpy" && (/<\s*2(?:\.0)*(?![\d.]*[1-9])/.test(r.spec) || /(?:==|<=|~=)\s*1\./.test(r.spec));
/** Installs that resolve dependencies and so can bring numpy 2.x, protobuf or click back. */
const resolvesDeps = (p: PipInstall) =>
  !p.noDeps && !(p.requirementFiles.length === 0 && p.requirements.length > 0 && p.requirements.every((r) => r.name === "numpy"));

function names(p: PipInstall, pick: (r: Requirement) => boolean): string {
  return p.requirements
    .filter(pick)
    .map((r) => r.text)
    .join(", ");
}

function otherNames(p: PipInstall): string {
  const shown = [...p.requirements.map((r) => r.text), ...p.requirementFiles.map((f) => `-r ${f}`)];
  return shown.join(", ") || "pip install";
}

const REPIN = (target: string) => `pip install --target=${target} --no-cache-dir --upgrade "numpy<2"`;

export function missingNumpyRepinMessage(where: string, cv: PipInstall, target: string): string {
  return (
    `${where} installs OpenCV (${names(cv, isOpenCv)}, line ${cv.line}) but never re-pins numpy<2 after it: OpenCV pulls numpy 2.x and ONNX Runtime crashes with it ` +
    `(deployment guide, "Why Each Fix Exists"). Add \`${REPIN(target)}\` after line ${cv.line}, before the cleanup.`
  );
}

export function numpyRepinBeforeOpenCvMessage(where: string, repin: PipInstall, cv: PipInstall, target: string): string {
  return (
    `${where} re-pins numpy<2 at line ${repin.line}, before OpenCV's install at line ${cv.line} (${names(cv, isOpenCv)}), which pulls numpy 2.x back and ONNX Runtime crashes with it ` +
    `(deployment guide, "Why Each Fix Exists"). Move \`${REPIN(target)}\` after line ${cv.line}.`
  );
}

export function numpyRepinWithoutUpgradeMessage(where: string, repin: PipInstall, target: string): string {
  return (
    `${where} re-pins numpy<2 at line ${repin.line} without --upgrade: pip --target then keeps the numpy 2.x directory OpenCV left in ${target}. ` +
    `Use \`${REPIN(target)}\`.`
  );
}

export function installAfterNumpyRepinMessage(where: string, later: PipInstall, repin: PipInstall): string {
  return (
    `${where} installs ${otherNames(later)} at line ${later.line}, after the numpy<2 re-pin at line ${repin.line}: it can pull numpy 2.x back. ` +
    `Add new packages before the numpy fix and the cleanup (deployment guide, "Adding a New Package").`
  );
}

/** What each conflicting package breaks, and what removing it takes. */
interface Conflict {
  readonly package: "protobuf" | "click";
  readonly brings: (r: Requirement) => boolean;
  /** The module directory that shadows Ray's copy, relative to the install target. */
  readonly module: string;
  readonly why: string;
  readonly rm: (target: string) => string;
}

const CONFLICTS: readonly Conflict[] = [
  {
    package: "protobuf",
    brings: isPaddlePaddle,
    module: "google/protobuf",
    why: "PaddlePaddle installs protobuf 6.x and Ray needs <5.0",
    rm: (t) => `rm -rf ${t}/protobuf* ${t}/google/protobuf* 2>/dev/null || true`,
  },
  {
    package: "click",
    brings: isPaddleOcr,
    module: "click",
    why: "PaddleOCR's click conflicts with the Ray CLI",
    rm: (t) => `rm -rf ${t}/click* 2>/dev/null || true`,
  },
];

export function missingCleanupMessage(where: string, install: PipInstall, conflict: Conflict, target: string): string {
  return (
    `${where} installs ${names(install, conflict.brings)} (line ${install.line}) but never removes ${target}/${conflict.module} after it: ${conflict.why} ` +
    `(deployment guide, "Why Each Fix Exists"). After the last pip install add \`${conflict.rm(target)}\`.`
  );
}

export function cleanupBeforeInstallMessage(
  where: string,
  cleanupLine: number,
  conflict: Conflict,
  target: string,
  later: PipInstall,
): string {
  return (
    `${where} removes ${target}/${conflict.module} at line ${cleanupLine}, before the install at line ${later.line} (${otherNames(later)}), which can bring ${conflict.package} back ` +
    `(${conflict.why}). Move the cleanup after the last pip install.`
  );
}

function checkTarget(where: string, target: string, installs: readonly PipInstall[], script: string, report: (m: string) => void): void {
  const cvs = installs.filter((p) => p.requirements.some(isOpenCv));
  if (cvs.length > 0) {
    const lastCv = cvs[cvs.length - 1];
    const repins = installs.filter((p) => p.requirements.some(isNumpyBelow2));
    const repin = repins.find((p) => p.line > lastCv.line);
    if (!repin) {
      const before = repins.filter((p) => p.line < lastCv.line && p.requirements.length === 1).pop();
      report(before ? numpyRepinBeforeOpenCvMessage(where, before, lastCv, target) : missingNumpyRepinMessage(where, lastCv, target));
    } else {
      if (!repin.upgrade) report(numpyRepinWithoutUpgradeMessage(where, repin, target));
      const later = installs.find((p) => p.line > repin.line && resolvesDeps(p));
      if (later) report(installAfterNumpyRepinMessage(where, later, repin));
    }
  }
  const rms = removals(parseShell(script));
  for (const conflict of CONFLICTS) {
    const install = installs.find((p) => p.requirements.some(conflict.brings));
    if (!install) continue;
    const path = `${target}/${conflict.module}`;
    const covering = rms.filter((rm) => rm.line > install.line && rm.paths.some((p) => globCovers(p, path)));
    if (covering.length === 0) {
      report(missingCleanupMessage(where, install, conflict, target));
      continue;
    }
    const lastRm = covering[covering.length - 1];
    const later = installs.find((p) => p.line > lastRm.line && resolvesDeps(p));
    if (later) report(cleanupBeforeInstallMessage(where, lastRm.line, conflict, target, later));
  }
}

/** The initContainer's install script keeps the guide's fixes in order: numpy<2 after OpenCV, protobuf/click removed after PaddlePaddle. */
export function heavyDepsInstallOrder(): ResourceValidationPolicy {
  return {
    name: HEAVY_DEPS_INSTALL_ORDER,
    description:
      "In an initContainer that pip-installs into a shared directory: numpy<2 is re-pinned (with --upgrade) after OpenCV's install and after every other install; protobuf (brought by PaddlePaddle) and click (brought by PaddleOCR) are removed after the last install.",
    validateResource: (args, reportViolation) => {
      const label = resourceLabel(args.type, args.name);
      for (const pod of podSites(args.type, args.props)) {
        for (const init of containerSites(pod).filter((c) => c.kind === "initContainers")) {
          const script = containerScript(init.container, init.path);
          if (!script || isOpaque(script.text)) continue;
          const installs = pipInstalls(parseShell(script.text));
          const targets = [...new Set(installs.map((p) => p.target).filter((t): t is string => t !== undefined))];
          for (const target of targets) {
            checkTarget(
              `${label} ${script.path} (${init.label} in ${pod.label})`,
              target,
              installs.filter((p) => p.target === target),
              script.text,
              (m) => reportViolation(m),
            );
          }
        }
      }
    },
  };
}
