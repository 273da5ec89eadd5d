import * as k8s from "@pulumi/kubernetes";
import type { ClusterConfig } from "../../config/sections/cluster";

/**
 * The one Kubernetes provider of a stack, bound to the stack's own kubeconfig context (`cluster.context`). Every
 * Kubernetes resource goes through it: none uses the default provider, which would apply to whatever context is
 * current on the machine that runs `pulumi up`.
 */
export function clusterProvider(name: string, cluster: ClusterConfig): k8s.Provider {
  return new k8s.Provider(name, { context: cluster.context });
}
