import { z } from "zod";
import { stringish } from "./stringish";

/*
 * Config key `ray.gpuWorker.heavyDependencies`: where the GPU worker's heavy
 * ML packages (components/ray/heavyDependencies.ts) come from, and the exact
 * versions a stack pins.
 */

/** `initContainer`: pip-installed on every GPU pod start (the live system). `baseImage`: baked into face-ocr-worker-base. */
export const HEAVY_DEPENDENCY_MODES = ["initContainer", "baseImage"] as const;

/** PyPI project names, as the step list writes them. */
const PROJECT_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
/** One exact PEP 440 version: `2.6.2`, `9.1.0.70`, `2.5.1+cu121`, `1.0rc1`; no operator, no wildcard. */
export const EXACT_VERSION = /^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?(\+[A-Za-z0-9]+(\.[A-Za-z0-9]+)*)?$/;

export const heavyDependenciesConfigSchema = z
  .object({
    /**
     * `initContainer` installs the steps on every GPU pod start (~5 minutes, 4-5 GB); `baseImage` runs the
     * worker image built FROM face-ocr-worker-base, which holds them (docs/ray.md, "GPU pod start"). @default "initContainer"
     */
    mode: z.enum(HEAVY_DEPENDENCY_MODES, { error: 'expected "initContainer" or "baseImage"' }).default("initContainer"),
    /**
     * Exact versions by PyPI name, e.g. `{ torch: "2.5.1" }`: installed as `torch==2.5.1` in either mode, over the
     * step list's own pin. Names must be heavy dependencies. @default {}
     */
    pins: z
      .record(
        z.string().regex(PROJECT_NAME, { error: 'expected a PyPI project name such as "easyocr"' }),
        stringish.pipe(z.string().regex(EXACT_VERSION, { error: 'expected one exact version such as "1.7.2" (no ==, >= or *)' })),
      )
      .default({}),
  })
  .strict()
  .prefault({});

export type HeavyDependenciesConfig = z.infer<typeof heavyDependenciesConfigSchema>;

/** A heavy requirement as the pin rules see it. */
export interface PinnableRequirement {
  readonly name: string;
  /** The exact version the step list bakes into the base image. */
  readonly pin?: string;
}

export interface PinIssue {
  /** Below `ray.gpuWorker.heavyDependencies`. */
  readonly path: (string | number)[];
  readonly input: unknown;
  readonly message: string;
  /** The fix is removing the key, not setting it. */
  readonly remove?: boolean;
}

/**
 * What the stack's pins get wrong for these requirements: a pin naming no heavy
 * dependency, and, in base-image mode, a requirement without an exact version
 * (the base image's tag names its content, which an unpinned requirement would
 * not; pip would pick whatever is newest the day the base is built).
 */
export function heavyDependencyPinIssues(config: HeavyDependenciesConfig, requirements: readonly PinnableRequirement[]): PinIssue[] {
  const issues: PinIssue[] = [];
  const names = requirements.map((r) => r.name);
  for (const [name, version] of Object.entries(config.pins)) {
    if (!names.includes(name)) {
      issues.push({
        path: ["pins", name],
        input: version,
        message: `${JSON.stringify(name)} is not a heavy dependency (components/ray/heavyDependencies.ts lists ${names.join(", ")})`,
        remove: true,
      });
    }
  }
  if (config.mode === "baseImage") {
    for (const r of requirements) {
      if (r.pin === undefined && config.pins[r.name] === undefined) {
        issues.push({
          path: ["pins", r.name],
          input: undefined,
          message: `base-image mode bakes ${r.name} into face-ocr-worker-base, so it needs one exact version; give it a pin in components/ray/heavyDependencies.ts, or for this stack`,
        });
      }
    }
  }
  return issues;
}
