// Written from ../shared/crds/helm.toolkit.fluxcd.io_helmreleases.yaml, version v2
// (fluxcd/helm-controller @ 0f61a86): `openAPIV3Schema.properties.spec`. Status is not typed.
import type * as input from "@pulumi/kubernetes/types/input";
import type { FluxDuration, FluxLocalObjectReference, FluxSecretKeyReference } from "./fluxMeta";

export const HELM_RELEASE = {
  apiVersion: "helm.toolkit.fluxcd.io/v2",
  kind: "HelmRelease",
} as const;

/** A Flux HelmRelease as rendered by this program. */
export interface HelmReleaseObject {
  readonly apiVersion: typeof HELM_RELEASE.apiVersion;
  readonly kind: typeof HELM_RELEASE.kind;
  readonly metadata: input.meta.v1.ObjectMeta;
  readonly spec: HelmReleaseSpec;
}

/** CRD policy of an install or upgrade: Skip (neither install nor replace), Create (only new CRDs), CreateReplace (also replace existing ones). */
export type HelmCRDsPolicy = "Skip" | "Create" | "CreateReplace";

/** Server-side apply on upgrade/rollback; "auto" follows what the release used before. */
export type HelmServerSideApplyMode = "enabled" | "disabled" | "auto";

/** What the controller does after a failed install/upgrade. */
export type HelmActionStrategyName = "RemediateOnFailure" | "RetryOnFailure";

/**
 * Desired state of a Helm release.
 * @remarks CEL: exactly one of `chart` and `chartRef` must be set.
 */
export interface HelmReleaseSpec {
  /** Template of the HelmChart (source.toolkit.fluxcd.io/v1) the controller creates for this release. Exclusive with `chartRef`. */
  readonly chart?: HelmChartTemplate;
  /** Reference to an existing OCIRepository, HelmChart or ExternalArtifact holding the chart. Exclusive with `chart`. */
  readonly chartRef?: CrossNamespaceSourceReference;
  /** Labels and annotations applied to all resources of the release, overriding keys they already have. */
  readonly commonMetadata?: CommonMetadata;
  /** HelmReleases that must be ready before this one is reconciled. */
  readonly dependsOn?: DependencyReference[];
  /** Detection and handling of drift between the Helm manifest and the cluster. */
  readonly driftDetection?: DriftDetection;
  /** CEL health checks for custom resources; evaluated only when waiting with the "poller" wait strategy. */
  readonly healthCheckExprs?: CustomHealthCheck[];
  /** Configuration of Helm install actions. */
  readonly install?: HelmInstall;
  /** Interval at which to reconcile the Helm release. */
  readonly interval: FluxDuration;
  /** KubeConfig for reconciling the release on a remote cluster. */
  readonly kubeConfig?: KubeConfigReference;
  /** Number of revisions Helm keeps; 0 is unlimited. Defaults to 5. */
  readonly maxHistory?: number;
  /** Reuse one Kubernetes client for a whole reconciliation; defaults to true. */
  readonly persistentClient?: boolean;
  /** How hooks reach post-renderers: nohooks (Helm 3), combined (Helm 4 default) or separate. */
  readonly postRenderStrategy?: "nohooks" | "combined" | "separate";
  /** Helm post-renderers, applied in order. */
  readonly postRenderers?: PostRenderer[];
  /** Helm release name; defaults to `[targetNamespace-]name`. Length 1-53. */
  readonly releaseName?: string;
  /** Configuration of Helm rollback actions. */
  readonly rollback?: HelmRollback;
  /** ServiceAccount to impersonate when reconciling. Length 1-253. */
  readonly serviceAccountName?: string;
  /** Namespace of the Helm storage; the HelmRelease's namespace when unset. Length 1-63. */
  readonly storageNamespace?: string;
  /** Suspend reconciliation; reconciliations already started are not affected. */
  readonly suspend?: boolean;
  /** Namespace the release is installed into; the HelmRelease's namespace when unset. Length 1-63. */
  readonly targetNamespace?: string;
  /** Configuration of Helm test actions. */
  readonly test?: HelmTest;
  /** Time to wait for any individual Kubernetes operation during a Helm action. Defaults to 5m0s. */
  readonly timeout?: FluxDuration;
  /** Configuration of Helm uninstall actions. */
  readonly uninstall?: HelmUninstall;
  /** Configuration of Helm upgrade actions. */
  readonly upgrade?: HelmUpgrade;
  /** Helm values of the release (any YAML). */
  readonly values?: Record<string, unknown>;
  /** Secrets and ConfigMaps holding values, merged in order (after which `values` is merged on top). */
  readonly valuesFrom?: ValuesReference[];
  /** How Helm waits for applied resources to become ready. */
  readonly waitStrategy?: HelmWaitStrategy;
}

