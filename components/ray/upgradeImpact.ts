/**
 * What KubeRay does with a RayService change, computed from the rules of ray-project/kuberay v1.7.0:
 *
 * - ray-operator/controllers/ray/utils/util.go, GenerateHashWithoutReplicasAndWorkersToDelete: the cluster hash
 *   leaves out each worker group's replicas, minReplicas, maxReplicas and scaleStrategy.workersToDelete, the
 *   tolerations and schedulingGates of every pod template, and the RayCluster's upgradeStrategy;
 *   rayservice_controller.go, rayClusterSpecForHashing, also leaves out `suspend`.
 * - rayservice_controller.go, shouldUpdateCluster / isClusterSpecHashEqual: an equal hash changes nothing on the
 *   running RayCluster; equal after dropping worker groups appended at the end updates it in place.
 * - shouldPrepareNewCluster / isZeroDowntimeUpgradeEnabled: any other hash change prepares a pending RayCluster when
 *   upgradeStrategy.type is NewCluster or NewClusterWithIncrementalUpgrade (its feature gate is on by default in
 *   v1.7.0), or when the type is unset and the operator's ENABLE_ZERO_DOWNTIME is not "false"; with None it does
 *   nothing at all.
 * - reconcileServe / checkIfNeedSubmitServeApplications: a changed serveConfigV2 is submitted to the running cluster.
 * - cleanUpRayClusterInstance: the old RayCluster goes rayClusterDeletionDelaySeconds (default 60) after the switch.
 *
 * Pure: it reads two rendered RayService objects (Pulumi inputs) and says what the change does.
 */

export type ChangeClass = "new-cluster" | "in-place" | "no-effect";

/** What Pulumi does with the RayService object, before KubeRay sees anything. */
export type ObjectOp = "create" | "delete" | "replace" | "update" | "same";

export interface FieldChange {
  /** e.g. `spec.rayClusterConfig.workerGroupSpecs[1].replicas`. */
  readonly path: string;
  readonly class: ChangeClass;
  readonly why: string;
}

export interface UpgradeImpact {
  readonly op: ObjectOp;
  /** The most disruptive class among the changes; undefined when nothing changed or the object is created, deleted or replaced. */
  readonly class?: ChangeClass;
  /** One line: what KubeRay will do. */
  readonly label: string;
  readonly changes: readonly FieldChange[];
  /** For a new cluster: the pending cluster's GPU pods and GPUs, which need nodes of their own until the old cluster goes. */
  readonly extraGpuPods?: number;
  readonly extraGpus?: number;
}

/** The parts of a rendered RayService this module reads. */
export interface RayServiceLike {
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly spec?: Record<string, unknown>;
}

const SEVERITY: Record<ChangeClass, number> = { "no-effect": 0, "in-place": 1, "new-cluster": 2 };

export const CLASS_LABEL: Record<ChangeClass, string> = {
  "new-cluster": "new cluster",
  "in-place": "in place",
  "no-effect": "no effect on running pods",
};

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Go's json.Marshal drops nil pointers and, with omitempty, empty slices and maps: an absent field, `null` and `[]`
 * hash the same in KubeRay. Normalising both sides the same way keeps such differences out of the comparison.
 */
function normalise(v: Json): Json {
  if (Array.isArray(v)) return v.map(normalise);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const key of Object.keys(v).sort()) {
    const value = normalise(v[key]);
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (isObject(value) && Object.keys(value).length === 0) continue;
    out[key] = value;
  }
  return out;
}

function dropPodTemplateFields(group: JsonObject): JsonObject {
  const template = isObject(group.template) ? group.template : undefined;
  const spec = template && isObject(template.spec) ? template.spec : undefined;
  if (!template || !spec) return group;
  const { tolerations: _t, schedulingGates: _g, ...rest } = spec;
  return { ...group, template: { ...template, spec: rest } };
}

