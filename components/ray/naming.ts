/**
 * Names KubeRay derives from the RayService's name, and the Ray Client
 * address built from them. The API reads `clientAddress`; nothing retypes it.
 */
import { RAY_PORTS } from "./ports";

/** Kubernetes' default cluster DNS domain (AKS uses it). */
export const CLUSTER_DOMAIN = "cluster.local";

/** KubeRay names a RayService's head Service `<name>-head-svc`; it follows the active RayCluster across upgrades. */
export function headServiceName(rayServiceName: string): string {
  return `${rayServiceName}-head-svc`;
}

/** KubeRay names a RayService's Serve Service `<name>-serve-svc`. */
export function serveServiceName(rayServiceName: string): string {
  return `${rayServiceName}-serve-svc`;
}

/** `ray://<head svc>.<namespace>.svc.cluster.local:10001`, the API's RAY_ADDRESS. */
export function clientAddress(rayServiceName: string, namespace: string): string {
  return `ray://${headServiceName(rayServiceName)}.${namespace}.svc.${CLUSTER_DOMAIN}:${RAY_PORTS.client.port}`;
}
