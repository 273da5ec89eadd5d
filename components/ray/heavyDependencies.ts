/**
 * The heavy ML dependencies the `install-heavy-deps` initContainer installs
 * into the GPU worker's shared-packages volume, as a typed, ordered list
 * ({@link heavyDependencies}, for the stack's CUDA tag).
 * Everything else follows from this list (installScript.ts, workerEnv.ts):
 * the pip commands, the numpy re-pin and the Ray-conflict cleanup (emitted
 * only when a step needs them, always after every install), the import checks
 * and LD_LIBRARY_PATH.
 *
 * Adding a package is adding one entry (or one requirement to an entry). If
 * it drags in numpy 2 or a package that breaks Ray, say so in `sideEffects`
 * (or add it to KNOWN_SIDE_EFFECTS) and the fixes follow.
 */
import { CUDA_TAG_PATTERN } from "../../config/imageRef";

/** One pip requirement. Rendered as `<name><version>` and always shell-quoted when it contains `<` or `>`. */
export interface Requirement {
  /** PyPI project name, e.g. `paddleocr`. */
  readonly name: string;
  /** PEP 440 specifier, e.g. `>=2.7.0,<3.0.0` or `==4.8.1.78`; omitted for the newest release. */
  readonly version?: string;
  /** Why it is here or pinned this way; becomes a comment in the script. */
  readonly why?: string;
  /**
   * The exact version (`==`) the base image bakes in, within `version`. The initContainer keeps resolving
   * `version` on every start, as the live system does, unless the stack pins the package
   * (`ray.gpuWorker.heavyDependencies.pins`). `npm run check-heavy-pins` checks these against PyPI.
   */
  readonly pin?: string;
}

/** Packages the Ray runtime in the image needs at other versions; a copy in shared-packages would shadow Ray's. */
export type RayConflict = "protobuf" | "click";

/** What installing a step does besides installing its requirements. */
export type SideEffect =
  /** Upgrades numpy to 2.x, which ONNX Runtime (and the other compiled deps) cannot load. */
  | { readonly kind: "pulls-numpy-2"; readonly why: string }
  /** Leaves a package in shared-packages that shadows the one Ray needs. */
  | { readonly kind: "ray-conflict"; readonly package: RayConflict; readonly why: string };

/** A Python module to import after the installs, proving the step worked. */
export interface ImportCheck {
  readonly module: string;
  /** Name printed with the version, e.g. `PyTorch`. */
  readonly label: string;
  /** A failed import only prints a note instead of failing the pod. */
  readonly optional?: boolean;
}

export interface InstallStep {
  /** Comment heading of the step, e.g. `PyTorch + CUDA 12.1`. */
  readonly title: string;
  readonly requirements: readonly Requirement[];
  /** `--index-url` of this step (PyTorch's CUDA wheels). */
  readonly indexUrl?: string;
  /** Side effects beyond those KNOWN_SIDE_EFFECTS lists for its requirements. */
  readonly sideEffects?: readonly SideEffect[];
  /** Directories (relative to the install target) with shared libraries this step provides; they go on LD_LIBRARY_PATH. */
  readonly libraryDirs?: readonly string[];
  readonly importChecks?: readonly ImportCheck[];
}

/** numpy as ONNX Runtime and the compiled packages of this list need it. */
export const NUMPY_PIN: Requirement = { name: "numpy", version: "<2", pin: "1.26.4" };

/** Side effects of packages this system has been bitten by, keyed by PyPI name (lower case). */
export const KNOWN_SIDE_EFFECTS: Readonly<Record<string, readonly SideEffect[]>> = {
  "opencv-python-headless": [{ kind: "pulls-numpy-2", why: "OpenCV installs numpy 2.x, ONNX Runtime crashes with it" }],
  "opencv-python": [{ kind: "pulls-numpy-2", why: "OpenCV installs numpy 2.x, ONNX Runtime crashes with it" }],
  "paddlepaddle-gpu": [{ kind: "ray-conflict", package: "protobuf", why: "PaddlePaddle installs protobuf 6.x, Ray needs <5.0" }],
  paddlepaddle: [{ kind: "ray-conflict", package: "protobuf", why: "PaddlePaddle installs protobuf 6.x, Ray needs <5.0" }],
  paddleocr: [{ kind: "ray-conflict", package: "click", why: "PaddleOCR's click conflicts with Ray CLI" }],
};

/** What removing a Ray conflict deletes from the install target (globs relative to it). */
export const RAY_CONFLICT_PATHS: Readonly<Record<RayConflict, readonly string[]>> = {
  protobuf: ["protobuf*", "google/protobuf*", "google-*.dist-info"],
  click: ["click*", "click-*.dist-info"],
};

/** PyTorch's wheel index for a CUDA tag: `cu121` gives `https://download.pytorch.org/whl/cu121`. */
export function pytorchIndexUrl(cudaTag: string): string {
  checkCudaTag(cudaTag);
  return `https://download.pytorch.org/whl/${cudaTag}`;
}

