// Written from ../shared/crds/source.toolkit.fluxcd.io_ocirepositories.yaml, version v1
// (fluxcd/source-controller @ 39b711b): `openAPIV3Schema.properties.spec`. Status is not typed.
import type * as input from "@pulumi/kubernetes/types/input";
import type { FluxDuration, FluxLocalObjectReference } from "./fluxMeta";

export const OCI_REPOSITORY = {
  apiVersion: "source.toolkit.fluxcd.io/v1",
  kind: "OCIRepository",
} as const;

/** A Flux OCIRepository as rendered by this program. */
export interface OCIRepositoryObject {
  readonly apiVersion: typeof OCI_REPOSITORY.apiVersion;
  readonly kind: typeof OCI_REPOSITORY.kind;
  readonly metadata: input.meta.v1.ObjectMeta;
  readonly spec: OCIRepositorySpec;
}

/** Desired state of an OCIRepository. */
export interface OCIRepositorySpec {
  /** Secret (`Opaque` or `kubernetes.io/tls`) with a client certificate (`tls.crt`, `tls.key`) and/or a CA certificate (`ca.crt`). */
  readonly certSecretRef?: FluxLocalObjectReference;
  /** Excluded patterns in .sourceignore (.gitignore) format, replacing the default set. */
  readonly ignore?: string;
  /** Allow connecting to a non-TLS HTTP container registry. */
  readonly insecure?: boolean;
  /** Interval at which the URL is checked for updates (approximate, jittered). */
  readonly interval: FluxDuration;
  /** Layer to extract from the artifact; the first layer when unset. */
  readonly layerSelector?: OCILayerSelector;
  /** Provider used for authentication. @default "generic" */
  readonly provider?: "generic" | "aws" | "azure" | "gcp";
  /** Secret with the proxy configuration for talking to the registry. */
  readonly proxySecretRef?: FluxLocalObjectReference;
  /** OCI reference to pull and watch; the `latest` tag when unset. */
  readonly ref?: OCIRepositoryRef;
  /** Secret (`kubernetes.io/dockerconfigjson`) with registry login credentials. */
  readonly secretRef?: FluxLocalObjectReference;
  /** ServiceAccount whose image pull secrets authenticate the pull. */
  readonly serviceAccountName?: string;
  /** Suspend the reconciliation of this source. */
  readonly suspend?: boolean;
  /** Timeout of remote OCI operations like pulling. @default "60s" */
  readonly timeout?: FluxDuration;
  /** OCI artifact repository on a container registry. Pattern `^oci://.*$`. */
  readonly url: string;
  /** Signature verification of the artifact. */
  readonly verify?: OCIRepositoryVerification;
}

/** Which layer of the OCI artifact is used. */
export interface OCILayerSelector {
  /** Media type of the layer; the first layer of this type is selected. */
  readonly mediaType?: string;
  /** "extract" (default) unpacks the compressed layer, "copy" stores it as is. */
  readonly operation?: "extract" | "copy";
}

/** OCI reference; precedence: digest, semver, tag. */
export interface OCIRepositoryRef {
  /** Image digest to pull, `sha256:<hash>`; takes precedence over semver. */
  readonly digest?: string;
  /** SemVer range of tags; the latest in range is pulled; takes precedence over tag. */
  readonly semver?: string;
  /** Regex filtering the tags within the semver range. */
  readonly semverFilter?: string;
  /** Tag to pull; `latest` when unset. */
  readonly tag?: string;
}

/** Signature verification settings: provider and trusted keys or keyless identities. */
export interface OCIRepositoryVerification {
  /** For Cosign keyless signing: identities of which any one must match. */
  readonly matchOIDCIdentity?: OIDCIdentityMatch[];
  /** Signing technology. @default "cosign" */
  readonly provider: "cosign" | "notation";
  /** Secret with the trusted public keys. */
  readonly secretRef?: FluxLocalObjectReference;
  /** Secret with a Sigstore `trusted_root.json`, for self-hosted Sigstore infrastructure. */
  readonly trustedRootSecretRef?: FluxLocalObjectReference;
}

/** Certificate identity (OIDC issuer and subject) to match in Cosign keyless verification. */
export interface OIDCIdentityMatch {
  /** Go regular expression matched against the OIDC issuer in the Fulcio certificate. */
  readonly issuer: string;
  /** Go regular expression matched against the identity subject in the Fulcio certificate. */
  readonly subject: string;
}