/** Template of the HelmChart created for the release. */
export interface HelmChartTemplate {
  /** Labels and annotations of the HelmChart. */
  readonly metadata?: HelmChartTemplateObjectMeta;
  /** Spec of the HelmChart. */
  readonly spec: HelmChartTemplateSpec;
}

/** Metadata template of the HelmChart. */
export interface HelmChartTemplateObjectMeta {
  /** Annotations of the HelmChart. */
  readonly annotations?: Record<string, string>;
  /** Labels of the HelmChart. */
  readonly labels?: Record<string, string>;
}

/** Template of the HelmChart spec (source.toolkit.fluxcd.io/v1 HelmChartSpec). */
export interface HelmChartTemplateSpec {
  /** Name or path of the chart in the source. Length 1-2048. */
  readonly chart: string;
  /** Silently ignore missing `valuesFiles` instead of failing. */
  readonly ignoreMissingValuesFiles?: boolean;
  /** Interval at which the source is checked for updates; defaults to the release's `interval`. */
  readonly interval?: FluxDuration;
  /** What makes a new artifact: a new chart version, or (Git/Bucket sources) a new source revision. @default "ChartVersion" */
  readonly reconcileStrategy?: "ChartVersion" | "Revision";
  /** The source the chart is available in. */
  readonly sourceRef: CrossNamespaceObjectReference;
  /** Values files in the source to use instead of values.yaml, merged in order (last wins). */
  readonly valuesFiles?: string[];
  /** Signature verification of the chart; OCI sources only. */
  readonly verify?: HelmChartTemplateVerification;
  /** SemVer expression of the chart version; ignored for GitRepository and Bucket sources. @default "*" */
  readonly version?: string;
}

/** Reference to the source of a chart template. */
export interface CrossNamespaceObjectReference {
  /** APIVersion of the referent. */
  readonly apiVersion?: string;
  /** Kind of the referent. */
  readonly kind: "HelmRepository" | "GitRepository" | "Bucket";
  /** Name of the referent. Length 1-253. */
  readonly name: string;
  /** Namespace of the referent. Length 1-63. */
  readonly namespace?: string;
}

/** Signature verification of an OCI chart. */
export interface HelmChartTemplateVerification {
  /** Signing technology. @default "cosign" */
  readonly provider: "cosign" | "notation";
  /** Secret with the trusted public keys. */
  readonly secretRef?: FluxLocalObjectReference;
}

/** Reference to a source-controller object that holds a chart artifact. */
export interface CrossNamespaceSourceReference {
  /** APIVersion of the referent. */
  readonly apiVersion?: string;
  /** Kind of the referent. */
  readonly kind: "OCIRepository" | "HelmChart" | "ExternalArtifact";
  /** Name of the referent. Length 1-253. */
  readonly name: string;
  /** Namespace of the referent; the HelmRelease's namespace when unset. Length 1-63. */
  readonly namespace?: string;
}

/** Labels and annotations applied to every resource of the release. */
export interface CommonMetadata {
  /** Annotations added to each object's metadata. */
  readonly annotations?: Record<string, string>;
  /** Labels added to each object's metadata. */
  readonly labels?: Record<string, string>;
}

/** A HelmRelease this release depends on. */
export interface DependencyReference {
  /** Name of the referent. */
  readonly name: string;
  /** Namespace of the referent; the HelmRelease's namespace when unset. */
  readonly namespace?: string;
  /** CEL readiness expression replacing the built-in check (additive with the AdditiveCELDependencyCheck feature gate). */
  readonly readyExpr?: string;
}

