/**
 * The whole RayService as a plain object: head, CPU and GPU worker groups,
 * the Serve applications, and `rayVersion`, every Ray image derived from the
 * one Ray version. No Pulumi resources here; the component resolves the names
 * it takes from other resources and calls this.
 */
import { formatImageRef, ImageRef, rayImage } from "../../config/imageRef";
import type { RayConfig } from "../../config/sections/ray";
import { RAY_SERVICE, RayServiceObject } from "../../types/crds";
import { cpuWorkerGroupSpec } from "./cpuWorkerGroup";
import { gpuWorkerGroupSpec } from "./gpuWorkerGroup";
import { heavyDependencies, pinnedSteps } from "./heavyDependencies";
import { headGroupSpec } from "./headGroup";
import { serveConfigV2 } from "./serveConfig";
import { autoscalingSpec, upgradeAnnotations, upgradeSpec } from "./upgradeSpec";
import { workerPullPolicy } from "./workerImage";

export interface RayServiceInputs {
  /** Exact Ray version, e.g. `2.52.0`. */
  readonly rayVersion: string;
  /** e.g. `py310`. */
  readonly pythonTag: string;
  /** e.g. `cu121`: the initContainer's Ray image and the PyTorch wheel index (heavyDependencies.ts). */
  readonly cudaTag: string;
  /** The validated `ray` config section. */
  readonly settings: RayConfig;
  /** Namespace name, from the Namespace resource. */
  readonly namespace: string;
  /** The GPU worker image in the registry. */
  readonly workerImage: ImageRef;
  /** From the PriorityClass resource, or the name of an existing one. */
  readonly priorityClassName: string;
  /** From the PVC resource. */
  readonly modelCacheClaimName: string;
  /** From the registry component. */
  readonly imagePullSecrets: readonly { readonly name: string }[];
}

/** The Ray images of one Ray version: CPU (head, CPU workers) and CUDA (initContainer, the worker image's base). */
export function rayImages(rayVersion: string, pythonTag: string, cudaTag: string): { cpu: string; cuda: string } {
  return {
    cpu: formatImageRef(rayImage({ rayVersion, pythonTag })),
    cuda: formatImageRef(rayImage({ rayVersion, pythonTag, cudaTag })),
  };
}

export function rayServiceObject(inputs: RayServiceInputs): RayServiceObject {
  const s = inputs.settings;
  const images = rayImages(inputs.rayVersion, inputs.pythonTag, inputs.cudaTag);
  return {
    apiVersion: RAY_SERVICE.apiVersion,
    kind: RAY_SERVICE.kind,
    metadata: { name: s.serviceName, namespace: inputs.namespace, annotations: upgradeAnnotations(s.upgrade) },
    spec: {
      ...upgradeSpec(s.upgrade),
      serveConfigV2: serveConfigV2(s.serve),
      rayClusterConfig: {
        rayVersion: inputs.rayVersion,
        ...autoscalingSpec(s.autoscaling),
        headGroupSpec: headGroupSpec({ image: images.cpu, head: s.head, securityContext: s.securityContext }),
        workerGroupSpecs: [
          cpuWorkerGroupSpec({ image: images.cpu, group: s.cpuWorker, securityContext: s.securityContext }),
          gpuWorkerGroupSpec({
            group: s.gpuWorker,
            workerImage: formatImageRef(inputs.workerImage),
            workerPullPolicy: workerPullPolicy(inputs.workerImage),
            // The initContainer's Ray image and PyTorch's wheel index follow the one CUDA tag.
            installImage: images.cuda,
            installSteps: pinnedSteps(
              heavyDependencies(inputs.cudaTag),
              s.gpuWorker.heavyDependencies.mode,
              s.gpuWorker.heavyDependencies.pins,
            ),
            heavyDependencyMode: s.gpuWorker.heavyDependencies.mode,
            securityContext: s.securityContext,
            priorityClassName: inputs.priorityClassName,
            imagePullSecrets: inputs.imagePullSecrets,
            modelCacheClaimName: inputs.modelCacheClaimName,
          }),
        ],
      },
    },
  };
}
