/**
 * The GPU worker pod's three volumes and where they are mounted. The mount
 * paths are the contract between the initContainer script (it installs into
 * and downloads to them), the worker's env (PYTHONPATH, LD_LIBRARY_PATH) and
 * the worker code (`/shared-packages`, `/tmp/models`).
 */
import type * as k8s from "@pulumi/kubernetes";

/** Where the initContainer installs the heavy dependencies (`pip install --target`). */
export const SHARED_PACKAGES_DIR = "/shared-packages";
/** The model-cache PVC's mount: models are downloaded here once and read by every worker. */
export const MODEL_CACHE_DIR = "/tmp/models";
/** Ray's session and log directory. */
export const RAY_LOG_DIR = "/tmp/ray";

export const VOLUME_NAMES = {
  sharedPackages: "python-packages",
  modelCache: "model-cache",
  logs: "log-volume",
} as const;

export interface GpuWorkerVolumeInputs {
  /** Name of the model-cache PVC, taken from the PVC resource. */
  readonly modelCacheClaimName: string;
  /** sizeLimit of the python-packages emptyDir, e.g. `10Gi`; undefined when the packages come with the image (no emptyDir). */
  readonly sharedPackagesSizeLimit?: string;
}

/** The pod's volumes, in Appendix D's order; python-packages only when an initContainer fills it. */
export function gpuWorkerVolumes(inputs: GpuWorkerVolumeInputs): k8s.types.input.core.v1.Volume[] {
  return [
    { name: VOLUME_NAMES.logs, emptyDir: {} },
    { name: VOLUME_NAMES.modelCache, persistentVolumeClaim: { claimName: inputs.modelCacheClaimName } },
    ...(inputs.sharedPackagesSizeLimit !== undefined
      ? [{ name: VOLUME_NAMES.sharedPackages, emptyDir: { sizeLimit: inputs.sharedPackagesSizeLimit } }]
      : []),
  ];
}

/** The initContainer writes packages and models. */
export function installContainerMounts(): k8s.types.input.core.v1.VolumeMount[] {
  return [
    { mountPath: SHARED_PACKAGES_DIR, name: VOLUME_NAMES.sharedPackages },
    { mountPath: MODEL_CACHE_DIR, name: VOLUME_NAMES.modelCache },
  ];
}

/** The model-download initContainer (base-image mode) writes only models. */
export function modelDownloadMounts(): k8s.types.input.core.v1.VolumeMount[] {
  return [{ mountPath: MODEL_CACHE_DIR, name: VOLUME_NAMES.modelCache }];
}

/** The worker container reads models (and the initContainer's packages, when it has them) and writes Ray's logs. */
export function workerContainerMounts(sharedPackages = true): k8s.types.input.core.v1.VolumeMount[] {
  return [
    { mountPath: RAY_LOG_DIR, name: VOLUME_NAMES.logs },
    { mountPath: MODEL_CACHE_DIR, name: VOLUME_NAMES.modelCache },
    ...(sharedPackages ? [{ mountPath: SHARED_PACKAGES_DIR, name: VOLUME_NAMES.sharedPackages }] : []),
  ];
}
