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
/** A tagged Ray image reference inside a larger string (`FROM rayproject/ray:2.52.0-py310-cu121`), with an optional registry host. */
const EMBEDDED_RAY_IMAGE = /(?<![\w./-])(?:[\w-]+(?:\.[\w-]+)+(?::\d+)?\/)?rayproject\/ray:[\w.-]+(?:@sha256:[a-f0-9]{64})?/g;

/** Collects every place the stack states a Ray version or a Ray image Python tag. */
export function collectRayPlaces(resources: readonly PolicyResource[]): RayPlaces {
  const versions: RayPlace[] = [];
  const pythonTags: RayPlace[] = [];
  const unversioned: RayPlace[] = [];
  const seen = new Set<string>();
  const addImage = (where: string, image: string) => {
    const key = `${where}\u0000${image}`;
    if (seen.has(key)) return;
    seen.add(key);
    const parts = parseRayImageTag(image);
    if (!parts) {
      unversioned.push({ where, found: image, value: image });
      return;
    }
    versions.push({ where, found: image, value: parts.rayVersion });
    pythonTags.push({ where, found: image, value: parts.pythonTag });
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
      if (parseImageRef(value).repository === RAY_IMAGE_REPOSITORY && !/\s/.test(value)) {
        addImage(where, value);
        continue;
      }
      for (const m of value.matchAll(EMBEDDED_RAY_IMAGE)) {
        if (parseImageRef(m[0]).repository === RAY_IMAGE_REPOSITORY) addImage(where, m[0]);
      }
      for (const m of value.matchAll(RAY_PIN)) versions.push({ where, found: m[0], value: m[1] });
      for (const m of value.matchAll(RAY_VERSION_ASSIGNMENT)) versions.push({ where, found: m[0], value: m[1] });
    }
  }
  return { versions, pythonTags, unversioned };
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
      "Every place that states a Ray version (Ray images in every group and initContainer, rayVersion, pipeline RAY_VERSION, ray[client]== pins) states the same one, and every Ray image has the same Python tag.",
    validateStack: (args, reportViolation) => {
      const places = collectRayPlaces(args.resources);
      if (distinct(places.versions) > 1) reportViolation(rayVersionSkewMessage(places.versions));
      if (distinct(places.pythonTags) > 1) reportViolation(pythonTagSkewMessage(places.pythonTags));
      for (const p of places.unversioned) reportViolation(unversionedRayImageMessage(p));
    },
  };
}
