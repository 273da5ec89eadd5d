/*
 * Config keys `ray.upgrade` and `ray.autoscaling`: how KubeRay rolls a changed RayService, and whether the
 * worker groups' min/max mean anything. Rules and defaults from ray-project/kuberay v1.7.0:
 * ray-operator/apis/ray/v1/rayservice_types.go (upgrade types, rayClusterDeletionDelaySeconds: 60 s),
 * controllers/ray/utils/validation.go (ValidateRayServiceSpec, ValidateClusterUpgradeOptions,
 * validateInitializingTimeout) and controllers/ray/utils/constant.go (`ray.io/initializing-timeout`).
 * docs/ray.md, "What a change does to the running cluster", says what each value does.
 */
import { z } from "zod";
import { REMOVE_KEY } from "../issues";
import type { RayServiceUpgradeType } from "../../types/crds";

export const UPGRADE_TYPES = ["NewCluster", "NewClusterWithIncrementalUpgrade", "None"] as const satisfies readonly RayServiceUpgradeType[];
export const UPSCALING_MODES = ["Default", "Aggressive", "Conservative"] as const;

/** KubeRay's own default for `rayClusterDeletionDelaySeconds` (rayservice_controller.go, RayClusterDeletionDelayDuration). */
export const KUBERAY_DELETION_DELAY_SECONDS = 60;

/** A Go duration (`30m`, `1h30m`) or whole seconds, positive: what validateInitializingTimeout accepts. */
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const initializingTimeout = z.string().refine((v) => (GO_DURATION.test(v) && /[1-9]/.test(v)) || /^[1-9]\d*$/.test(v), {
  error: 'expected a positive Go duration such as "30m" or "1h", or whole seconds such as "1800"',
});

const percent = (what: string) =>
  z
    .number({ error: `expected a whole percentage for ${what}` })
    .int({ error: `expected a whole percentage for ${what}` })
    .min(0, { error: "expected 0 to 100" })
    .max(100, { error: "expected 0 to 100" });

/** Only with type NewClusterWithIncrementalUpgrade (Gateway API traffic shifting). */
const clusterUpgradeOptionsSchema = z
  .object({
    /** Capacity the new cluster scales to per interval. @default 100 */
    maxSurgePercent: percent("maxSurgePercent").default(100),
    /** Traffic moved to the new cluster per interval; at most maxSurgePercent. */
    stepSizePercent: percent("stepSizePercent"),
    /** Seconds between steps. */
    intervalSeconds: z.number().int().min(1, { error: "expected at least 1 second" }),
    /** The cluster's Gateway class. */
    gatewayClassName: z.string().min(1, { error: "expected the name of an installed GatewayClass" }),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.stepSizePercent > o.maxSurgePercent) {
      ctx.addIssue({
        code: "custom",
        path: ["stepSizePercent"],
        input: o.stepSizePercent,
        message: `stepSizePercent must not exceed maxSurgePercent (${o.maxSurgePercent})`,
      });
    }
  });

export const rayUpgradeSchema = z
  .object({
    /**
     * What KubeRay does when `rayClusterConfig` changes. NewCluster: a pending RayCluster, traffic switched once its
     * Serve apps are RUNNING, the old one deleted after the delay (needs room for a second set of GPU pods).
     * None: nothing at all; the change waits until the RayCluster is recreated. @default "NewCluster"
     */
    type: z
      .enum(UPGRADE_TYPES, { error: `expected one of ${UPGRADE_TYPES.join(", ")} (KubeRay v1.7.0's upgrade types)` })
      .default("NewCluster"),
    /** Seconds the old RayCluster lives on after the switch. @default 60 (KubeRay's own default) */
    rayClusterDeletionDelaySeconds: z
      .number({ error: "expected whole seconds" })
      .int({ error: "expected whole seconds" })
      .min(0, { error: "expected 0 or more seconds" })
      .default(KUBERAY_DELETION_DELAY_SECONDS),
    /**
     * `ray.io/initializing-timeout`: a new RayService not ready by then fails for good and its RayClusters (and GPU
     * nodes) are released; it must then be deleted and created again. Only a RayService that was never ready is
     * affected. @default "1h"
     */
    initializingTimeout: initializingTimeout.default("1h"),
    clusterUpgradeOptions: clusterUpgradeOptionsSchema.optional(),
  })
  .strict()
  .prefault({});

export const rayAutoscalingSchema = z
  .object({
    /**
     * `enableInTreeAutoscaling`: the Ray autoscaler sidecar scales each worker group between minReplicas and
     * maxReplicas. Off (the live system): every group runs `replicas` pods and min/max have no effect. @default false
     */
    enabled: z.boolean().default(false),
    /** Seconds an idle worker lives before it is scaled down. @default 60 (Ray's default) */
    idleTimeoutSeconds: z.number().int().min(0, { error: "expected 0 or more seconds" }).default(60),
    /** @default "Default" */
    upscalingMode: z.enum(UPSCALING_MODES, { error: `expected one of ${UPSCALING_MODES.join(", ")}` }).default("Default"),
  })
  .strict()
  .prefault({});

export type RayUpgradeConfig = z.infer<typeof rayUpgradeSchema>;
export type RayAutoscalingConfig = z.infer<typeof rayAutoscalingSchema>;

/** What ValidateRayServiceSpec refuses for NewClusterWithIncrementalUpgrade, checked before anything is applied. */
export function checkUpgradeStrategy(upgrade: RayUpgradeConfig, autoscaling: RayAutoscalingConfig, ctx: z.RefinementCtx): void {
  if (upgrade.type === "NewClusterWithIncrementalUpgrade") {
    if (!autoscaling.enabled) {
      ctx.addIssue({
        code: "custom",
        path: ["upgrade", "type"],
        input: upgrade.type,
        message:
          "the Ray autoscaler is required for NewClusterWithIncrementalUpgrade (KubeRay refuses the RayService without it); set ray.autoscaling.enabled to true, or use NewCluster",
      });
    }
    if (!upgrade.clusterUpgradeOptions) {
      ctx.addIssue({
        code: "custom",
        path: ["upgrade", "clusterUpgradeOptions"],
        input: undefined,
        message:
          "the type NewClusterWithIncrementalUpgrade needs { stepSizePercent, intervalSeconds, gatewayClassName } (KubeRay refuses the RayService without them)",
      });
    }
  } else if (upgrade.clusterUpgradeOptions) {
    ctx.addIssue({
      code: "custom",
      path: ["upgrade", "clusterUpgradeOptions"],
      input: upgrade.clusterUpgradeOptions,
      params: REMOVE_KEY,
      message: `only read with type NewClusterWithIncrementalUpgrade (ray.upgrade.type is ${upgrade.type}); remove it, or change the type`,
    });
  }
}
