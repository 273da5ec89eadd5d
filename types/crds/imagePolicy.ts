// Written from ../shared/crds/image.toolkit.fluxcd.io_imagepolicies.yaml, version v1
// (fluxcd/image-reflector-controller @ debe2aa): `openAPIV3Schema.properties.spec`. Status is not typed.
import type * as input from "@pulumi/kubernetes/types/input";
import type { FluxDuration, FluxNamespacedObjectReference } from "./fluxMeta";

export const IMAGE_POLICY = {
  apiVersion: "image.toolkit.fluxcd.io/v1",
  kind: "ImagePolicy",
} as const;

/** A Flux ImagePolicy as rendered by this program. */
export interface ImagePolicyObject {
  readonly apiVersion: typeof IMAGE_POLICY.apiVersion;
  readonly kind: typeof IMAGE_POLICY.kind;
  readonly metadata: input.meta.v1.ObjectMeta;
  readonly spec: ImagePolicySpec;
}

/**
 * Parameters for selecting the latest image of an ImageRepository.
 * @remarks CEL: `interval` is only accepted, and then required, when `digestReflectionPolicy` is "Always".
 */
export interface ImagePolicySpec {
  /** How `.status.latestRef.digest` is set: Never (empty), IfNotPresent (once per tag) or Always (refreshed every `interval`). @default "Never" */
  readonly digestReflectionPolicy?: "Always" | "IfNotPresent" | "Never";
  /** Filters the tags before the policy orders them; all tags when unset. */
  readonly filterTags?: TagFilter;
  /** The ImageRepository whose tags are evaluated. */
  readonly imageRepositoryRef: FluxNamespacedObjectReference;
  /** Time between refreshes of the latest tag's digest; only with `digestReflectionPolicy: "Always"` (then required). */
  readonly interval?: FluxDuration;
  /** How the latest image is chosen; set one of its fields. */
  readonly policy: ImagePolicyChoice;
  /** Suspend subsequent policy reconciliations; reconciliations already started are not affected. */
  readonly suspend?: boolean;
}

/** The ordering used to select the latest tag; set one field. */
export interface ImagePolicyChoice {
  /** Order tags alphabetically. */
  readonly alphabetical?: AlphabeticalPolicy;
  /** Order tags numerically. */
  readonly numerical?: NumericalPolicy;
  /** Select the highest tag within a semver range. */
  readonly semver?: SemVerPolicy;
}

/** Semver range the tags are checked against. */
export interface SemVerPolicy {
  /** Semver range; the highest tag within it is the latest image, e.g. `">=1.0.0-0"` to include prereleases. */
  readonly range: string;
}

/** Alphabetical ordering of tags. */
export interface AlphabeticalPolicy {
  /** Sort order: "asc" selects the last tag (Z), "desc" the first (A). @default "asc" */
  readonly order?: "asc" | "desc";
}

/** Numerical ordering of tags. */
export interface NumericalPolicy {
  /** Sort order: "asc" selects the highest number, "desc" the lowest. @default "asc" */
  readonly order?: "asc" | "desc";
}

/** Tag filter applied before the policy. */
export interface TagFilter {
  /** Capture-group template to extract from `pattern` before evaluation, e.g. `"$version"`. */
  readonly extract?: string;
  /** Regular expression the tags must match. */
  readonly pattern?: string;
}
