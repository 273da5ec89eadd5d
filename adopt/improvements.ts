/**
 * The program's deliberate changes to an adopted object: every difference the first `pulumi up` makes, each with
 * its reason (docs/ray.md "Parity with Appendix D", docs/api.md "Parity with Appendix B"). A difference not listed
 * here stops the adoption: it is either a live setting no config key reproduces, or a change nobody decided.
 */
import { FieldDifference, SECRET_MASK } from "./liveDiff";

export interface Improvement {
  readonly kind: string;
  readonly path: RegExp;
  readonly reason: string;
  /** When only some differences at the path are this improvement: the others still stop the adoption. */
  readonly applies?: (d: FieldDifference) => boolean;
}

/** `<image>:<tag>@sha256:<digest>` to `<image>:<tag>`. */
function withoutDigest(image: unknown): unknown {
  return typeof image === "string" ? image.replace(/@sha256:[a-f0-9]{64}$/, "") : image;
}

export const IMPROVEMENTS: readonly Improvement[] = [
  {
    kind: "RayService",
    path: /^spec\.rayClusterConfig\.(headGroupSpec|workerGroupSpecs\[\d+\])\.template\.spec\.(containers|initContainers)\[\d+\]\.securityContext$/,
    reason:
      "safe by default: non-root uid 1000, no privilege escalation, no capabilities (the Ray images already run as uid 1000; ray.securityContext)",
  },
  {
    kind: "RayService",
    path: /^spec\.rayClusterConfig\.workerGroupSpecs\[\d+\]\.template\.spec\.initContainers\[0\]\.args\[0\]$/,
    reason:
      "the install script is generated from the typed steps: pins with > or < quoted (bash read them as redirects, so pip installed them unpinned), " +
      "model downloads checked per file and written to a temporary name first, partial downloads cleaned up",
  },
  {
    kind: "RayService",
    path: /^spec\.rayClusterConfig\.workerGroupSpecs\[\d+\]\.template\.spec\.containers\[0\]\.image$/,
    reason:
      "the worker runs by digest: its tag resolved at deploy time to the build it names now, so a new build behind the tag " +
      "is a visible change and every replica runs the same build (ray.gpuWorker.image)",
    applies: (d) => d.planned !== d.live && withoutDigest(d.planned) === d.live,
  },
  {
    kind: "RayService",
    path: /^spec\.rayClusterConfig\.workerGroupSpecs\[\d+\]\.template\.spec\.containers\[0\]\.imagePullPolicy$/,
    reason: "a digest cannot go stale in a node's cache, so the worker is pulled IfNotPresent instead of Always",
    applies: (d) => d.live === "Always" && d.planned === "IfNotPresent",
  },
  {
    kind: "RayService",
    path: /^spec\.(upgradeStrategy|rayClusterDeletionDelaySeconds)$/,
    reason:
      "KubeRay's upgrade behaviour written out (ray.upgrade: NewCluster, 60 s), so it no longer depends on the operator's " +
      "ENABLE_ZERO_DOWNTIME setting; outside rayClusterConfig, so it rolls no new cluster",
  },
  {
    kind: "HelmRelease",
    path: /^spec\.values\.env\.(DATABASE_URL|CHROMA_TOKEN|DOSASHOP_KEY)$/,
    reason: "a secret in clear in the release: it moves to the Secret face-ocr-api-secret-env, read through valuesFrom",
  },
  {
    kind: "HelmRelease",
    path: /^spec\.values\.image\.tag$/,
    reason:
      "Flux owns the tag: it comes from the git-held ConfigMap face-ocr-api-image-tag through valuesFrom, so Pulumi and Flux never fight over it",
  },
  { kind: "HelmRelease", path: /^spec\.valuesFrom$/, reason: "the image-tag ConfigMap and the three secret env vars, by reference" },
  {
    kind: "HelmRelease",
    path: /^spec\.values\.imageAutoUpdate\.enabled$/,
    reason: "the stack owns the ImageRepository and ImagePolicy; the chart's own copies would be a second owner",
  },
  {
    kind: "HelmRelease",
    path: /^spec\.values\.startupProbe$/,
    reason:
      "a slow start (Ray client connect) no longer trips the liveness probe: /api/v1/ping every 10 s, 30 attempts (api.probes.startupFailureThreshold)",
  },
];

/** A difference the first `up` makes, with the reason it is made. */
export type ListedDifference = FieldDifference & { readonly reason: string };

export function withReasons(differences: readonly FieldDifference[]): ListedDifference[] {
  return differences.flatMap((d) => {
    const kind = d.object.split(" ")[0];
    const match = IMPROVEMENTS.find((i) => i.kind === kind && i.path.test(d.path) && (i.applies?.(d) ?? true));
    return match ? [{ ...d, reason: match.reason }] : [];
  });
}

/** Credentials are masked already (liveDiff.ts). */
function show(v: unknown): string {
  if (v === undefined) return "(absent)";
  if (v === SECRET_MASK) return v;
  const text = JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function unlistedDifference(d: FieldDifference): string {
  return `  - ${d.object}: ${d.path}: live ${show(d.live)}, the program renders ${show(d.planned)}`;
}
