// Written from ../shared/crds/source.toolkit.fluxcd.io_gitrepositories.yaml, version v1
// (fluxcd/source-controller @ 39b711b): `openAPIV3Schema.properties.spec`. Status is not typed.
import type * as input from "@pulumi/kubernetes/types/input";
import type { FluxDuration, FluxLocalObjectReference } from "./fluxMeta";

export const GIT_REPOSITORY = {
  apiVersion: "source.toolkit.fluxcd.io/v1",
  kind: "GitRepository",
} as const;

/** A Flux GitRepository as rendered by this program. */
export interface GitRepositoryObject {
  readonly apiVersion: typeof GIT_REPOSITORY.apiVersion;
  readonly kind: typeof GIT_REPOSITORY.kind;
  readonly metadata: input.meta.v1.ObjectMeta;
  readonly spec: GitRepositorySpec;
}

/**
 * Configuration to produce an Artifact for a Git repository.
 * @remarks CEL: `serviceAccountName` can only be set when `provider` is "azure" or "aws".
 */
export interface GitRepositorySpec {
  /** Excluded patterns in .sourceignore (.gitignore) format, replacing the default set. */
  readonly ignore?: string;
  /** Other GitRepositories whose Artifact contents are included in this one. */
  readonly include?: GitRepositoryInclude[];
  /** Interval at which the repository is checked for updates (approximate, jittered). */
  readonly interval: FluxDuration;
  /** Provider used for authentication; "generic" when unset. */
  readonly provider?: "generic" | "aws" | "azure" | "github";
  /** Secret with the proxy configuration for talking to the Git server. */
  readonly proxySecretRef?: FluxLocalObjectReference;
  /** Clone all submodules, with their default settings. */
  readonly recurseSubmodules?: boolean;
  /** Git reference to resolve and watch; the `master` branch when unset. */
  readonly ref?: GitRepositoryRef;
  /** Secret with credentials: `username`/`password` or `bearerToken` for HTTPS, `identity`/`known_hosts` for SSH. */
  readonly secretRef?: FluxLocalObjectReference;
  /** ServiceAccount used to authenticate; only for the "azure" and "aws" providers. */
  readonly serviceAccountName?: string;
  /** Directories to check out; only these end up in the Artifact. */
  readonly sparseCheckout?: string[];
  /** Suspend the reconciliation of this GitRepository. */
  readonly suspend?: boolean;
  /** Timeout of Git operations like cloning. @default "60s" */
  readonly timeout?: FluxDuration;
  /** Repository URL, HTTP/S or SSH. Pattern `^(http|https|ssh)://.*$`. */
  readonly url: string;
  /** Verification of the Git commit and/or tag signatures. */
  readonly verify?: GitRepositoryVerification;
}

/** A GitRepository whose Artifact (sub-)contents are included, and where they are placed. */
export interface GitRepositoryInclude {
  /** Path to copy contents from; the Artifact root when unset. */
  readonly fromPath?: string;
  /** The GitRepository to include, in the same namespace. */
  readonly repository: FluxLocalObjectReference;
  /** Path to copy contents to; the name of the included GitRepository when unset. */
  readonly toPath?: string;
}

/** Git reference to check out; precedence: commit, name, semver, tag, branch. */
export interface GitRepositoryRef {
  /** Branch to check out; `master` if no other field is set. */
  readonly branch?: string;
  /** Commit SHA to check out; takes precedence over all other fields (can be combined with `branch` for a shallow clone). */
  readonly commit?: string;
  /** Full Git reference to check out, e.g. `refs/heads/main`; takes precedence over branch, tag and semver. */
  readonly name?: string;
  /** SemVer tag expression to check out; takes precedence over tag. */
  readonly semver?: string;
  /** Tag to check out; takes precedence over branch. */
  readonly tag?: string;
}

/** Verification of Git commit signatures. */
export interface GitRepositoryVerification {
  /** Which objects are verified; "head" is a backwards-compatible alias of "HEAD". @default "HEAD" */
  readonly mode?: "head" | "HEAD" | "Tag" | "TagAndHEAD";
  /** Secret with trusted public keys: PGP under `*.asc` keys, SSH under `*.sshpub` keys. */
  readonly secretRef: FluxLocalObjectReference;
}
