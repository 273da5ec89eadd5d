// Written from ../shared/crds/image.toolkit.fluxcd.io_imagerepositories.yaml, version v1
// (fluxcd/image-reflector-controller @ debe2aa): `openAPIV3Schema.properties.spec`. Status is not typed.
import type * as input from "@pulumi/kubernetes/types/input";
import type { FluxAccessFrom, FluxDuration, FluxLocalObjectReference } from "./fluxMeta";

export const IMAGE_REPOSITORY = {
  apiVersion: "image.toolkit.fluxcd.io/v1",
  kind: "ImageRepository",
} as const;

/** A Flux ImageRepository as rendered by this program. */
export interface ImageRepositoryObject {
  readonly apiVersion: typeof IMAGE_REPOSITORY.apiVersion;
  readonly kind: typeof IMAGE_REPOSITORY.kind;
  readonly metadata: input.meta.v1.ObjectMeta;
  readonly spec: ImageRepositorySpec;
}

/** Parameters for scanning an image repository, e.g. `fluxcd/flux`. */
export interface ImageRepositorySpec {
  /** ACL allowing cross-namespace references to this ImageRepository, by the caller's namespace labels. */
  readonly accessFrom?: FluxAccessFrom;
  /** Secret with a client certificate (`tls.crt`, `tls.key`) and/or a CA certificate (`ca.crt`) for the registry. */
  readonly certSecretRef?: FluxLocalObjectReference;
  /** Regexes of tags not to store in the database. At most 25 items. @default ["^.*\\.sig$"] */
  readonly exclusionList?: string[];
  /** Name of the image repository, e.g. `myregistry.azurecr.io/app`. */
  readonly image: string;
  /** Allow connecting to a non-TLS HTTP container registry. */
  readonly insecure?: boolean;
  /** Time between scans of the image repository. */
  readonly interval: FluxDuration;
  /** Provider used for authentication. @default "generic" */
  readonly provider?: "generic" | "aws" | "azure" | "gcp";
  /** Secret with the proxy configuration for talking to the registry. */
  readonly proxySecretRef?: FluxLocalObjectReference;
  /** Secret with registry credentials (`kubernetes.io/dockerconfigjson`). */
  readonly secretRef?: FluxLocalObjectReference;
  /** ServiceAccount whose image pull secrets authenticate the scan. At most 253 characters. */
  readonly serviceAccountName?: string;
  /** Suspend subsequent scans; scans already started are not affected. */
  readonly suspend?: boolean;
  /** Timeout of a scan; defaults to `interval`. */
  readonly timeout?: FluxDuration;
}
