/**
 * The GPU worker group (`gpu-worker-group`), field for field the guide's
 * Appendix D except the deliberate improvements listed in docs/ray.md.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { GpuWorkerConfig, SecurityContextConfig } from "../../config/sections/ray";
import type { WorkerGroupSpec } from "../../types/crds";
import { BASE_IMAGE_PACKAGES_DIR } from "./baseImage";
import type { HeavyDependencyMode, InstallStep } from "./heavyDependencies";
import { installContainer, modelDownloadContainer } from "./installContainer";
import { installScript, installScriptInputs, modelDownloadScript } from "./installScript";
import { MODEL_DOWNLOADS } from "./models";
import { containerResources } from "./resources";
import { requiredNodeAffinity, tolerations } from "./scheduling";
import { containerSecurityContext } from "./securityContext";
import { gpuWorkerVolumes, MODEL_CACHE_DIR, workerContainerMounts } from "./volumes";
import { podMetadata, WORKER_CONTAINER_NAME, workerRayStartParams } from "./workerGroup";
import { gpuWorkerEnv } from "./workerEnv";

export const GPU_WORKER_GROUP_NAME = "gpu-worker-group";

export interface GpuWorkerGroupInputs {
  readonly group: GpuWorkerConfig;
  /** The worker image from the registry, e.g. `cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev` or `...@sha256:<digest>`. */
  readonly workerImage: string;
  readonly workerPullPolicy: "IfNotPresent" | "Always";
  /** `rayproject/ray:<ray>-<python>-<cuda>`, the stack's CUDA tag. */
  readonly installImage: string;
  /** heavyDependencies(<the same CUDA tag>), pinned for the mode: the initContainer's script and the worker's LD_LIBRARY_PATH follow them. */
  readonly installSteps: readonly InstallStep[];
  /**
   * `initContainer`: install-heavy-deps fills the python-packages emptyDir on every start. `baseImage`: the worker
   * image (FROM face-ocr-worker-base) holds the packages; only the models are downloaded, by download-models.
   */
  readonly heavyDependencyMode: HeavyDependencyMode;
  readonly securityContext: SecurityContextConfig;
  /** From the PriorityClass resource, or the name of an existing one. */
  readonly priorityClassName: string;
  /** From the registry component: empty when the kubelet identity pulls. */
  readonly imagePullSecrets: readonly { readonly name: string }[];
  /** From the PVC resource. */
  readonly modelCacheClaimName: string;
}

export function gpuWorkerGroupSpec(inputs: GpuWorkerGroupInputs): WorkerGroupSpec {
  const g = inputs.group;
  const fromImage = inputs.heavyDependencyMode === "baseImage";
  const worker: k8s.types.input.core.v1.Container = {
    name: WORKER_CONTAINER_NAME,
    image: inputs.workerImage,
    imagePullPolicy: inputs.workerPullPolicy,
    resources: containerResources(g.resources, g.gpus),
    volumeMounts: workerContainerMounts(!fromImage),
    env: gpuWorkerEnv(g.env, inputs.installSteps, fromImage ? BASE_IMAGE_PACKAGES_DIR : undefined),
    securityContext: containerSecurityContext(inputs.securityContext),
  };
  const init = fromImage
    ? modelDownloadContainer({
        image: inputs.workerImage,
        imagePullPolicy: inputs.workerPullPolicy,
        script: modelDownloadScript(MODEL_DOWNLOADS, MODEL_CACHE_DIR),
        resources: g.installResources,
        securityContext: inputs.securityContext,
      })
    : installContainer({
        image: inputs.installImage,
        script: installScript(installScriptInputs(inputs.installSteps)),
        resources: g.installResources,
        securityContext: inputs.securityContext,
      });
  const affinity = requiredNodeAffinity(g.nodeAffinity);
  const metadata = podMetadata(g.labels);
  const spec: k8s.types.input.core.v1.PodSpec = {
    priorityClassName: inputs.priorityClassName,
    ...(inputs.imagePullSecrets.length > 0 ? { imagePullSecrets: inputs.imagePullSecrets.map((s) => ({ name: s.name })) } : {}),
    ...(g.tolerations.length > 0 ? { tolerations: tolerations(g.tolerations) } : {}),
    ...(affinity ? { affinity } : {}),
    initContainers: [init],
    containers: [worker],
    volumes: gpuWorkerVolumes({
      modelCacheClaimName: inputs.modelCacheClaimName,
      sharedPackagesSizeLimit: fromImage ? undefined : g.sharedPackagesSizeLimit,
    }),
  };
  return {
    replicas: g.replicas,
    minReplicas: g.minReplicas,
    maxReplicas: g.maxReplicas,
    groupName: GPU_WORKER_GROUP_NAME,
    rayStartParams: workerRayStartParams(g.rayStartParams, g.gpus),
    template: { ...(metadata ? { metadata } : {}), spec },
  };
}