/** The cluster spec as KubeRay hashes it: the excluded fields removed (util.go and rayClusterSpecForHashing, v1.7.0). */
export function hashedClusterSpec(clusterSpec: Json, workerGroups?: number): Json {
  if (!isObject(clusterSpec)) return normalise(clusterSpec);
  const { upgradeStrategy: _u, suspend: _s, ...spec } = clusterSpec;
  const head = isObject(spec.headGroupSpec) ? dropPodTemplateFields(spec.headGroupSpec) : spec.headGroupSpec;
  let groups = Array.isArray(spec.workerGroupSpecs) ? spec.workerGroupSpecs : [];
  if (workerGroups !== undefined) groups = groups.slice(0, workerGroups);
  const workers = groups.map((g) => {
    if (!isObject(g)) return g;
    const { replicas: _r, minReplicas: _min, maxReplicas: _max, ...rest } = dropPodTemplateFields(g);
    if (isObject(rest.scaleStrategy)) {
      const { workersToDelete: _w, ...scale } = rest.scaleStrategy;
      rest.scaleStrategy = scale;
    }
    return rest;
  });
  return normalise({ ...spec, headGroupSpec: head, workerGroupSpecs: workers });
}

const same = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);

/** Leaf paths where two values differ (objects by key, arrays by index; an added or removed element is one path). */
function diffPaths(a: Json, b: Json, at: string, out: string[]): void {
  const na = normalise(a);
  const nb = normalise(b);
  if (same(na, nb)) return;
  if (isObject(na) && isObject(nb)) {
    for (const key of [...new Set([...Object.keys(na), ...Object.keys(nb)])].sort()) diffPaths(na[key], nb[key], `${at}.${key}`, out);
    return;
  }
  if (Array.isArray(na) && Array.isArray(nb)) {
    for (let i = 0; i < Math.max(na.length, nb.length); i++) diffPaths(na[i], nb[i], `${at}[${i}]`, out);
    return;
  }
  out.push(at);
}

const CLUSTER = "spec.rayClusterConfig";
/** Fields of rayClusterConfig outside the hash, as paths relative to it. */
const UNHASHED = [
  /^\.workerGroupSpecs\[\d+\]\.(replicas|minReplicas|maxReplicas)$/,
  /^\.workerGroupSpecs\[\d+\]\.scaleStrategy\.workersToDelete(\[\d+\])?$/,
  /^\.(headGroupSpec|workerGroupSpecs\[\d+\])\.template\.spec\.(tolerations|schedulingGates)(\[\d+\].*)?$/,
  /^\.(upgradeStrategy|suspend)(\..*)?$/,
];

/** RayService-level fields and what a change of each does (rayservice_controller.go, v1.7.0). */
const SERVICE_FIELDS: Record<string, { class: ChangeClass; why: string }> = {
  "spec.serveConfigV2": {
    class: "in-place",
    why: "KubeRay submits the new Serve config to the serving cluster (checkIfNeedSubmitServeApplications); changed applications redeploy their replicas, pods stay",
  },
  "spec.excludeHeadPodFromServeSvc": { class: "in-place", why: "KubeRay relabels the head pod (updateHeadPodServeLabel); no pod restarts" },
  "spec.serveService": { class: "in-place", why: "KubeRay updates the serve Service (reconcileServices); no pod restarts" },
  "spec.upgradeStrategy": { class: "no-effect", why: "read at the next rayClusterConfig change; not part of the cluster hash" },
  "spec.rayClusterDeletionDelaySeconds": { class: "no-effect", why: "read when an old RayCluster is deleted (cleanUpRayClusterInstance)" },
  "spec.serviceUnhealthySecondThreshold": { class: "no-effect", why: "deprecated, read by nothing (kuberay#1685)" },
  "spec.deploymentUnhealthySecondThreshold": { class: "no-effect", why: "deprecated, read by nothing (kuberay#1685)" },
  metadata: {
    class: "no-effect",
    why: "RayService metadata reaches no pod (ray.io/initializing-timeout only applies before the service was ever ready)",
  },
};

