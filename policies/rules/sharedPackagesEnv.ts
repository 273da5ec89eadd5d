import type { ResourceValidationPolicy } from "@pulumi/policy";
import { parseQuantity } from "../lib/quantity";
import { get, isOpaque, items, pathJoin, resourceLabel, str } from "../lib/read";
import { containerScript, parseShell, pipInstalls } from "../lib/shell";
import { ContainerSite, containerSites, mountPathOf, podSites, volumeAt } from "../lib/workloads";

export const SHARED_PACKAGES_ENV = "shared-packages-env";

const ONNX_GPU = "onnxruntime-gpu";

export function targetNotMountedMessage(where: string, target: string): string {
  return (
    `${where} installs ${ONNX_GPU} into ${target}, which is not a volume mount of the initContainer: the packages vanish when it exits. ` +
    `Mount the shared emptyDir (python-packages) at ${target} in the initContainer and in the Ray container.`
  );
}

export function volumeNotMountedMessage(where: string, init: string, volume: string, target: string): string {
  return (
    `${where}: ${init} installs ${ONNX_GPU} into volume "${volume}" (${target}) but no container mounts that volume, so the worker never sees the packages. ` +
    `Mount "${volume}" at ${target} in the Ray container.`
  );
}

export function missingLdLibraryPathMessage(where: string, init: string, dir: string, current: string | undefined): string {
  return (
    `${where} LD_LIBRARY_PATH ${current === undefined ? "is not set, so it lacks" : `("${current}") has no entry`} "${dir}/nvidia/cudnn/lib", but ${init} installs ${ONNX_GPU} and cuDNN 9 into ${dir}: ` +
    `ONNX Runtime can't load cuDNN and silently runs on CPU (deployment guide, Troubleshooting: "ONNX on CPU not GPU"). ` +
    `Set LD_LIBRARY_PATH to "${dir}/nvidia/cudnn/lib:${dir}/nvidia/cuda_runtime/lib".`
  );
}

export function missingPythonPathMessage(where: string, init: string, dir: string, current: string | undefined): string {
  return (
    `${where} PYTHONPATH ${current === undefined ? "is not set, so it lacks" : `("${current}") has no entry`} "${dir}", but ${init} installs the heavy packages into ${dir}: ` +
    `the worker can't import them (deployment guide, "Environment Variables on GPU Worker"). Set PYTHONPATH to "${dir}:/app".`
  );
}

/** The heavy packages take ~4-5 GB (deployment guide, "Init Container"); below this the kubelet evicts the pod mid-install. */
export const MIN_SHARED_PACKAGES_SIZE = "6Gi";

export function packagesVolumeTooSmallMessage(where: string, init: string, sizeLimit: string, target: string): string {
  return (
    `${where} is ${sizeLimit}, but ${init} installs ${ONNX_GPU} and the other heavy packages (~4-5 GB) into it at ${target}: ` +
    `the kubelet evicts the pod once the emptyDir outgrows its limit, so the worker never starts. ` +
    `Set it to at least ${MIN_SHARED_PACKAGES_SIZE} (this project: \`pulumi config set --path ray.gpuWorker.sharedPackagesSizeLimit 10Gi\`).`
  );
}

export function unfilledPathMessage(where: string, name: string, entry: string, volume: string): string {
  return (
    `${where} ${name} names ${entry}, on emptyDir volume "${volume}", which no initContainer fills: it is empty when the container starts, ` +
    `so nothing is found there, and it hides whatever the image has at that path (a base image's packages). ` +
    `With the packages in the image, point ${name} at the image's directory and drop the volume (ray.gpuWorker.heavyDependencies.mode: baseImage does both); ` +
    `otherwise install into the volume from an initContainer.`
  );
}

const PACKAGE_PATH_VARIABLES = ["PYTHONPATH", "LD_LIBRARY_PATH"] as const;

/** Volumes of the pod that are emptyDirs, by name. */
function emptyDirs(spec: unknown): Set<string> {
  return new Set(
    items(get(spec, "volumes"))
      .filter((v) => get(v, "emptyDir") !== undefined)
      .map((v) => str(get(v, "name")))
      .filter((n): n is string => n !== undefined),
  );
}

function envVar(container: unknown, name: string): { index: number; value: unknown; fromRef: boolean } | undefined {
  const env = items(get(container, "env"));
  for (let i = env.length - 1; i >= 0; i--) {
    if (str(get(env[i], "name")) === name)
      return { index: i, value: get(env[i], "value"), fromRef: get(env[i], "valueFrom") !== undefined };
  }
  return undefined;
}

function hasEntry(value: string, dir: string): boolean {
  const norm = (p: string) => p.trim().replace(/\/+$/, "");
  return value.split(":").some((e) => norm(e) === norm(dir));
}

