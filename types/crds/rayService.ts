// Written from ../shared/crds/ray.io_rayservices.yaml, version v1 (ray-project/kuberay @ feeaf72):
// `openAPIV3Schema.properties.spec`. Status and the v1alpha1 version are not typed. The schema's
// `rayClusterConfig` is identical to `spec` in ../shared/crds/ray.io_rayclusters.yaml, so RayClusterSpec
// serves both kinds. The KubeRay CRDs carry no descriptions; the JSDoc below follows the Go doc
// comments of ray-operator/apis/ray/v1.
import type * as enums from "@pulumi/kubernetes/types/enums";
import type * as input from "@pulumi/kubernetes/types/input";

export const RAY_SERVICE = {
  apiVersion: "ray.io/v1",
  kind: "RayService",
} as const;
export const RAY_CLUSTER = {
  apiVersion: "ray.io/v1",
  kind: "RayCluster",
} as const;

/** A KubeRay RayService as rendered by this program. */
export interface RayServiceObject {
  readonly apiVersion: typeof RAY_SERVICE.apiVersion;
  readonly kind: typeof RAY_SERVICE.kind;
  readonly metadata: input.meta.v1.ObjectMeta;
  readonly spec: RayServiceSpec;
}

/** A KubeRay RayCluster as rendered by this program. */
export interface RayClusterObject {
  readonly apiVersion: typeof RAY_CLUSTER.apiVersion;
  readonly kind: typeof RAY_CLUSTER.kind;
  readonly metadata: input.meta.v1.ObjectMeta;
  readonly spec: RayClusterSpec;
}

/** Values a CEL rule allows for `managedBy` (the schema itself types it as a plain string). */
export type RayManagedBy = "ray.io/kuberay-operator" | "kueue.x-k8s.io/multikueue";

/** RayService upgrade types the operator accepts; the schema has no enum for `upgradeStrategy.type`. */
export type RayServiceUpgradeType = "NewCluster" | "NewClusterWithIncrementalUpgrade" | "None";

/** Core `PullPolicy`; the schema types these fields as plain strings. */
export type PullPolicy = "Always" | "IfNotPresent" | "Never";

/** Core `PersistentVolumeAccessMode`. */
export type PersistentVolumeAccessMode = "ReadWriteOnce" | "ReadOnlyMany" | "ReadWriteMany" | "ReadWriteOncePod";

/** Desired state of a RayService: a RayCluster plus the Ray Serve applications it runs. */
export interface RayServiceSpec {
  /** @deprecated No longer read by the operator (kuberay#1685). */
  readonly deploymentUnhealthySecondThreshold?: number;
  /** Keep the head Pod out of the serve Service endpoints (its `ray.io/serve` label is always false). */
  readonly excludeHeadPodFromServeSvc?: boolean;
  /** Controller that reconciles this object: 'ray.io/kuberay-operator' (default when unset) or 'kueue.x-k8s.io/multikueue'. Immutable (CEL). */
  readonly managedBy?: RayManagedBy;
  /** Spec of the RayCluster the operator creates for this RayService (a new one on each zero-downtime upgrade). */
  readonly rayClusterConfig: RayClusterSpec;
  /** Delay in seconds before old RayClusters are deleted; the operator defaults it to 60. Minimum 0. */
  readonly rayClusterDeletionDelaySeconds?: number;
  /** Ray Serve applications and deployments, as a YAML multi-line string (Serve config file format). */
  readonly serveConfigV2?: string;
  /** Kubernetes Service in front of the head and workers that run a healthy Serve proxy. */
  readonly serveService?: input.core.v1.Service;
  /** @deprecated No longer read by the operator (kuberay#1685). */
  readonly serviceUnhealthySecondThreshold?: number;
  /** Suspend the RayService. */
  readonly suspend?: boolean;
  /** How the RayService upgrades its RayCluster. */
  readonly upgradeStrategy?: RayServiceUpgradeStrategy;
}