/** The CUDA version a tag names, as a title reads it: `cu121` gives `CUDA 12.1`, `cu118` gives `CUDA 11.8`. */
export function cudaVersionLabel(cudaTag: string): string {
  checkCudaTag(cudaTag);
  const digits = cudaTag.slice(2);
  return `CUDA ${digits.slice(0, -1)}.${digits.slice(-1)}`;
}

function checkCudaTag(cudaTag: string): void {
  if (!CUDA_TAG_PATTERN.test(cudaTag)) throw new Error(`CUDA tag "${cudaTag}" is not of the form cuXXX, such as "cu121"`);
}

/**
 * The install steps, in order (the guide's "Current Install Order"), for the
 * stack's CUDA tag (`cudaTag`, which also picks the initContainer's Ray image):
 * PyTorch's wheels come from the index of the same CUDA version.
 */
export function heavyDependencies(cudaTag: string): InstallStep[] {
  return [
    {
      title: `PyTorch + ${cudaVersionLabel(cudaTag)}`,
      // torch 2.5.1 is the last release with cu121 wheels; torchvision 0.20.1 is its pair.
      requirements: [
        { name: "torch", pin: "2.5.1" },
        { name: "torchvision", pin: "0.20.1" },
      ],
      indexUrl: pytorchIndexUrl(cudaTag),
      // torch's CUDA 12 wheels depend on nvidia-cuda-runtime-cu12.
      libraryDirs: ["nvidia/cuda_runtime/lib"],
      importChecks: [{ module: "torch", label: "PyTorch" }],
    },
    {
      title: "PaddlePaddle + PaddleOCR",
      requirements: [
        { name: "paddlepaddle-gpu", version: ">=2.5.0", pin: "2.6.2" },
        // 2.9.1 pulls albumentations, whose albucore needs opencv-python-headless>=4.9 against OpenCV's 4.8.1.78; 2.7.3 resolves.
        { name: "paddleocr", version: ">=2.7.0,<3.0.0", why: "v3.x has breaking API changes", pin: "2.7.3" },
      ],
      importChecks: [{ module: "paddle", label: "PaddlePaddle" }],
    },
    {
      title: "EasyOCR",
      requirements: [{ name: "easyocr", version: ">=1.7.0", pin: "1.7.2" }],
    },
    {
      title: "ONNX Runtime GPU + cuDNN 9",
      requirements: [
        { name: "onnxruntime-gpu", pin: "1.20.2" },
        // The cuDNN 9 build torch 2.5.1 depends on, so both resolve to one copy.
        { name: "nvidia-cudnn-cu12", why: "ONNX Runtime 1.19+ needs cuDNN 9, not 8", pin: "9.1.0.70" },
        NUMPY_PIN,
      ],
      libraryDirs: ["nvidia/cudnn/lib"],
      importChecks: [{ module: "onnxruntime", label: "ONNX Runtime" }],
    },
    {
      title: "OpenCV",
      requirements: [{ name: "opencv-python-headless", version: "==4.8.1.78", pin: "4.8.1.78" }],
      importChecks: [{ module: "cv2", label: "OpenCV", optional: true }],
    },
  ];
}

/** The side effects of a step: declared ones plus those known for its requirements, without duplicates. */
export function sideEffectsOf(step: InstallStep): SideEffect[] {
  const all = [...step.requirements.flatMap((r) => KNOWN_SIDE_EFFECTS[r.name.toLowerCase()] ?? []), ...(step.sideEffects ?? [])];
  const seen = new Set<string>();
  return all.filter((e) => {
    const key = e.kind === "ray-conflict" ? `${e.kind}:${e.package}` : e.kind;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `paddleocr>=2.7.0,<3.0.0`. */
export function requirementSpec(r: Requirement): string {
  return `${r.name}${r.version ?? ""}`;
}

/** Where the heavy dependencies come from: installed by the initContainer on every pod start, or baked into a base image. */
export type HeavyDependencyMode = "initContainer" | "baseImage";

/**
 * The steps as a mode installs them. In base-image mode every requirement is
 * exact (`==`): the stack's pin, else the step's own; the base image's tag
 * names its content, which an unpinned requirement would not. The
 * initContainer keeps each step's specifier except for packages the stack pins.
 * Throws for a requirement left without a pin in base-image mode (the stack
 * config check reports that first, naming the key).
 */
export function pinnedSteps(
  steps: readonly InstallStep[],
  mode: HeavyDependencyMode,
  pins: Readonly<Record<string, string>>,
): InstallStep[] {
  return steps.map((step) => ({
    ...step,
    requirements: step.requirements.map((r) => {
      const pin = pins[r.name] ?? (mode === "baseImage" ? r.pin : undefined);
      if (pin === undefined && mode === "baseImage") throw new Error(`heavy dependency "${r.name}" has no exact pin`);
      return pin === undefined ? r : { ...r, version: `==${pin}` };
    }),
  }));
}