/** A worker whose initContainer installs onnxruntime-gpu into a shared directory can load it: PYTHONPATH and the cuDNN library path. */
export function sharedPackagesEnv(): ResourceValidationPolicy {
  return {
    name: SHARED_PACKAGES_ENV,
    description: `When an initContainer installs ${ONNX_GPU} into a shared volume (/shared-packages), the containers that mount it have <dir> on PYTHONPATH and <dir>/nvidia/cudnn/lib on LD_LIBRARY_PATH, and the volume's emptyDir sizeLimit holds the install (at least ${MIN_SHARED_PACKAGES_SIZE}); with the packages in the image instead (base-image mode), no PYTHONPATH or LD_LIBRARY_PATH entry lies on an emptyDir that no initContainer fills.`,
    validateResource: (args, reportViolation) => {
      const label = resourceLabel(args.type, args.name);
      for (const pod of podSites(args.type, args.props)) {
        const sites = containerSites(pod);
        const mains = sites.filter((c) => c.kind === "containers");
        const inits = sites.filter((c) => c.kind === "initContainers");
        const empty = emptyDirs(pod.spec);
        // Where an initContainer pip-installs, the checks below it say what is wrong with its target.
        const installs = inits.some((i) => {
          const script = containerScript(i.container, i.path);
          return script !== undefined && (isOpaque(script.text) || pipInstalls(parseShell(script.text)).length > 0);
        });
        for (const c of installs ? [] : mains) {
          for (const name of PACKAGE_PATH_VARIABLES) {
            const v = envVar(c.container, name);
            const value = v && !v.fromRef && !isOpaque(v.value) ? str(v.value) : undefined;
            if (value === undefined) continue;
            const reported = new Set<string>();
            for (const entry of value.split(":").filter(Boolean)) {
              const volume = volumeAt(c.container, entry)?.volume;
              if (!volume || !empty.has(volume) || reported.has(volume)) continue;
              if (inits.some((i) => mountPathOf(i.container, volume) !== undefined)) continue;
              reported.add(volume);
              const where = `${label} ${pathJoin(pathJoin(pathJoin(c.path, "env"), v?.index ?? 0), "value")} (${c.label} in ${pod.label})`;
              reportViolation(unfilledPathMessage(where, name, entry, volume));
            }
          }
        }
        for (const init of sites.filter((c) => c.kind === "initContainers")) {
          const script = containerScript(init.container, init.path);
          if (!script || isOpaque(script.text)) continue;
          const targets = new Set(
            pipInstalls(parseShell(script.text))
              .filter((p) => p.target !== undefined && p.requirements.some((r) => r.name === ONNX_GPU))
              .map((p) => p.target as string),
          );
          for (const target of targets) {
            const initWhere = `${label} ${script.path} (${init.label} in ${pod.label})`;
            const volume = volumeAt(init.container, target);
            if (!volume) {
              reportViolation(targetNotMountedMessage(initWhere, target));
              continue;
            }
            const volumeIndex = items(get(pod.spec, "volumes")).findIndex((v) => str(get(v, "name")) === volume.volume);
            const sizeLimit = get(get(items(get(pod.spec, "volumes"))[volumeIndex], "emptyDir"), "sizeLimit");
            const size = parseQuantity(sizeLimit);
            if (size !== undefined && size < (parseQuantity(MIN_SHARED_PACKAGES_SIZE) as number)) {
              const where = `${label} ${pathJoin(pathJoin(pathJoin(pathJoin(pod.path, "volumes"), volumeIndex), "emptyDir"), "sizeLimit")} (volume "${volume.volume}" in ${pod.label})`;
              reportViolation(packagesVolumeTooSmallMessage(where, init.label, String(sizeLimit), target));
            }
            const rel = target.slice(volume.mountPath.length);
            const readers = mains
              .map((c): [ContainerSite, string | undefined] => [c, mountPathOf(c.container, volume.volume)])
              .filter((x): x is [ContainerSite, string] => x[1] !== undefined);
            if (readers.length === 0) {
              reportViolation(volumeNotMountedMessage(`${label} ${pod.path} (${pod.label})`, init.label, volume.volume, target));
              continue;
            }
            for (const [c, mountPath] of readers) {
              const dir = `${mountPath.replace(/\/+$/, "")}${rel}`;
              const where = (v: { index: number } | undefined) =>
                `${label} ${v ? pathJoin(pathJoin(pathJoin(c.path, "env"), v.index), "value") : pathJoin(c.path, "env")} (${c.label} in ${pod.label})`;
              const ld = envVar(c.container, "LD_LIBRARY_PATH");
              if (!ld?.fromRef && !isOpaque(ld?.value)) {
                const current = str(ld?.value);
                if (current === undefined || !hasEntry(current, `${dir}/nvidia/cudnn/lib`)) {
                  reportViolation(missingLdLibraryPathMessage(where(ld), init.label, dir, current));
                }
              }
              const py = envVar(c.container, "PYTHONPATH");
              if (!py?.fromRef && !isOpaque(py?.value)) {
                const current = str(py?.value);
                if (current === undefined || !hasEntry(current, dir))
                  reportViolation(missingPythonPathMessage(where(py), init.label, dir, current));
              }
            }
          }
        }
      }
    },
  };
}