function serviceFieldRule(path: string): { class: ChangeClass; why: string } {
  for (const [field, rule] of Object.entries(SERVICE_FIELDS)) {
    if (path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`)) return rule;
  }
  // Not modelled (e.g. spec.suspend, spec.managedBy): flagged rather than guessed quiet.
  return {
    class: "in-place",
    why: "a RayService field this check does not model: read rayservice_controller.go (v1.7.0) for what KubeRay does with it",
  };
}

type UpgradeType = "NewCluster" | "NewClusterWithIncrementalUpgrade" | "None" | undefined;

function upgradeTypeOf(spec: JsonObject | undefined): UpgradeType {
  const strategy = spec?.upgradeStrategy;
  const type = isObject(strategy) ? strategy.type : undefined;
  return typeof type === "string" ? (type as UpgradeType) : undefined;
}

/** How KubeRay treats a change of the hashed cluster spec, and why. */
function clusterChangeRule(oldCluster: Json, newCluster: Json, newSpec: JsonObject | undefined): { class: ChangeClass; why: string } {
  const oldGroups = isObject(oldCluster) && Array.isArray(oldCluster.workerGroupSpecs) ? oldCluster.workerGroupSpecs.length : 0;
  const newGroups = isObject(newCluster) && Array.isArray(newCluster.workerGroupSpecs) ? newCluster.workerGroupSpecs.length : 0;
  if (newGroups > oldGroups && same(hashedClusterSpec(oldCluster), hashedClusterSpec(newCluster, oldGroups))) {
    return {
      class: "in-place",
      why: "worker groups appended at the end: KubeRay updates the running RayCluster (shouldUpdateCluster, partial hash) and starts the new groups' pods; existing pods stay",
    };
  }
  const type = upgradeTypeOf(newSpec);
  const removed = newGroups < oldGroups ? ` (worker groups removed: ${oldGroups} → ${newGroups})` : "";
  if (type === "None") {
    return {
      class: "no-effect",
      why: `cluster hash changed${removed}, but upgradeStrategy None: KubeRay neither updates nor replaces the running RayCluster; the change reaches pods only when the RayCluster is recreated`,
    };
  }
  const how =
    type === undefined
      ? "upgradeStrategy unset (zero-downtime unless the operator sets ENABLE_ZERO_DOWNTIME=false)"
      : `upgradeStrategy ${type}`;
  return { class: "new-cluster", why: `cluster hash changed${removed}: ${how} starts a pending RayCluster` };
}

function classify(path: string, clusterRule: { class: ChangeClass; why: string }, autoscaling: boolean): FieldChange {
  if (path === CLUSTER || path.startsWith(`${CLUSTER}.`)) {
    const rel = path.slice(CLUSTER.length);
    if (UNHASHED.some((re) => re.test(rel))) {
      const minMax =
        /\.(minReplicas|maxReplicas)$/.test(rel) && !autoscaling ? "; and without enableInTreeAutoscaling nothing reads it" : "";
      return { path, class: "no-effect", why: `excluded from KubeRay's cluster hash: the running RayCluster is not updated${minMax}` };
    }
    return { path, ...clusterRule };
  }
  return { path, ...serviceFieldRule(path) };
}

function nvidiaGpus(container: Json): number {
  if (!isObject(container) || !isObject(container.resources)) return 0;
  const r = container.resources;
  const read = (list: Json) => (isObject(list) ? Number(list["nvidia.com/gpu"] ?? 0) : 0);
  return Math.max(read(r.limits), read(r.requests)) || 0;
}

