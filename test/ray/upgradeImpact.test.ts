// KubeRay v1.7.0's classification of a RayService change (components/ray/upgradeImpact.ts), one field of each class
// and the edge cases the operator's source has, on the dev stack's rendered RayService.
import { beforeAll, describe, expect, it } from "vitest";
import { autoscalingNote, rayServiceUpgradeImpact } from "../../components/ray/upgradeImpact";
import { runStack } from "../harness";
import { Loose, rayServiceOf } from "./fixtures";

let dev: Loose;

beforeAll(async () => {
  dev = rayServiceOf(await runStack());
});

/** The dev RayService with one edit applied to a copy. */
function edited(edit: (rs: Loose) => void): Loose {
  const copy = structuredClone(dev);
  edit(copy);
  return copy;
}

const GPU = (rs: Loose) => rs.spec.rayClusterConfig.workerGroupSpecs[1];
const NEW_IMAGE = "cybersmartstg.azurecr.io/data-ai/face-ocr-worker@sha256:" + "1".repeat(64);

const NEW_CLUSTER_1_GPU =
  "new cluster (zero-downtime upgrade: KubeRay starts a pending RayCluster, switches rayservice-head-svc and -serve-svc to it once its " +
  "Serve applications are RUNNING, and deletes the old one 60 s later, ending Ray Client sessions and actors on it; " +
  "1 extra GPU pod (1 GPU): 1 extra GPU node needed during the switch)";

describe("one field of each class", () => {
  it("GPU worker image: new cluster, one extra GPU node", () => {
    const impact = rayServiceUpgradeImpact(
      dev,
      edited((rs) => (GPU(rs).template.spec.containers[0].image = NEW_IMAGE)),
    );
    expect(impact).toEqual({
      op: "update",
      class: "new-cluster",
      label: NEW_CLUSTER_1_GPU,
      changes: [
        {
          path: "spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].image",
          class: "new-cluster",
          why: "cluster hash changed: upgradeStrategy NewCluster starts a pending RayCluster",
        },
      ],
      extraGpuPods: 1,
      extraGpus: 1,
    });
  });

  it("GPU replicas alone: no effect (excluded from the hash; shouldUpdateCluster is false)", () => {
    const impact = rayServiceUpgradeImpact(
      dev,
      edited((rs) => (GPU(rs).replicas = 2)),
    );
    expect(impact).toEqual({
      op: "update",
      class: "no-effect",
      label: "no effect on running pods",
      changes: [
        {
          path: "spec.rayClusterConfig.workerGroupSpecs[1].replicas",
          class: "no-effect",
          why: "excluded from KubeRay's cluster hash: the running RayCluster is not updated",
        },
      ],
    });
  });

  it("maxReplicas without in-tree autoscaling: no effect, and says nothing reads it", () => {
    const impact = rayServiceUpgradeImpact(
      dev,
      edited((rs) => (GPU(rs).maxReplicas = 5)),
    );
    expect(impact.changes).toEqual([
      {
        path: "spec.rayClusterConfig.workerGroupSpecs[1].maxReplicas",
        class: "no-effect",
        why: "excluded from KubeRay's cluster hash: the running RayCluster is not updated; and without enableInTreeAutoscaling nothing reads it",
      },
    ]);
  });

  it("serveConfigV2 alone: in place", () => {
    const impact = rayServiceUpgradeImpact(
      dev,
      edited((rs) => (rs.spec.serveConfigV2 = rs.spec.serveConfigV2.replace("num_replicas: 1", "num_replicas: 2"))),
    );
    expect(impact).toEqual({
      op: "update",
      class: "in-place",
      label: "in place",
      changes: [
        {
          path: "spec.serveConfigV2",
          class: "in-place",
          why: "KubeRay submits the new Serve config to the serving cluster (checkIfNeedSubmitServeApplications); changed applications redeploy their replicas, pods stay",
        },
      ],
    });
  });
});

