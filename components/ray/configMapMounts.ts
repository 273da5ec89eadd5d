/** ConfigMaps mounted into the head or CPU worker (the guide's "ConfigMap apps"). */
import type * as k8s from "@pulumi/kubernetes";
import type { ConfigMapMountConfig } from "../../config/sections/ray";

export interface Mounts {
  readonly volumes: k8s.types.input.core.v1.Volume[];
  readonly volumeMounts: k8s.types.input.core.v1.VolumeMount[];
}

export function configMapMounts(config: readonly ConfigMapMountConfig[]): Mounts {
  return {
    volumes: config.map((m) => ({ name: m.name ?? m.configMap, configMap: { name: m.configMap } })),
    volumeMounts: config.map((m) => ({ name: m.name ?? m.configMap, mountPath: m.mountPath, readOnly: m.readOnly })),
  };
}
