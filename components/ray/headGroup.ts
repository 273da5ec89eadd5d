/** The head group: GCS, dashboard, Ray Client and the Serve proxy on the CPU Ray image. */
import type * as k8s from "@pulumi/kubernetes";
import type { HeadConfig, SecurityContextConfig } from "../../config/sections/ray";
import type { HeadGroupSpec } from "../../types/crds";
import { configMapMounts } from "./configMapMounts";
import { HEAD_CONTAINER_PORTS, RAY_PORTS } from "./ports";
import { containerResources } from "./resources";
import { containerSecurityContext } from "./securityContext";

/** The guide's `name: ray-head`. */
export const HEAD_CONTAINER_NAME = "ray-head";

export interface HeadGroupInputs {
  /** `rayproject/ray:<ray>-py310`. */
  readonly image: string;
  readonly head: HeadConfig;
  readonly securityContext: SecurityContextConfig;
}

export function headGroupSpec(inputs: HeadGroupInputs): HeadGroupSpec {
  const mounts = configMapMounts(inputs.head.configMapMounts);
  const container: k8s.types.input.core.v1.Container = {
    name: HEAD_CONTAINER_NAME,
    image: inputs.image,
    ports: HEAD_CONTAINER_PORTS.map((p) => ({ ...p })),
    resources: containerResources(inputs.head.resources),
    securityContext: containerSecurityContext(inputs.securityContext),
    ...(mounts.volumeMounts.length > 0 ? { volumeMounts: mounts.volumeMounts } : {}),
  };
  const template: k8s.types.input.core.v1.PodTemplateSpec = {
    spec: { containers: [container], ...(mounts.volumes.length > 0 ? { volumes: mounts.volumes } : {}) },
  };
  return {
    rayStartParams: { ...inputs.head.rayStartParams, "ray-client-server-port": String(RAY_PORTS.client.port) },
    template,
  };
}
