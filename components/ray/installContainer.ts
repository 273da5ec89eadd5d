/** The `install-heavy-deps` initContainer: installs the heavy dependencies and downloads the models, then exits. */
import type * as k8s from "@pulumi/kubernetes";
import type { GpuWorkerConfig, SecurityContextConfig } from "../../config/sections/ray";
import { containerResources } from "./resources";
import { containerSecurityContext } from "./securityContext";
import { installContainerMounts, modelDownloadMounts } from "./volumes";

export const INSTALL_CONTAINER_NAME = "install-heavy-deps";
/** Base-image mode's only initContainer: the heavy packages come with the image, the models still go to the PVC once. */
export const MODEL_DOWNLOAD_CONTAINER_NAME = "download-models";

export interface InstallContainerInputs {
  /** `rayproject/ray:<ray>-<python>-<cuda>`: the worker's base, so pip resolves against the same Python and CUDA. */
  readonly image: string;
  readonly resources: GpuWorkerConfig["installResources"];
  readonly securityContext: SecurityContextConfig;
  /** The bash script (installScript.ts), generated from the stack's install steps and MODEL_DOWNLOADS. */
  readonly script: string;
}

/** A bash-script initContainer: the script as its one argument, its mounts, the group's resources and security context. */
function scriptContainer(
  name: string,
  inputs: InstallContainerInputs & { readonly imagePullPolicy?: "IfNotPresent" | "Always" },
  volumeMounts: k8s.types.input.core.v1.VolumeMount[],
): k8s.types.input.core.v1.Container {
  return {
    name,
    image: inputs.image,
    ...(inputs.imagePullPolicy !== undefined ? { imagePullPolicy: inputs.imagePullPolicy } : {}),
    command: ["/bin/bash", "-c"],
    args: [inputs.script],
    volumeMounts,
    resources: containerResources(inputs.resources),
    securityContext: containerSecurityContext(inputs.securityContext),
  };
}

export function installContainer(inputs: InstallContainerInputs): k8s.types.input.core.v1.Container {
  return scriptContainer(INSTALL_CONTAINER_NAME, inputs, installContainerMounts());
}

export interface ModelDownloadContainerInputs {
  /** The worker image itself: already on the node for the Ray container, and it has bash and wget. */
  readonly image: string;
  readonly imagePullPolicy: "IfNotPresent" | "Always";
  readonly resources: GpuWorkerConfig["installResources"];
  readonly securityContext: SecurityContextConfig;
  /** modelDownloadScript (installScript.ts). */
  readonly script: string;
}

export function modelDownloadContainer(inputs: ModelDownloadContainerInputs): k8s.types.input.core.v1.Container {
  return scriptContainer(MODEL_DOWNLOAD_CONTAINER_NAME, inputs, modelDownloadMounts());
}