/** Desired state of a RayCluster (also the `rayClusterConfig` of a RayService). */
export interface RayClusterSpec {
  /** Authentication options for the Ray cluster. */
  readonly authOptions?: AuthOptions;
  /** Optional configuration for the Ray autoscaler sidecar. */
  readonly autoscalerOptions?: AutoscalerOptions;
  /** Whether the operator adds the Ray autoscaler sidecar and its config. */
  readonly enableInTreeAutoscaling?: boolean;
  /** GCS fault tolerance (GCS FT) configuration. */
  readonly gcsFaultToleranceOptions?: GcsFaultToleranceOptions;
  /** Spec of the head Pod. */
  readonly headGroupSpec: HeadGroupSpec;
  /** Annotations added to the head Service. */
  readonly headServiceAnnotations?: Record<string, string>;
  /** Ray history server configuration. */
  readonly historyServerOptions?: HistoryServerOptions;
  /** Controller that reconciles this object: 'ray.io/kuberay-operator' (default when unset) or 'kueue.x-k8s.io/multikueue'. Immutable (CEL). */
  readonly managedBy?: RayManagedBy;
  /** Network isolation: separate NetworkPolicies for head and worker Pods; intra-cluster traffic is always allowed. */
  readonly networkPolicy?: NetworkPolicyConfig;
  /** Ray version of the images; used for version-dependent behaviour (e.g. the autoscaler version). */
  readonly rayVersion?: string;
  /** Suspend the RayCluster: its head and worker Pods are deleted. */
  readonly suspend?: boolean;
  /** mTLS between Ray Pods via cert-manager; needs the RayClusterMTLS operator feature gate. */
  readonly tlsOptions?: TLSOptions;
  /** How RayCluster Pods are replaced when the spec changes. */
  readonly upgradeStrategy?: RayClusterUpgradeStrategy;
  /** Worker groups. */
  readonly workerGroupSpecs?: WorkerGroupSpec[];
}

/** Authentication options of a RayCluster. */
export interface AuthOptions {
  /** Delegate token authentication to the Kubernetes API server; unsupported for RayJob/RayService. */
  readonly enableK8sTokenAuth?: boolean;
  /** Authentication mode; the operator defaults it to "token". */
  readonly mode?: "disabled" | "token";
  /** Secret with the token under key `auth_token`; when set, KubeRay does not generate one. */
  readonly secretName?: string;
}

/** Optional configuration of the Ray autoscaler sidecar. */
export interface AutoscalerOptions {
  /** Overrides the default args of the autoscaler container. */
  readonly args?: string[];
  /** Overrides the default command of the autoscaler container. */
  readonly command?: string[];
  /** Environment variables for the autoscaler container. */
  readonly env?: input.core.v1.EnvVar[];
  /** Sources to populate environment variables in the autoscaler container. */
  readonly envFrom?: input.core.v1.EnvFromSource[];
  /** Seconds before an idle worker (no Ray resources in use) is scaled down; Ray defaults it to 60. */
  readonly idleTimeoutSeconds?: number;
  /** Overrides the autoscaler's container image (for testing and development). */
  readonly image?: string;
  /** Overrides the autoscaler container's image pull policy. */
  readonly imagePullPolicy?: PullPolicy;
  /** Resource overrides for the autoscaler container (default 500m CPU, 512Mi memory). */
  readonly resources?: input.core.v1.ResourceRequirements;
  /** Security context of the autoscaler container. */
  readonly securityContext?: input.core.v1.SecurityContext;
  /** Conservative rate-limits upscaling; Default and Aggressive do not. Read by the Ray autoscaler. */
  readonly upscalingMode?: "Default" | "Aggressive" | "Conservative";
  /** Autoscaler version; when unset the Ray version decides (v2 from Ray 2.47.0). */
  readonly version?: "v1" | "v2";
  /** Volume mounts for the autoscaler container (needed for TLS). */
  readonly volumeMounts?: input.core.v1.VolumeMount[];
}

/** GCS fault tolerance: where the head persists GCS metadata (external Redis or embedded RocksDB). */
export interface GcsFaultToleranceOptions {
  /** Persistence backend for GCS FT; defaults to "redis". Immutable (CEL). */
  readonly backend?: "redis" | "rocksdb";
  /** Namespace (key prefix) in the external storage for this cluster. */
  readonly externalStorageNamespace?: string;
  /** Address of the external Redis service (backend "redis"). */
  readonly redisAddress?: string;
  /** Redis password, literal or from a Secret/ConfigMap. */
  readonly redisPassword?: RedisCredential;
  /** Redis username, literal or from a Secret/ConfigMap. */
  readonly redisUsername?: RedisCredential;
  /** Persistent volume backing the embedded RocksDB store (backend "rocksdb"). */
  readonly storage?: GcsEmbeddedStorage;
}

/** Redis username or password: a literal `value` or a `valueFrom` source. */
export interface RedisCredential {
  /** Literal value. */
  readonly value?: string;
  /** Source of the value (e.g. a secretKeyRef). */
  readonly valueFrom?: RedisCredentialSource;
}

