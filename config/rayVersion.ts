/**
 * The Ray version of the whole system. Head, CPU worker, GPU worker base,
 * initContainer image, the pipelines' RAY_VERSION build argument and the API's
 * `ray[client]` pin all derive from this one value. A stack may override it
 * with the `rayVersion` config key (try a new Ray in dev before prod).
 */
export const RAY_VERSION = "2.52.0";

/** Python tag of the Ray images (`rayproject/ray:<ray>-py310`). */
export const DEFAULT_PYTHON_TAG = "py310";

/** CUDA tag of the GPU Ray images (`rayproject/ray:<ray>-py310-cu121`). */
export const DEFAULT_CUDA_TAG = "cu121";

/** The public Ray image repository. */
export const RAY_IMAGE_REPOSITORY = "rayproject/ray";