/** Drift detection between the Helm storage manifest and the cluster. */
export interface DriftDetection {
  /** Changes to ignore when diffing. */
  readonly ignore?: IgnoreRule[];
  /** "enabled" corrects drift, "warn" only reports it; "disabled" when unset. */
  readonly mode?: "enabled" | "warn" | "disabled";
}

/** Changes to disregard during drift detection. */
export interface IgnoreRule {
  /** JSON Pointer (RFC 6901) paths to ignore. */
  readonly paths: string[];
  /** Objects the rule applies to; all objects of the release when unset. */
  readonly target?: KustomizeSelector;
}

/** Kustomize-style selector of Kubernetes objects. */
export interface KustomizeSelector {
  /** Label-selector expression matched against the annotations. */
  readonly annotationSelector?: string;
  /** API group. */
  readonly group?: string;
  /** Kind. */
  readonly kind?: string;
  /** Label-selector expression matched against the labels. */
  readonly labelSelector?: string;
  /** Name to match. */
  readonly name?: string;
  /** Namespace to match. */
  readonly namespace?: string;
  /** API version. */
  readonly version?: string;
}

/** CEL health check for a custom resource kind. */
export interface CustomHealthCheck {
  /** APIVersion of the custom resource. */
  readonly apiVersion: string;
  /** CEL expression true when the resource reached its desired state. */
  readonly current: string;
  /** CEL expression true when the resource failed to reach its desired state. */
  readonly failed?: string;
  /** CEL expression true while the resource is still progressing. */
  readonly inProgress?: string;
  /** Kind of the custom resource. */
  readonly kind?: string;
}

/** Configuration of Helm install actions (Flux `Install`). */
export interface HelmInstall {
  /** CRD policy on install; "Create" when unset. */
  readonly crds?: HelmCRDsPolicy;
  /** Create `targetNamespace` if missing; it is not deleted on uninstall. */
  readonly createNamespace?: boolean;
  /** Do not run hooks during install. */
  readonly disableHooks?: boolean;
  /** Do not validate rendered templates against the Kubernetes OpenAPI schema. */
  readonly disableOpenAPIValidation?: boolean;
  /** Do not validate the values against the chart's JSON schema. */
  readonly disableSchemaValidation?: boolean;
  /** Do not take ownership of existing resources. */
  readonly disableTakeOwnership?: boolean;
  /** Do not wait for resources to be ready after install. */
  readonly disableWait?: boolean;
  /** Do not wait for Jobs to complete after install. */
  readonly disableWaitForJobs?: boolean;
  /** Remediation of a failed install; none by default. */
  readonly remediation?: InstallRemediation;
  /** Reuse the release name if it is a deleted release still in the history. */
  readonly replace?: boolean;
  /** Server-side apply on install; true unless the UseHelm3Defaults feature gate is on. */
  readonly serverSideApply?: boolean;
  /** @deprecated Use `crds: "Skip"`. Do not install CRDs. */
  readonly skipCRDs?: boolean;
  /** Install strategy; "RemediateOnFailure" unless the DefaultToRetryOnFailure feature gate is on. */
  readonly strategy?: HelmInstallStrategy;
  /** Time to wait for any individual Kubernetes operation; defaults to the release's `timeout`. */
  readonly timeout?: FluxDuration;
}

/** Remediation of a failed install. */
export interface InstallRemediation {
  /** Skip remediation when tests after install fail; defaults to `test.ignoreFailures`. */
  readonly ignoreTestFailures?: boolean;
  /** Remediate the last failure when no retries remain; false by default. */
  readonly remediateLastFailure?: boolean;
  /** Retries before giving up (uninstall between attempts); 0 by default, negative for unlimited. */
  readonly retries?: number;
}

/**
 * Install strategy.
 * @remarks CEL: `retryInterval` cannot be set when `name` is "RemediateOnFailure".
 */
export interface HelmInstallStrategy {
  /** Name of the install strategy. */
  readonly name: HelmActionStrategyName;
  /** Interval between retries of a failed install; "RetryOnFailure" only. Defaults to 5m. */
  readonly retryInterval?: FluxDuration;
}