/** GPU pods and GPUs the pending cluster starts with: each GPU group's replicas × numOfHosts (KubeRay creates `replicas` pods). */
export function gpuFootprint(clusterSpec: Json): { pods: number; gpus: number } {
  let pods = 0;
  let gpus = 0;
  const groups = isObject(clusterSpec) && Array.isArray(clusterSpec.workerGroupSpecs) ? clusterSpec.workerGroupSpecs : [];
  for (const g of groups) {
    if (!isObject(g)) continue;
    const spec = isObject(g.template) && isObject(g.template.spec) ? g.template.spec : {};
    const containers = Array.isArray(spec.containers) ? spec.containers : [];
    const perPod = containers.reduce((n: number, c) => n + nvidiaGpus(c), 0);
    if (perPod === 0) continue;
    const n = Number(g.replicas ?? 1) * Number(g.numOfHosts ?? 1);
    pods += n;
    gpus += n * perPod;
  }
  return { pods, gpus };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function deletionDelay(spec: JsonObject | undefined): number {
  const v = spec?.rayClusterDeletionDelaySeconds;
  return typeof v === "number" ? v : 60;
}

function nameOf(obj: RayServiceLike | undefined): string {
  return `${obj?.metadata?.namespace ?? "default"}/${obj?.metadata?.name ?? "?"}`;
}

/** What Pulumi and then KubeRay do when the RayService goes from `before` to `after` (either may be absent). */
export function rayServiceUpgradeImpact(before: RayServiceLike | undefined, after: RayServiceLike | undefined): UpgradeImpact {
  if (!before && !after) return { op: "same", label: "no RayService", changes: [] };
  if (!before) return { op: "create", label: "created: KubeRay starts its first RayCluster", changes: [] };
  if (!after) return { op: "delete", label: "deleted: KubeRay deletes every RayCluster of the service (outage)", changes: [] };
  if (nameOf(before) !== nameOf(after)) {
    return {
      op: "replace",
      label: `replaced (${nameOf(before)} → ${nameOf(after)}): Pulumi deletes the RayService and its RayClusters and creates a new one (outage, not a zero-downtime upgrade)`,
      changes: [],
    };
  }
  const paths: string[] = [];
  diffPaths(before.metadata ?? {}, after.metadata ?? {}, "metadata", paths);
  diffPaths(before.spec ?? {}, after.spec ?? {}, "spec", paths);
  if (paths.length === 0) return { op: "same", label: "unchanged", changes: [] };

  const newSpec = after.spec;
  const oldCluster = before.spec?.rayClusterConfig;
  const newCluster = newSpec?.rayClusterConfig;
  const clusterRule = same(hashedClusterSpec(oldCluster), hashedClusterSpec(newCluster))
    ? { class: "no-effect" as const, why: "unchanged cluster hash" }
    : clusterChangeRule(oldCluster, newCluster, newSpec);
  const autoscaling = isObject(newCluster) && newCluster.enableInTreeAutoscaling === true;
  // Most disruptive first; paths stay in their order within a class.
  const changes = paths.map((p) => classify(p, clusterRule, autoscaling)).sort((a, b) => SEVERITY[b.class] - SEVERITY[a.class]);
  const worst = changes.reduce<ChangeClass>((w, c) => (SEVERITY[c.class] > SEVERITY[w] ? c.class : w), "no-effect");

  if (worst !== "new-cluster") return { op: "update", class: worst, label: CLASS_LABEL[worst], changes };
  const { pods, gpus } = gpuFootprint(newCluster);
  // One node per GPU pod: the GPU pool's nodes hold one GPU worker each (Appendix D's 16 GB VRAM nodes).
  const nodes =
    pods === 0 ? "no extra GPU node" : `${plural(pods, "extra GPU pod")} (${plural(gpus, "GPU")}): ${plural(pods, "extra GPU node")}`;
  const moves =
    upgradeTypeOf(newSpec) === "NewClusterWithIncrementalUpgrade"
      ? "moves traffic to it through the Gateway in steps"
      : `switches ${after.metadata?.name}-head-svc and -serve-svc to it once its Serve applications are RUNNING`;
  const label =
    `new cluster (zero-downtime upgrade: KubeRay starts a pending RayCluster, ${moves}, ` +
    `and deletes the old one ${deletionDelay(newSpec)} s later, ending Ray Client sessions and actors on it; ${nodes} needed during the switch)`;
  return { op: "update", class: worst, label, changes, extraGpuPods: pods, extraGpus: gpus };
}

/** Why minReplicas/maxReplicas mean nothing without in-tree autoscaling; undefined when it is on or no group sets them apart. */
export function autoscalingNote(after: RayServiceLike): string | undefined {
  const cluster = after.spec?.rayClusterConfig;
  if (!isObject(cluster) || cluster.enableInTreeAutoscaling === true) return undefined;
  const groups = Array.isArray(cluster.workerGroupSpecs) ? cluster.workerGroupSpecs.filter(isObject) : [];
  const spread = groups.filter((g) => g.maxReplicas !== undefined && g.maxReplicas !== g.replicas);
  if (spread.length === 0) return undefined;
  const list = spread.map((g) => `${String(g.groupName)} runs ${String(g.replicas)}, maxReplicas ${String(g.maxReplicas)}`).join("; ");
  return `in-tree autoscaling is off, so maxReplicas has no effect: each worker group runs exactly its replicas (${list}); set ray.autoscaling.enabled to scale between minReplicas and maxReplicas`;
}
