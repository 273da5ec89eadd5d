/** The model-cache PVC: Azure Files, shared by every GPU worker (ReadWriteMany), written once by the initContainer. */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { RayConfig } from "../../config/sections/ray";

export function modelCacheClaimArgs(
  config: RayConfig["modelCache"],
  namespace: pulumi.Input<string>,
): k8s.core.v1.PersistentVolumeClaimArgs {
  return {
    metadata: { name: config.claimName, namespace },
    spec: {
      accessModes: ["ReadWriteMany"],
      storageClassName: config.storageClassName,
      resources: { requests: { storage: config.size } },
    },
  };
}