/**
 * A core EnvVarSource with `fileKeyRef` (Kubernetes 1.34), which the CRD accepts and the pinned
 * @pulumi/kubernetes 4.25.0 types predate.
 */
export interface RedisCredentialSource {
  readonly configMapKeyRef?: input.core.v1.ConfigMapKeySelector;
  readonly fieldRef?: input.core.v1.ObjectFieldSelector;
  /** A key of an env file in a volume of the pod. */
  readonly fileKeyRef?: {
    readonly key: string;
    readonly optional?: boolean;
    readonly path: string;
    readonly volumeName: string;
  };
  readonly resourceFieldRef?: input.core.v1.ResourceFieldSelector;
  readonly secretKeyRef?: input.core.v1.SecretKeySelector;
}

/** PVC backing the embedded RocksDB GCS store; RocksDB allows one writer at a time. */
export interface GcsEmbeddedStorage {
  /** Access modes of the operator-managed PVC; defaults to [ReadWriteOnce]. Ignored with claimName. */
  readonly accessModes?: PersistentVolumeAccessMode[];
  /** Existing user-owned PVC to use as-is; excludes size, storageClassName and accessModes. */
  readonly claimName?: string;
  /** Whether the operator-managed PVC is deleted with the RayCluster; defaults to DeleteWithCluster. */
  readonly deletionPolicy?: "DeleteWithCluster" | "Retain";
  /** Size (quantity) of the operator-managed PVC; defaults to 1Gi. Ignored with claimName. */
  readonly size?: number | string;
  /** StorageClass of the operator-managed PVC; cluster default when unset. */
  readonly storageClassName?: string;
  /** Mount a subdirectory of the volume instead of its root. */
  readonly subPath?: string;
}

/** Spec of the head Pod. */
export interface HeadGroupSpec {
  /** Whether the operator creates an Ingress for the head service. */
  readonly enableIngress?: boolean;
  /** Overrides for the Kubernetes Service of the head Pod. */
  readonly headService?: input.core.v1.Service;
  /** Host, path and TLS of the Ingress generated for the head service. */
  readonly ingressOptions?: IngressOptions;
  /** Ray node labels for the head; also added to the Pod, overriding `--labels` in rayStartParams. */
  readonly labels?: Record<string, string>;
  /** Parameters of `ray start` (e.g. `dashboard-host`, `num-cpus`), values as strings. */
  readonly rayStartParams?: Record<string, string>;
  /** Ray logical resources of the head; override rayStartParams, not the container resources. */
  readonly resources?: Record<string, string>;
  /** Kubernetes Service type of the head service (ClusterIP, NodePort, LoadBalancer). */
  readonly serviceType?: enums.core.v1.ServiceSpecType;
  /** Pod template of the head. */
  readonly template: input.core.v1.PodTemplateSpec;
}

/** Host, path and TLS of the Ingress generated for the head service. */
export interface IngressOptions {
  /** Host routed to the Ray dashboard; any host when unset. */
  readonly host?: string;
  /** HTTP path routed to the Ray dashboard; the operator defaults it to "/". */
  readonly path?: string;
  /** Path matching mode; the operator defaults it to "Prefix". */
  readonly pathType?: "Exact" | "Prefix" | "ImplementationSpecific";
  /** TLS termination for the generated Ingress. */
  readonly tls?: input.networking.v1.IngressTLS[];
}

/** Ray history server configuration. */
export interface HistoryServerOptions {
  /** Settings of the history server collector sidecar. */
  readonly collectorOptions?: CollectorOptions;
}

/** Settings of the history server collector sidecar. */
export interface CollectorOptions {
  /** Environment variables for the collector container. */
  readonly env?: input.core.v1.EnvVar[];
  /** Collector container image. */
  readonly image?: string;
  /** Pull policy of the collector image. */
  readonly imagePullPolicy?: PullPolicy;
  /** Resource requirements of the collector container. */
  readonly resources?: input.core.v1.ResourceRequirements;
}

