import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { parseImageRef, parseRayImageTag } from "../../config/imageRef";
import { RAY_IMAGE_REPOSITORY } from "../../config/rayVersion";
import { get, resourceLabel, str, stringLeaves } from "../lib/read";

export const RAY_VERSION_LOCKSTEP = "ray-version-lockstep";

/** Where the Ray version (or Python tag) was found: `RayService "face-ocr" spec.rayClusterConfig.rayVersion`. */
export interface RayPlace {
  readonly where: string;
  /** What was found there when it is more than the version itself, e.g. the image or the pin. */
  readonly found?: string;
  readonly value: string;
}

export interface RayPlaces {
  readonly versions: RayPlace[];
  readonly pythonTags: RayPlace[];
  /** CUDA tags of the CUDA Ray images and of the PyTorch wheel indexes (`download.pytorch.org/whl/cu121`). */
  readonly cudaTags: RayPlace[];
  /** Ray images whose tag names no exact version. */
  readonly unversioned: RayPlace[];
}

/** Types that hold no Ray version of their own (the stack's own props are its outputs; providers hold credentials). */
function skipped(type: string): boolean {
  return type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:") || type === "kubernetes:core/v1:Secret";
}

const VERSION_KEY = /^ray_?version$/i;
const LOOKS_LIKE_VERSION = /^\d+(?:\.\d+)*\S*$/;
/** `ray[client]==2.52.0`, `ray[default,serve]==2.52.0`, `ray==2.52.0` (not `xray==`, not `ray-cpp==`). */
const RAY_PIN = /(?<![\w-])ray(?:\[[^\]]*\])?\s*==\s*(\d[\w.+-]*)/g;
/** `RAY_VERSION=2.52.0` inside a larger string: build args, scripts. */
const RAY_VERSION_ASSIGNMENT = /(?<!\w)RAY_VERSION\s*=\s*["']?(\d[\w.+-]*)/g;
/**
 * A tagged image of the Ray project inside a larger string (`FROM rayproject/ray:2.52.0-py310-cu121`), also
 * behind a registry and a mirror path (`myacr.azurecr.io/dockerhub/rayproject/ray-ml:...`).
 */
const EMBEDDED_RAY_IMAGE = /(?<![\w./-])(?:[\w.-]+(?::\d+)?\/)*rayproject\/ray(?:-[a-z0-9]+)*:[\w.-]+(?:@sha256:[a-f0-9]{64})?/g;

/** `rayproject/ray` and the Ray project's other images (`rayproject/ray-ml`, `rayproject/ray-llm`), at any registry or mirror path. */
const RAY_PROJECT_REPOSITORY = /(?:^|\/)(rayproject\/ray(?:-[a-z0-9]+)*)$/;

/** The CUDA tag of a PyTorch wheel index URL (`https://download.pytorch.org/whl/cu121`). */
const PYTORCH_INDEX = /download\.pytorch\.org\/whl\/(?:nightly\/)?(cu\d{3})\b/g;

/** The other Ray project images tag `<version>[-py3XX][-cuXXX|-gpu|-cpu]`. */
const RAY_PROJECT_TAG = /^(\d+\.\d+\.\d+)(?:-(py3\d{1,2}))?(?:-(cu\d{3}))?(?:-[a-z0-9]+)*$/;

/** The parts a Ray project image's tag states, or undefined when it names no exact version. */
function rayProjectImageParts(image: string): { rayVersion: string; pythonTag?: string; cudaTag?: string } | undefined {
  const ref = parseImageRef(image);
  const m = RAY_PROJECT_REPOSITORY.exec(ref.repository);
  if (!m || ref.tag === undefined) return undefined;
  if (m[1] === RAY_IMAGE_REPOSITORY) return parseRayImageTag(`${RAY_IMAGE_REPOSITORY}:${ref.tag}`);
  const t = RAY_PROJECT_TAG.exec(ref.tag);
  return t ? { rayVersion: t[1], pythonTag: t[2], cudaTag: t[3] } : undefined;
}

/** Collects every place the stack states a Ray version or a Ray image Python tag. */
export function collectRayPlaces(resources: readonly PolicyResource[]): RayPlaces {
  const versions: RayPlace[] = [];
  const pythonTags: RayPlace[] = [];
  const cudaTags: RayPlace[] = [];
  const unversioned: RayPlace[] = [];
  const seen = new Set<string>();
  const addImage = (where: string, image: string) => {
    const key = `${where}\u0000${image}`;
    if (seen.has(key)) return;
    seen.add(key);
    const parts = rayProjectImageParts(image);
    if (!parts) {
      unversioned.push({ where, found: image, value: image });
      return;
    }
    versions.push({ where, found: image, value: parts.rayVersion });
    if (parts.pythonTag !== undefined) pythonTags.push({ where, found: image, value: parts.pythonTag });
    if (parts.cudaTag !== undefined) cudaTags.push({ where, found: image, value: parts.cudaTag });
  };
  for (const r of resources) {
    if (skipped(r.type)) continue;
    const label = resourceLabel(r.type, r.name);
    for (const leaf of stringLeaves(r.props)) {
      const where = `${label} ${leaf.path}`;
      const value = leaf.value;
      if (typeof leaf.key === "string" && VERSION_KEY.test(leaf.key) && LOOKS_LIKE_VERSION.test(value.trim())) {
        versions.push({ where, value: value.trim() });
        continue;
      }
      if (leaf.key === "value") {
        const varName = str(get(leaf.holder, "name"));
        if (varName !== undefined && VERSION_KEY.test(varName) && LOOKS_LIKE_VERSION.test(value.trim())) {
          versions.push({ where, found: `${varName}=${value.trim()}`, value: value.trim() });
          continue;
        }
      }
      if (RAY_PROJECT_REPOSITORY.test(parseImageRef(value).repository) && !/\s/.test(value)) {
        addImage(where, value);
        continue;
      }
      for (const m of value.matchAll(EMBEDDED_RAY_IMAGE)) addImage(where, m[0]);
      for (const m of value.matchAll(PYTORCH_INDEX)) cudaTags.push({ where, found: `PyTorch index ${m[1]}`, value: m[1] });
      for (const m of value.matchAll(RAY_PIN)) versions.push({ where, found: m[0], value: m[1] });
      for (const m of value.matchAll(RAY_VERSION_ASSIGNMENT)) versions.push({ where, found: m[0], value: m[1] });
    }
  }
  return { versions, pythonTags, cudaTags, unversioned };
}

function describePlace(p: RayPlace): string {
  return p.found ? `${p.where} (${p.found})` : p.where;
}

/** `2.52.0 at A; B | 2.51.0 at C`, the most common value first. */
function listByValue(places: readonly RayPlace[]): string {
  const groups = new Map<string, RayPlace[]>();
  for (const p of places) groups.set(p.value, [...(groups.get(p.value) ?? []), p]);
  return [...groups.entries()]
    .sort((a, b) => b[1].length - a[1].length)
    .map(([value, ps]) => `${value} at ${ps.map(describePlace).join("; ")}`)
    .join(" | ");
}

function distinct(places: readonly RayPlace[]): number {
  return new Set(places.map((p) => p.value)).size;
}

export function rayVersionSkewMessage(places: readonly RayPlace[]): string {
  return (
    `Ray version skew: ${distinct(places)} different Ray versions across ${places.length} places: ${listByValue(places)}. ` +
    `Head, workers, initContainer, pipeline RAY_VERSION and the API's ray[client] pin must carry one version, or Ray client and GCS handshakes fail (deployment guide, "Version Constraints"). ` +
    `Derive every place from the stack's \`rayVersion\` config key (default RAY_VERSION in config/rayVersion.ts): \`pulumi config set rayVersion <MAJOR.MINOR.PATCH>\`, and fix the place that does not follow it.`
  );
}

export function pythonTagSkewMessage(places: readonly RayPlace[]): string {
  return (
    `Python tag differs between Ray images: ${listByValue(places)}. ` +
    `Every Ray node and the Ray client must run the same Python minor version. ` +
    `Build every Ray image from the stack's \`pythonTag\` config key (default DEFAULT_PYTHON_TAG in config/rayVersion.ts): \`pulumi config set pythonTag <py3XX>\`.`
  );
}

export function cudaTagSkewMessage(places: readonly RayPlace[]): string {
  return (
    `CUDA tag differs between the CUDA Ray images and the PyTorch wheel index: ${listByValue(places)}. ` +
    `PyTorch's wheels must be built for the CUDA the GPU images carry, or torch can't initialise CUDA on the worker. ` +
    `Derive both from the stack's \`cudaTag\` config key (default DEFAULT_CUDA_TAG in config/rayVersion.ts): \`pulumi config set cudaTag <cuXXX>\`.`
  );
}

export function unversionedRayImageMessage(place: RayPlace): string {
  return (
    `${place.where} uses Ray image "${place.found}", whose tag names no exact Ray version, so it can't be checked against the rest of the stack. ` +
    `Use a tag of the form ${RAY_IMAGE_REPOSITORY}:<MAJOR.MINOR.PATCH>-<py3XX>[-<cuXXX>] composed from the stack's \`rayVersion\` and \`pythonTag\` config (config/imageRef.ts rayImage()).`
  );
}

/** One Ray version and one Python tag for the whole stack: every image, rayVersion field, pipeline variable and ray[client] pin. */
export function rayVersionLockstep(): StackValidationPolicy {
  return {
    name: RAY_VERSION_LOCKSTEP,
    description:
      "Every place that states a Ray version (Ray images in every group and initContainer, rayVersion, pipeline RAY_VERSION, ray[client]== pins) states the same one, every Ray image has the same Python tag, and the CUDA Ray images and PyTorch wheel indexes the same CUDA tag.",
    validateStack: (args, reportViolation) => {
      const places = collectRayPlaces(args.resources);
      if (distinct(places.versions) > 1) reportViolation(rayVersionSkewMessage(places.versions));
      if (distinct(places.pythonTags) > 1) reportViolation(pythonTagSkewMessage(places.pythonTags));
      if (distinct(places.cudaTags) > 1) reportViolation(cudaTagSkewMessage(places.cudaTags));
      for (const p of places.unversioned) reportViolation(unversionedRayImageMessage(p));
    },
  };
}
