/**
 * Where pods are declared: the head and worker groups of KubeRay resources
 * and the pod templates of core workloads, each with the field path a message
 * can point at.
 */
import { get, getIn, isRecord, items, Key, pathJoin, str } from "./read";

export const RAY_SERVICE_TYPE = "kubernetes:ray.io/v1:RayService";
export const RAY_CLUSTER_TYPE = "kubernetes:ray.io/v1:RayCluster";
export const RAY_JOB_TYPE = "kubernetes:ray.io/v1:RayJob";
export const HELM_RELEASE_TYPE = "kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease";
export const CONFIG_MAP_TYPE = "kubernetes:core/v1:ConfigMap";
export const PVC_TYPE = "kubernetes:core/v1:PersistentVolumeClaim";
export const NAMESPACE_TYPE = "kubernetes:core/v1:Namespace";
export const REGISTRY_TYPE = "azure-native:containerregistry:Registry";
export const BUILD_DEFINITION_TYPE = "azuredevops:index/buildDefinition:BuildDefinition";
export const VARIABLE_GROUP_TYPE = "azuredevops:index/variableGroup:VariableGroup";

/** Type tokens are matched on kind across API versions (ray.io/v1, v1alpha1; helm.toolkit v2, v2beta2). */
function kindOf(type: string, group: string): string | undefined {
  const m = /^kubernetes:([^/]+)\/[^:]+:(\w+)$/.exec(type);
  return m && m[1] === group ? m[2] : undefined;
}

export function isRayKind(type: string, kind: "RayService" | "RayCluster" | "RayJob"): boolean {
  return kindOf(type, "ray.io") === kind;
}

export function isHelmRelease(type: string): boolean {
  return kindOf(type, "helm.toolkit.fluxcd.io") === "HelmRelease";
}

/** Core workload kinds and the path from the resource to its pod spec. */
const CORE_POD_SPEC_PATHS: Readonly<Record<string, readonly Key[]>> = {
  "kubernetes:core/v1:Pod": ["spec"],
  "kubernetes:core/v1:PodTemplate": ["template", "spec"],
  "kubernetes:core/v1:ReplicationController": ["spec", "template", "spec"],
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

export interface PodSite {
  /** For messages: `head group`, `worker group "gpu-worker-group"`, `pod template`. */
  readonly label: string;
  /** Path of the pod spec, e.g. `spec.rayClusterConfig.workerGroupSpecs[1].template.spec`. */
  readonly path: string;
  readonly spec: unknown;
  /** For Ray groups: the group object, its path, and its `rayStartParams`. */
  readonly rayGroup?: {
    readonly path: string;
    readonly group: unknown;
    readonly rayStartParams: unknown;
    /** `head`, or the worker group's `groupName`. */
    readonly name?: string;
  };
}

function pathOf(keys: readonly Key[], base = ""): string {
  return keys.reduce<string>((p, k) => pathJoin(p, k), base);
}

/** The RayCluster specs inside a Ray resource: RayService `spec.rayClusterConfig`, RayCluster `spec`, RayJob `spec.rayClusterSpec`. */
export function rayClusterSpecs(type: string, props: unknown): { path: string; spec: unknown }[] {
  const keys: Key[] | undefined = isRayKind(type, "RayService")
    ? ["spec", "rayClusterConfig"]
    : isRayKind(type, "RayCluster")
      ? ["spec"]
      : isRayKind(type, "RayJob")
        ? ["spec", "rayClusterSpec"]
        : undefined;
  if (!keys) return [];
  const spec = getIn(props, keys);
  return isRecord(spec) ? [{ path: pathOf(keys), spec }] : [];
}

/** Every pod spec a resource declares. */
export function podSites(type: string, props: unknown): PodSite[] {
  const out: PodSite[] = [];
  for (const cluster of rayClusterSpecs(type, props)) {
    const head = get(cluster.spec, "headGroupSpec");
    if (isRecord(head)) {
      const path = pathJoin(cluster.path, "headGroupSpec");
      out.push({
        label: "head group",
        path: pathOf(["template", "spec"], path),
        spec: getIn(head, ["template", "spec"]),
        rayGroup: { path, group: head, rayStartParams: get(head, "rayStartParams"), name: "head" },
      });
    }
    items(get(cluster.spec, "workerGroupSpecs")).forEach((group, i) => {
      if (!isRecord(group)) return;
      const path = pathJoin(pathJoin(cluster.path, "workerGroupSpecs"), i);
      const name = str(get(group, "groupName"));
      out.push({
        label: name ? `worker group "${name}"` : `worker group ${i}`,
        path: pathOf(["template", "spec"], path),
        spec: getIn(group, ["template", "spec"]),
        rayGroup: { path, group, rayStartParams: get(group, "rayStartParams"), name },
      });
    });
  }
  if (isRayKind(type, "RayJob")) {
    const keys = ["spec", "submitterPodTemplate", "spec"];
    const spec = getIn(props, keys);
    if (isRecord(spec)) out.push({ label: "submitter pod", path: pathOf(keys), spec });
  }
  const corePath = CORE_POD_SPEC_PATHS[type];
  if (corePath) {
    const spec = getIn(props, corePath);
    if (isRecord(spec)) out.push({ label: "pod template", path: pathOf(corePath), spec });
  }
  return out.filter((s) => isRecord(s.spec));
}

export interface ContainerSite {
  readonly pod: PodSite;
  readonly kind: "containers" | "initContainers";
  readonly index: number;
  /** `container "ray-worker"` or `initContainer "install-heavy-deps"`. */
  readonly label: string;
  readonly name?: string;
  readonly path: string;
  readonly container: unknown;
}

export function containerSites(pod: PodSite): ContainerSite[] {
  const out: ContainerSite[] = [];
  for (const kind of ["initContainers", "containers"] as const) {
    items(get(pod.spec, kind)).forEach((container, index) => {
      if (!isRecord(container)) return;
      const name = str(get(container, "name"));
      const noun = kind === "containers" ? "container" : "initContainer";
      out.push({
        pod,
        kind,
        index,
        name,
        label: name ? `${noun} "${name}"` : `${noun} ${index}`,
        path: pathJoin(pathJoin(pod.path, kind), index),
        container,
      });
    });
  }
  return out;
}

/** A volume's mount path in a container, or undefined. */
export function mountPathOf(container: unknown, volumeName: string): string | undefined {
  for (const m of items(get(container, "volumeMounts"))) {
    if (str(get(m, "name")) === volumeName) return str(get(m, "mountPath"));
  }
  return undefined;
}

/** The volume mounted at (or containing) a directory in a container. */
export function volumeAt(container: unknown, dir: string): { volume: string; mountPath: string } | undefined {
  let best: { volume: string; mountPath: string } | undefined;
  for (const m of items(get(container, "volumeMounts"))) {
    const mountPath = str(get(m, "mountPath"));
    const volume = str(get(m, "name"));
    if (!mountPath || !volume) continue;
    const mp = mountPath.replace(/\/+$/, "");
    if ((dir === mp || dir.startsWith(`${mp}/`)) && (!best || mp.length > best.mountPath.length)) best = { volume, mountPath: mp };
  }
  return best;
}