/** Network isolation of the Ray Pods; intra-cluster Pod-to-Pod traffic is always allowed, DNS egress is not. */
export interface NetworkPolicyConfig {
  /** Extra rules appended to the head Pod policy. */
  readonly head?: NetworkPolicyRules;
  /** Which traffic is denied by default. DNS egress is not added automatically. @default "DenyAll" */
  readonly mode?: "DenyAll" | "DenyAllIngress" | "DenyAllEgress";
  /** Extra rules appended to the worker Pod policy; default for worker groups without an entry. */
  readonly worker?: NetworkPolicyRules;
  /** Per-worker-group rules (keyed by groupName); an entry replaces `worker` for that group. */
  readonly workerGroups?: WorkerGroupNetworkPolicyRules[];
}

/** Custom NetworkPolicy rules appended to the base policy. */
export interface NetworkPolicyRules {
  /** Egress rules appended to the base policy; under DenyAll/DenyAllEgress add DNS here. */
  readonly egressRules?: input.networking.v1.NetworkPolicyEgressRule[];
  /** Ingress rules appended to the base policy (DenyAll or DenyAllIngress). */
  readonly ingressRules?: input.networking.v1.NetworkPolicyIngressRule[];
}

/** NetworkPolicy rules bound to one worker group. */
export interface WorkerGroupNetworkPolicyRules extends NetworkPolicyRules {
  /** Worker group this entry applies to (WorkerGroupSpec.groupName). */
  readonly groupName: string;
}

/** mTLS between Ray Pods, provisioned with cert-manager. */
export interface TLSOptions {
  /** Enable mTLS; false when omitted. */
  readonly enabled?: boolean;
}

/** How RayCluster Pods are replaced when the spec changes. */
export interface RayClusterUpgradeStrategy {
  /** Recreate deletes all Pods before creating new ones; None never recreates Pods. */
  readonly type?: "Recreate" | "None";
}

/** A group of worker Pods with the same template. */
export interface WorkerGroupSpec {
  /** Unique name of the worker group. */
  readonly groupName: string;
  /** Seconds before the v2 autoscaler terminates an idle worker of this group. */
  readonly idleTimeoutSeconds?: number;
  /** Ray node labels for this group; also added to the Pods, overriding `--labels` in rayStartParams. */
  readonly labels?: Record<string, string>;
  /** Maximum number of replicas. @default 2147483647 */
  readonly maxReplicas: number;
  /** Minimum number of replicas. @default 0 */
  readonly minReplicas: number;
  /** Number of hosts (Pods) per replica, for multi-host workers. @default 1 */
  readonly numOfHosts?: number;
  /** Autoscaler preference when several groups fit a demand (higher wins); Ray Autoscaler v2, Ray >= 2.56. @default 0 */
  readonly priority?: number;
  /** Parameters of `ray start` for the workers, values as strings. */
  readonly rayStartParams?: Record<string, string>;
  /** Desired number of replicas; the autoscaler manages it when enabled. @default 0 */
  readonly replicas?: number;
  /** Ray logical resources of the group; override rayStartParams, not the container resources. */
  readonly resources?: Record<string, string>;
  /** Which Pods to remove when scaling down. */
  readonly scaleStrategy?: ScaleStrategy;
  /** Suspend the group (all its Pods are deleted); used by RayJob DeletionStrategy, not a user-facing API. */
  readonly suspend?: boolean;
  /** Pod template of the workers. */
  readonly template: input.core.v1.PodTemplateSpec;
}

/** Which worker Pods to remove when scaling down. */
export interface ScaleStrategy {
  /** Names of worker Pods to delete. */
  readonly workersToDelete?: string[];
}

/** How a RayService moves to a new RayCluster when `rayClusterConfig` changes. */
export interface RayServiceUpgradeStrategy {
  /** Options for `NewClusterWithIncrementalUpgrade`; needs the RayServiceIncrementalUpgrade feature gate. */
  readonly clusterUpgradeOptions?: ClusterUpgradeOptions;
  /** Upgrade strategy; the operator accepts `NewCluster` (default), `NewClusterWithIncrementalUpgrade` and `None`. */
  readonly type?: RayServiceUpgradeType;
}

/** Incremental upgrade options (`NewClusterWithIncrementalUpgrade` only). */
export interface ClusterUpgradeOptions {
  /** Name of the Gateway API GatewayClass installed by the cluster admin. */
  readonly gatewayClassName: string;
  /** Seconds between moving `stepSizePercent` of traffic from the old to the new RayCluster. */
  readonly intervalSeconds: number;
  /** Serve capacity (percent) the new cluster scales up by each interval. @default 100 */
  readonly maxSurgePercent?: number;
  /** Percent of traffic switched to the new RayCluster each interval after scaling by `maxSurgePercent`. */
  readonly stepSizePercent: number;
}
