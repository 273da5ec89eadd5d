// Written from ../shared/crds/source.toolkit.fluxcd.io_helmrepositories.yaml, version v1
// (fluxcd/source-controller @ 39b711b): `openAPIV3Schema.properties.spec`. Status is not typed.
import type * as input from "@pulumi/kubernetes/types/input";
import type { FluxAccessFrom, FluxDuration, FluxLocalObjectReference } from "./fluxMeta";

export const HELM_REPOSITORY = {
  apiVersion: "source.toolkit.fluxcd.io/v1",
  kind: "HelmRepository",
} as const;

/** A Flux HelmRepository as rendered by this program. */
export interface HelmRepositoryObject {
  readonly apiVersion: typeof HELM_REPOSITORY.apiVersion;
  readonly kind: typeof HELM_REPOSITORY.kind;
  readonly metadata: input.meta.v1.ObjectMeta;
  readonly spec: HelmRepositorySpec;
}

/** Configuration to produce an Artifact for a Helm repository index (or to point at an OCI Helm repository). */
export interface HelmRepositorySpec {
  /** ACL for cross-namespace references to this object; not implemented by Flux yet (provisional). */
  readonly accessFrom?: FluxAccessFrom;
  /** Secret with a client certificate (`tls.crt`, `tls.key`) and/or a CA certificate (`ca.crt`); takes precedence over `secretRef`. */
  readonly certSecretRef?: FluxLocalObjectReference;
  /** Allow connecting to a non-TLS HTTP registry; only for `type: "oci"`. */
  readonly insecure?: boolean;
  /** Interval at which the URL is checked for updates (approximate, jittered). */
  readonly interval?: FluxDuration;
  /** Pass `secretRef` credentials to hosts other than the URL's host (beware of MITM). */
  readonly passCredentials?: boolean;
  /** Provider used for authentication; only for `type: "oci"`. @default "generic" */
  readonly provider?: "generic" | "aws" | "azure" | "gcp";
  /** Secret with credentials: `username` and `password` for HTTP/S basic auth. */
  readonly secretRef?: FluxLocalObjectReference;
  /** Suspend the reconciliation of this HelmRepository. */
  readonly suspend?: boolean;
  /** Timeout of the index fetch (HTTPS) or of remote OCI operations; defaults to 60s. */
  readonly timeout?: FluxDuration;
  /** Repository type; with "oci" the URL must start with `oci://`. */
  readonly type?: "default" | "oci";
  /** URL of the Helm repository (protocol and host at least). Pattern `^(http|https|oci)://.*$`. */
  readonly url: string;
}
