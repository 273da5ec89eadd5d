/**
 * Typed container image references. Every image in the program is composed
 * from parts here, and the rules that make a reference valid live only here.
 * This module has no dependencies so the policy pack can import it too.
 */
import { RAY_IMAGE_REPOSITORY } from "./rayVersion";

export const RAY_VERSION_PATTERN = /^\d+\.\d+\.\d+$/;
export const PYTHON_TAG_PATTERN = /^py3\d{1,2}$/;
export const CUDA_TAG_PATTERN = /^cu\d{3}$/;
/** OCI distribution spec: a tag is up to 128 characters of [A-Za-z0-9_.-], not starting with . or -. */
export const IMAGE_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const IMAGE_DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
/** Lower-case path components separated by slashes, as registries accept them. */
export const IMAGE_REPOSITORY_PATTERN = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

/** Tags that name a moving target rather than one build. */
export const MUTABLE_TAGS: readonly string[] = ["latest", "dev", "main", "master", "stable", "nightly"];

export interface ImageRef {
  /** Registry host, e.g. `cybersmartstg.azurecr.io`; omitted for Docker Hub. */
  readonly registry?: string;
  /** Repository path, e.g. `data-ai/face-ocr-worker` or `rayproject/ray`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export interface RayImageParts {
  /** Exact Ray version, `MAJOR.MINOR.PATCH`. */
  readonly rayVersion: string;
  /** Python tag such as `py310`. */
  readonly pythonTag: string;
  /** CUDA tag such as `cu121`; omitted for the CPU image. */
  readonly cudaTag?: string;
}

export class ImageRefError extends Error {}

/** The tag of a Ray image: `2.52.0-py310` or `2.52.0-py310-cu121`. */
export function rayImageTag(parts: RayImageParts): string {
  if (!RAY_VERSION_PATTERN.test(parts.rayVersion)) {
    throw new ImageRefError(`Ray version "${parts.rayVersion}" is not an exact MAJOR.MINOR.PATCH version such as "2.52.0"`);
  }
  if (!PYTHON_TAG_PATTERN.test(parts.pythonTag)) {
    throw new ImageRefError(`Python tag "${parts.pythonTag}" is not of the form py3XX, such as "py310"`);
  }
  if (parts.cudaTag !== undefined && !CUDA_TAG_PATTERN.test(parts.cudaTag)) {
    throw new ImageRefError(`CUDA tag "${parts.cudaTag}" is not of the form cuXXX, such as "cu121"`);
  }
  const segments = [parts.rayVersion, parts.pythonTag];
  if (parts.cudaTag !== undefined) segments.push(parts.cudaTag);
  return segments.join("-");
}

/** The official Ray image for the given parts. */
export function rayImage(parts: RayImageParts): ImageRef {
  return { repository: RAY_IMAGE_REPOSITORY, tag: rayImageTag(parts) };
}

/** Checks an image reference against the OCI rules; throws {@link ImageRefError}. */
export function checkImageRef(ref: ImageRef): ImageRef {
  if (!IMAGE_REPOSITORY_PATTERN.test(ref.repository)) {
    throw new ImageRefError(`image repository "${ref.repository}" is not a lower-case registry path such as "data-ai/face-ocr-worker"`);
  }
  if (ref.tag === undefined && ref.digest === undefined) {
    throw new ImageRefError(`image "${ref.repository}" has neither a tag nor a digest`);
  }
  if (ref.tag !== undefined && !IMAGE_TAG_PATTERN.test(ref.tag)) {
    throw new ImageRefError(`image tag "${ref.tag}" is not valid: up to 128 of [A-Za-z0-9_.-], not starting with "." or "-"`);
  }
  if (ref.digest !== undefined && !IMAGE_DIGEST_PATTERN.test(ref.digest)) {
    throw new ImageRefError(`image digest "${ref.digest}" is not of the form sha256:<64 hex digits>`);
  }
  return ref;
}

/** `registry/repository:tag@digest`, after checking the reference. */
export function formatImageRef(ref: ImageRef): string {
  checkImageRef(ref);
  const name = ref.registry ? `${ref.registry}/${ref.repository}` : ref.repository;
  const tag = ref.tag !== undefined ? `:${ref.tag}` : "";
  const digest = ref.digest !== undefined ? `@${ref.digest}` : "";
  return `${name}${tag}${digest}`;
}

/**
 * Splits an image string into its parts. The first path component is a
 * registry when it contains a dot or a colon, or is `localhost` (the Docker
 * rule). Does not check the parts; use {@link checkImageRef} for that.
 */
export function parseImageRef(image: string): ImageRef {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry: string | undefined;
  const firstSlash = rest.indexOf("/");
  if (firstSlash >= 0) {
    const first = rest.slice(0, firstSlash);
    if (first.includes(".") || first.includes(":") || first === "localhost") {
      registry = first;
      rest = rest.slice(firstSlash + 1);
    }
  }
  return { registry, repository: rest, tag, digest };
}

/** The Ray image parts encoded in a `rayproject/ray` tag, or undefined for any other image or tag shape. */
export function parseRayImageTag(image: string): RayImageParts | undefined {
  const ref = parseImageRef(image);
  if (ref.repository !== RAY_IMAGE_REPOSITORY || ref.tag === undefined) return undefined;
  const match = /^(\d+\.\d+\.\d+)-(py3\d{1,2})(?:-(cu\d{3}))?$/.exec(ref.tag);
  if (!match) return undefined;
  return match[3] !== undefined
    ? { rayVersion: match[1], pythonTag: match[2], cudaTag: match[3] }
    : { rayVersion: match[1], pythonTag: match[2] };
}

/** True when the reference does not pin one build: no tag and no digest, or a moving tag such as `latest` or `dev`. */
export function isMutableImageRef(ref: ImageRef): boolean {
  if (ref.digest !== undefined) return false;
  // Registries keep tags case-sensitive, but `Latest` or `DEV` is the same moving habit under another spelling.
  return ref.tag === undefined || MUTABLE_TAGS.includes(ref.tag.toLowerCase());
}
