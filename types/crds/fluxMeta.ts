// Shared Flux API types (fluxcd/pkg `apis/meta` and `apis/acl`) as they appear, inlined, in the
// Flux CRDs under ../shared/crds/: helm.toolkit.fluxcd.io_helmreleases.yaml (fluxcd/helm-controller
// @ 0f61a86), image.toolkit.fluxcd.io_*.yaml (fluxcd/image-reflector-controller @ debe2aa) and
// source.toolkit.fluxcd.io_*.yaml (fluxcd/source-controller @ 39b711b).
// These are Flux's own types, not core Kubernetes ones: e.g. `name` is required here, unlike in
// core `LocalObjectReference`.

/**
 * A Go duration as Flux accepts it, e.g. `"30s"`, `"5m"`, `"1h30m"`.
 * Intervals match `^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`; most timeouts leave out `h` (`^([0-9]+(\.[0-9]+)?(ms|s|m))+$`).
 */
export type FluxDuration = string;

/** Flux `meta.LocalObjectReference`: a reference to an object in the same namespace. */
export interface FluxLocalObjectReference {
  /** Name of the referent. */
  readonly name: string;
}

/** Flux `meta.NamespacedObjectReference`: a reference to an object, optionally in another namespace. */
export interface FluxNamespacedObjectReference {
  /** Name of the referent. */
  readonly name: string;
  /** Namespace of the referent; the referring object's namespace when unset. */
  readonly namespace?: string;
}

/** Flux `meta.SecretKeyReference`: a key in a Secret in the same namespace. */
export interface FluxSecretKeyReference {
  /** Key in the Secret; an implementation-specific default key when unset. */
  readonly key?: string;
  /** Name of the Secret. */
  readonly name: string;
}

/** Flux `acl.AccessFrom`: which namespaces may reference this object. */
export interface FluxAccessFrom {
  /** Namespace selectors, ORed together. */
  readonly namespaceSelectors: FluxNamespaceSelector[];
}

/** Flux `acl.NamespaceSelector`; an empty `matchLabels` matches every namespace. */
export interface FluxNamespaceSelector {
  /** Labels a namespace must carry, ANDed together. */
  readonly matchLabels?: Record<string, string>;
}
