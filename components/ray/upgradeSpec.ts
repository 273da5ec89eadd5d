/**
 * The RayService fields that govern how KubeRay rolls a change, from `ray.upgrade` and `ray.autoscaling`.
 * Written out even where they equal KubeRay v1.7.0's defaults, so the behaviour does not depend on the
 * operator's ENABLE_ZERO_DOWNTIME variable or on a default changing in a later operator.
 */
import type { RayAutoscalingConfig, RayUpgradeConfig } from "../../config/sections/ray";
import type { RayClusterSpec, RayServiceSpec } from "../../types/crds";

/** KubeRay v1.7.0, controllers/ray/utils/constant.go: RayServiceInitializingTimeoutAnnotation. */
export const INITIALIZING_TIMEOUT_ANNOTATION = "ray.io/initializing-timeout";

export function upgradeAnnotations(upgrade: RayUpgradeConfig): Record<string, string> {
  return { [INITIALIZING_TIMEOUT_ANNOTATION]: upgrade.initializingTimeout };
}

/** `upgradeStrategy` and `rayClusterDeletionDelaySeconds`: RayService-level, outside the cluster hash, so changing them starts no new cluster. */
export function upgradeSpec(upgrade: RayUpgradeConfig): Pick<RayServiceSpec, "upgradeStrategy" | "rayClusterDeletionDelaySeconds"> {
  return {
    upgradeStrategy: {
      type: upgrade.type,
      ...(upgrade.clusterUpgradeOptions ? { clusterUpgradeOptions: { ...upgrade.clusterUpgradeOptions } } : {}),
    },
    rayClusterDeletionDelaySeconds: upgrade.rayClusterDeletionDelaySeconds,
  };
}

/**
 * In-tree autoscaling, only when enabled. Off renders nothing rather than `enableInTreeAutoscaling: false`: the field
 * is part of KubeRay's cluster hash (a *bool, so an explicit false hashes differently from none), and writing it would
 * start a new RayCluster on the adopted system for no change in behaviour.
 */
export function autoscalingSpec(autoscaling: RayAutoscalingConfig): Pick<RayClusterSpec, "enableInTreeAutoscaling" | "autoscalerOptions"> {
  if (!autoscaling.enabled) return {};
  return {
    enableInTreeAutoscaling: true,
    autoscalerOptions: { idleTimeoutSeconds: autoscaling.idleTimeoutSeconds, upscalingMode: autoscaling.upscalingMode },
  };
}
