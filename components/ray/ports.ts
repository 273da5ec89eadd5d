/**
 * The head's ports. Each number is written once: the container port, the
 * matching `rayStartParams` entry and the API's `RAY_ADDRESS` all read it from
 * here. The names are KubeRay's: its head Service exposes the head
 * container's ports by these names.
 */
export const RAY_PORTS = {
  /** GCS server; workers join the cluster through it. */
  gcs: { name: "gcs-server", port: 6379 },
  /** Ray dashboard (and the Serve REST API KubeRay deploys serveConfigV2 through). */
  dashboard: { name: "dashboard", port: 8265 },
  /** Ray Client server; the API connects here (`ray://...:10001`). */
  client: { name: "client", port: 10001 },
  /** Ray Serve HTTP proxy. */
  serve: { name: "serve", port: 8000 },
} as const;

/** Head container ports in the order KubeRay's samples list them. */
export const HEAD_CONTAINER_PORTS: readonly { readonly name: string; readonly containerPort: number }[] = [
  RAY_PORTS.gcs,
  RAY_PORTS.dashboard,
  RAY_PORTS.client,
  RAY_PORTS.serve,
].map((p) => ({ name: p.name, containerPort: p.port }));
