/** The CPU worker group (`default-worker-group`) on the CPU Ray image; it runs the ConfigMap Serve apps. */
import type * as k8s from "@pulumi/kubernetes";
import type { CpuWorkerConfig, SecurityContextConfig } from "../../config/sections/ray";
import type { WorkerGroupSpec } from "../../types/crds";
import { configMapMounts } from "./configMapMounts";
import { containerResources } from "./resources";
import { requiredNodeAffinity, tolerations } from "./scheduling";
import { containerSecurityContext } from "./securityContext";
import { podMetadata, WORKER_CONTAINER_NAME, workerRayStartParams } from "./workerGroup";

export const CPU_WORKER_GROUP_NAME = "default-worker-group";

export interface CpuWorkerGroupInputs {
  /** `rayproject/ray:<ray>-py310`, the head's image. */
  readonly image: string;
  readonly group: CpuWorkerConfig;
  readonly securityContext: SecurityContextConfig;
}

export function cpuWorkerGroupSpec(inputs: CpuWorkerGroupInputs): WorkerGroupSpec {
  const g = inputs.group;
  const mounts = configMapMounts(g.configMapMounts);
  const env = Object.entries(g.env).map(([name, value]) => ({ name, value }));
  const container: k8s.types.input.core.v1.Container = {
    name: WORKER_CONTAINER_NAME,
    image: inputs.image,
    resources: containerResources(g.resources, g.gpus),
    securityContext: containerSecurityContext(inputs.securityContext),
    ...(env.length > 0 ? { env } : {}),
    ...(mounts.volumeMounts.length > 0 ? { volumeMounts: mounts.volumeMounts } : {}),
  };
  const affinity = requiredNodeAffinity(g.nodeAffinity);
  const metadata = podMetadata(g.labels);
  const spec: k8s.types.input.core.v1.PodSpec = {
    ...(g.tolerations.length > 0 ? { tolerations: tolerations(g.tolerations) } : {}),
    ...(affinity ? { affinity } : {}),
    containers: [container],
    ...(mounts.volumes.length > 0 ? { volumes: mounts.volumes } : {}),
  };
  return {
    replicas: g.replicas,
    minReplicas: g.minReplicas,
    maxReplicas: g.maxReplicas,
    groupName: CPU_WORKER_GROUP_NAME,
    rayStartParams: workerRayStartParams(g.rayStartParams, g.gpus),
    template: { ...(metadata ? { metadata } : {}), spec },
  };
}