/**
 * KubeConfig of a remote cluster.
 * @remarks CEL: exactly one of `configMapRef` and `secretRef` must be set.
 */
export interface KubeConfigReference {
  /** ConfigMap with `provider` (aws, azure, gcp, generic), `cluster`, `address`, `ca.crt`, `audiences`, `serviceAccountName`. */
  readonly configMapRef?: FluxLocalObjectReference;
  /** Secret with a kubeconfig file under `key` (default "value"); generic provider only. */
  readonly secretRef?: FluxSecretKeyReference;
}

/** A Helm post-renderer. */
export interface PostRenderer {
  /** Kustomization applied as post-renderer. */
  readonly kustomize?: PostRendererKustomize;
}

/** Kustomization applied as a post-renderer (Flux `Kustomize`). */
export interface PostRendererKustomize {
  /** Image name, tag or digest replacements. */
  readonly images?: KustomizeImage[];
  /** Strategic-merge or JSON6902 patches with their targets. */
  readonly patches?: KustomizePatch[];
}

/** Kustomize image replacement. */
export interface KustomizeImage {
  /** Digest replacing the tag; `newTag` is ignored when set. */
  readonly digest?: string;
  /** Tag-less image name to match. */
  readonly name: string;
  /** New image name. */
  readonly newName?: string;
  /** New tag. */
  readonly newTag?: string;
}

/** Kustomize inline patch and its target. */
export interface KustomizePatch {
  /** Inline strategic-merge patch or JSON6902 operation list. */
  readonly patch: string;
  /** Objects the patch applies to. */
  readonly target?: KustomizeSelector;
}

/** Configuration of Helm rollback actions (Flux `Rollback`). */
export interface HelmRollback {
  /** Delete new resources created by a failed rollback. */
  readonly cleanupOnFail?: boolean;
  /** Do not run hooks during rollback. */
  readonly disableHooks?: boolean;
  /** Do not wait for resources to be ready after rollback. */
  readonly disableWait?: boolean;
  /** Do not wait for Jobs to complete after rollback. */
  readonly disableWaitForJobs?: boolean;
  /** Force updates through replacement on client-side apply; ignored with server-side apply. */
  readonly force?: boolean;
  /** @deprecated No effect since the Helm 4 SDK (prints a warning). Restart managed workloads. */
  readonly recreate?: boolean;
  /** Server-side apply on rollback; "auto" when unset. */
  readonly serverSideApply?: HelmServerSideApplyMode;
  /** Time to wait for any individual Kubernetes operation; defaults to the release's `timeout`. */
  readonly timeout?: FluxDuration;
}

/** Configuration of Helm test actions (Flux `Test`). */
export interface HelmTest {
  /** Run Helm tests after an install or upgrade. */
  readonly enable?: boolean;
  /** Tests to run or exclude. */
  readonly filters?: HelmTestFilter[];
  /** Skip remediation when tests fail; overridable per install/upgrade remediation. */
  readonly ignoreFailures?: boolean;
  /** Time to wait for any individual Kubernetes operation; defaults to the release's `timeout`. */
  readonly timeout?: FluxDuration;
}

/** Helm test filter (Flux `Filter`). */
export interface HelmTestFilter {
  /** Exclude the named test instead of selecting it. */
  readonly exclude?: boolean;
  /** Name of the test. Length 1-253. */
  readonly name: string;
}

/** Configuration of Helm uninstall actions (Flux `Uninstall`). */
export interface HelmUninstall {
  /** Deletion propagation policy of the uninstall. @default "background" */
  readonly deletionPropagation?: "background" | "foreground" | "orphan";
  /** Do not run hooks during uninstall. */
  readonly disableHooks?: boolean;
  /** Do not wait for all resources to be deleted. */
  readonly disableWait?: boolean;
  /** Remove the resources but keep the release history. */
  readonly keepHistory?: boolean;
  /** Time to wait for any individual Kubernetes operation; defaults to the release's `timeout`. */
  readonly timeout?: FluxDuration;
}

