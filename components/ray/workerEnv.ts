/**
 * Environment of the GPU worker container: two fixed variables, two derived
 * from where the heavy dependencies are installed (the initContainer's volume,
 * or the base image's directory), then the stack's extras.
 */
import type * as k8s from "@pulumi/kubernetes";
import { DERIVED_GPU_WORKER_ENV } from "../../config/sections/ray";
import type { InstallStep } from "./heavyDependencies";
import { SHARED_PACKAGES_DIR } from "./volumes";

/** WORKDIR of the face-ocr-worker image, where ray_tasks.py lives. */
export const WORKER_APP_DIR = "/app";

export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

/** Set on every GPU worker, in Appendix D's order. */
export const GPU_WORKER_BASE_ENV: readonly EnvVar[] = [
  // Ray's memory monitor kills workers near the pod's memory limit; model loading spikes trip it.
  { name: "RAY_memory_monitor_refresh_ms", value: "0" },
  { name: "NVIDIA_VISIBLE_DEVICES", value: "all" },
];

/** The install target first, so the heavy packages win over the image's; then the worker code. */
export function pythonPath(target: string = SHARED_PACKAGES_DIR): string {
  return [target, WORKER_APP_DIR].join(":");
}

/**
 * The library directories the steps provide, later steps first: a library a
 * later step installs on purpose (cuDNN 9 for ONNX Runtime) must win over one
 * an earlier step brought along, as the numpy re-pin wins over earlier numpys.
 */
export function ldLibraryPath(steps: readonly InstallStep[], target: string = SHARED_PACKAGES_DIR): string {
  const dirs = [...steps].reverse().flatMap((s) => s.libraryDirs ?? []);
  return [...new Set(dirs)].map((d) => `${target}/${d}`).join(":");
}

/**
 * Base, derived, then extra variables. An extra with a base variable's name
 * replaces its value in place; the derived names cannot be overridden.
 */
export function gpuWorkerEnv(
  extra: Readonly<Record<string, string>>,
  steps: readonly InstallStep[],
  target: string = SHARED_PACKAGES_DIR,
): k8s.types.input.core.v1.EnvVar[] {
  for (const name of DERIVED_GPU_WORKER_ENV) {
    if (name in extra) throw new Error(`${name} is derived from the heavy-dependency install target and cannot be set`);
  }
  const derived: EnvVar[] = [{ name: "PYTHONPATH", value: pythonPath(target) }];
  const ld = ldLibraryPath(steps, target);
  if (ld !== "") derived.push({ name: "LD_LIBRARY_PATH", value: ld });
  const base = GPU_WORKER_BASE_ENV.map((v) => (v.name in extra ? { name: v.name, value: extra[v.name] } : { ...v }));
  const added = Object.entries(extra)
    .filter(([name]) => !GPU_WORKER_BASE_ENV.some((v) => v.name === name))
    .map(([name, value]) => ({ name, value }));
  return [...base, ...derived, ...added];
}