describe("the edge cases of rayservice_controller.go", () => {
  it("tolerations and scheduling gates are outside the hash: no effect", () => {
    const impact = rayServiceUpgradeImpact(
      dev,
      edited((rs) => {
        GPU(rs).template.spec.tolerations = [];
        rs.spec.rayClusterConfig.headGroupSpec.template.spec.schedulingGates = [{ name: "example.com/gate" }];
      }),
    );
    expect(impact.class).toBe("no-effect");
    expect(impact.changes.map((c) => c.path)).toEqual([
      "spec.rayClusterConfig.headGroupSpec.template.spec.schedulingGates",
      "spec.rayClusterConfig.workerGroupSpecs[1].template.spec.tolerations",
    ]);
  });

  it("upgradeStrategy None: a cluster change does nothing at all", () => {
    const impact = rayServiceUpgradeImpact(
      dev,
      edited((rs) => {
        rs.spec.upgradeStrategy = { type: "None" };
        GPU(rs).template.spec.containers[0].image = NEW_IMAGE;
      }),
    );
    expect(impact.class).toBe("no-effect");
    expect(impact.label).toBe("no effect on running pods");
    expect(impact.changes).toEqual([
      {
        path: "spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].image",
        class: "no-effect",
        why: "cluster hash changed, but upgradeStrategy None: KubeRay neither updates nor replaces the running RayCluster; the change reaches pods only when the RayCluster is recreated",
      },
      {
        path: "spec.upgradeStrategy.type",
        class: "no-effect",
        why: "read at the next rayClusterConfig change; not part of the cluster hash",
      },
    ]);
  });

  it("upgradeStrategy unset: zero-downtime, unless the operator turns it off", () => {
    const before = edited((rs) => delete rs.spec.upgradeStrategy);
    const impact = rayServiceUpgradeImpact(
      before,
      edited((rs) => {
        delete rs.spec.upgradeStrategy;
        GPU(rs).template.spec.containers[0].image = NEW_IMAGE;
      }),
    );
    expect(impact.class).toBe("new-cluster");
    expect(impact.changes[0].why).toBe(
      "cluster hash changed: upgradeStrategy unset (zero-downtime unless the operator sets ENABLE_ZERO_DOWNTIME=false) starts a pending RayCluster",
    );
  });

  it("a worker group appended at the end: in place (partial hash equal)", () => {
    const impact = rayServiceUpgradeImpact(
      dev,
      edited((rs) => rs.spec.rayClusterConfig.workerGroupSpecs.push({ ...structuredClone(GPU(rs)), groupName: "gpu-worker-group-2" })),
    );
    expect(impact).toEqual({
      op: "update",
      class: "in-place",
      label: "in place",
      changes: [
        {
          path: "spec.rayClusterConfig.workerGroupSpecs[2]",
          class: "in-place",
          why: "worker groups appended at the end: KubeRay updates the running RayCluster (shouldUpdateCluster, partial hash) and starts the new groups' pods; existing pods stay",
        },
      ],
    });
  });

  it("a worker group removed: new cluster", () => {
    const impact = rayServiceUpgradeImpact(
      dev,
      edited((rs) => rs.spec.rayClusterConfig.workerGroupSpecs.pop()),
    );
    expect(impact.class).toBe("new-cluster");
    expect(impact.changes).toEqual([
      {
        path: "spec.rayClusterConfig.workerGroupSpecs[1]",
        class: "new-cluster",
        why: "cluster hash changed (worker groups removed: 2 → 1): upgradeStrategy NewCluster starts a pending RayCluster",
      },
    ]);
    // The pending cluster has no GPU group left.
    expect([impact.extraGpuPods, impact.extraGpus]).toEqual([0, 0]);
  });

  it("a group inserted before an existing one is not an append: new cluster", () => {
    const impact = rayServiceUpgradeImpact(
      dev,
      edited((rs) => rs.spec.rayClusterConfig.workerGroupSpecs.splice(1, 0, { ...structuredClone(GPU(rs)), groupName: "early" })),
    );
    expect(impact.class).toBe("new-cluster");
  });

  it("a new cluster needs the new spec's GPU pods: replicas × numOfHosts, and GPUs per pod", () => {
    const impact = rayServiceUpgradeImpact(
      dev,
      edited((rs) => {
        GPU(rs).template.spec.containers[0].image = NEW_IMAGE;
        GPU(rs).replicas = 2;
        GPU(rs).template.spec.containers[0].resources.limits["nvidia.com/gpu"] = 2;
      }),
    );
    expect([impact.extraGpuPods, impact.extraGpus]).toEqual([2, 4]);
    expect(impact.label).toContain("2 extra GPU pods (4 GPUs): 2 extra GPU nodes needed during the switch");
  });

  it("the incremental upgrade moves traffic through the Gateway; the label uses the new deletion delay", () => {
    const impact = rayServiceUpgradeImpact(
      dev,
      edited((rs) => {
        rs.spec.upgradeStrategy = { type: "NewClusterWithIncrementalUpgrade" };
        rs.spec.rayClusterDeletionDelaySeconds = 300;
        rs.spec.rayClusterConfig.headGroupSpec.rayStartParams["num-cpus"] = "0";
      }),
    );
    expect(impact.label).toContain(
      "starts a pending RayCluster, moves traffic to it through the Gateway in steps, and deletes the old one 300 s later",
    );
  });

  it("RayService-level settings and the initializing-timeout annotation reach no pod", () => {
    const impact = rayServiceUpgradeImpact(
      dev,
      edited((rs) => {
        rs.spec.rayClusterDeletionDelaySeconds = 120;
        rs.metadata.annotations["ray.io/initializing-timeout"] = "2h";
      }),
    );
    expect(impact.class).toBe("no-effect");
    expect(impact.changes.map((c) => [c.path, c.class])).toEqual([
      ["metadata.annotations.ray.io/initializing-timeout", "no-effect"],
      ["spec.rayClusterDeletionDelaySeconds", "no-effect"],
    ]);
  });

  it("absent, null and [] hash alike (Go's omitempty), so they are no change", () => {
    const impact = rayServiceUpgradeImpact(
      dev,
      edited((rs) => {
        rs.spec.rayClusterConfig.headGroupSpec.template.spec.initContainers = [];
        rs.spec.rayClusterConfig.workerGroupSpecs[0].template.spec.nodeSelector = {};
        rs.spec.excludeHeadPodFromServeSvc = null;
      }),
    );
    expect(impact).toEqual({ op: "same", label: "unchanged", changes: [] });
  });

  it("created, deleted and renamed (Pulumi replaces the object: an outage)", () => {
    expect(rayServiceUpgradeImpact(undefined, dev).label).toBe("created: KubeRay starts its first RayCluster");
    expect(rayServiceUpgradeImpact(dev, undefined).label).toBe("deleted: KubeRay deletes every RayCluster of the service (outage)");
    const renamed = rayServiceUpgradeImpact(
      dev,
      edited((rs) => (rs.metadata.name = "faces")),
    );
    expect(renamed.op).toBe("replace");
    expect(renamed.label).toBe(
      "replaced (ray/rayservice → ray/faces): Pulumi deletes the RayService and its RayClusters and creates a new one (outage, not a zero-downtime upgrade)",
    );
  });

  it("an unmodelled RayService field is flagged, not passed as quiet", () => {
    const impact = rayServiceUpgradeImpact(
      dev,
      edited((rs) => (rs.spec.suspend = true)),
    );
    expect(impact.changes).toEqual([
      {
        path: "spec.suspend",
        class: "in-place",
        why: "a RayService field this check does not model: read rayservice_controller.go (v1.7.0) for what KubeRay does with it",
      },
    ]);
  });
});

describe("autoscaling note", () => {
  it("without in-tree autoscaling, maxReplicas has no effect; with it, no note", () => {
    expect(autoscalingNote(dev)).toBe(
      "in-tree autoscaling is off, so maxReplicas has no effect: each worker group runs exactly its replicas " +
        "(default-worker-group runs 1, maxReplicas 2; gpu-worker-group runs 1, maxReplicas 3); set ray.autoscaling.enabled to scale between minReplicas and maxReplicas",
    );
    expect(autoscalingNote(edited((rs) => (rs.spec.rayClusterConfig.enableInTreeAutoscaling = true)))).toBeUndefined();
  });
});