/** Configuration of Helm upgrade actions (Flux `Upgrade`). */
export interface HelmUpgrade {
  /** What to do when the chart name changes; "Reinstall" when unset. */
  readonly chartNameChangeStrategy?: "InPlaceUpdate" | "Reinstall";
  /** Delete new resources created by a failed upgrade. */
  readonly cleanupOnFail?: boolean;
  /** CRD policy on upgrade; "Skip" when unset. */
  readonly crds?: HelmCRDsPolicy;
  /** Do not run hooks during upgrade. */
  readonly disableHooks?: boolean;
  /** Do not validate rendered templates against the Kubernetes OpenAPI schema. */
  readonly disableOpenAPIValidation?: boolean;
  /** Do not validate the values against the chart's JSON schema. */
  readonly disableSchemaValidation?: boolean;
  /** Do not take ownership of existing resources. */
  readonly disableTakeOwnership?: boolean;
  /** Do not wait for resources to be ready after upgrade. */
  readonly disableWait?: boolean;
  /** Do not wait for Jobs to complete after upgrade. */
  readonly disableWaitForJobs?: boolean;
  /** Force updates through replacement on client-side apply; ignored with server-side apply. */
  readonly force?: boolean;
  /** Reuse the last release's values, merging `values` on top; makes the release non-declarative. */
  readonly preserveValues?: boolean;
  /** Remediation of a failed upgrade; none by default. */
  readonly remediation?: UpgradeRemediation;
  /** Server-side apply on upgrade; "auto" when unset. */
  readonly serverSideApply?: HelmServerSideApplyMode;
  /** Upgrade strategy; "RemediateOnFailure" unless the DefaultToRetryOnFailure feature gate is on. */
  readonly strategy?: HelmUpgradeStrategy;
  /** Time to wait for any individual Kubernetes operation; defaults to the release's `timeout`. */
  readonly timeout?: FluxDuration;
}

/** Remediation of a failed upgrade. */
export interface UpgradeRemediation {
  /** Skip remediation when tests after upgrade fail; defaults to `test.ignoreFailures`. */
  readonly ignoreTestFailures?: boolean;
  /** Remediate the last failure when no retries remain; false unless `retries` > 0. */
  readonly remediateLastFailure?: boolean;
  /** Retries before giving up (`strategy` between attempts); 0 by default, negative for unlimited. */
  readonly retries?: number;
  /** Remediation strategy; "rollback" when unset. */
  readonly strategy?: "rollback" | "uninstall";
}

/**
 * Upgrade strategy.
 * @remarks CEL: `retryInterval` can only be set when `name` is "RetryOnFailure".
 */
export interface HelmUpgradeStrategy {
  /** Name of the upgrade strategy. */
  readonly name: HelmActionStrategyName;
  /** Interval between retries of a failed upgrade; "RetryOnFailure" only. Defaults to 5m. */
  readonly retryInterval?: FluxDuration;
}

/** A Secret or ConfigMap holding Helm values, and how they are merged. */
export interface ValuesReference {
  /** Kind of the values referent. */
  readonly kind: "Secret" | "ConfigMap";
  /** With `targetPath`, merge the value as is, like `helm --set-literal` (no `--set` syntax interpretation). */
  readonly literal?: boolean;
  /** Name of the referent, in the HelmRelease's namespace. Length 1-253. */
  readonly name: string;
  /** Ignore a missing referent (other errors still fail the reconciliation). */
  readonly optional?: boolean;
  /** YAML dot-notation path to merge a single flat value at; the root when unset. At most 250 characters. Pattern `^([a-zA-Z0-9_\-.\\\/]|\[[0-9]{1,5}\])+$`. */
  readonly targetPath?: string;
  /** Data key holding the values (or the single value); defaults to "values.yaml". At most 253 characters. Pattern `^[\-._a-zA-Z0-9]+$`. */
  readonly valuesKey?: string;
}

/** Helm's wait strategy (Flux `WaitStrategy`). */
export interface HelmWaitStrategy {
  /** "poller" (kstatus, default) or "legacy" (Helm 3 waiting; default with UseHelm3Defaults). */
  readonly name: "poller" | "legacy";
}
