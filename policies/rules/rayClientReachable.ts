import type { StackValidationPolicy } from "@pulumi/policy";
import { get, isOpaque, items, pathJoin, resourceLabel, str, stringLeaves } from "../lib/read";
import { isRayKind, podSites, RAY_SERVICE_TYPE } from "../lib/workloads";

export const RAY_CLIENT_REACHABLE = "ray-client-reachable";

/** Ray's default Ray Client server port, which KubeRay also uses when rayStartParams does not set one. */
export const DEFAULT_RAY_CLIENT_PORT = 10001;

export function headWithoutClientPortMessage(where: string, port: number, listed: readonly number[]): string {
  return (
    `${where} lists the ports ${listed.join(", ")} but not the Ray Client port ${port}: KubeRay builds the head Service from these ports, ` +
    `so the API's ray://...:${port} connection is refused. Add { name: "client", containerPort: ${port} } (this project: components/ray/ports.ts).`
  );
}

export function rayAddressPortMessage(where: string, address: string, port: number, clientPorts: readonly string[]): string {
  return (
    `${where} (RAY_ADDRESS) is "${address}", port ${port}, but the Ray head serves Ray Client on ${clientPorts.join(" and ")}: ` +
    `the API cannot connect. Derive RAY_ADDRESS from the head's client port (this project: components/ray/naming.ts and ports.ts) instead of writing it.`
  );
}

/** A Ray head accepts Ray Client on its client port, and every RAY_ADDRESS in the stack names that port. */
export function rayClientReachable(): StackValidationPolicy {
  return {
    name: RAY_CLIENT_REACHABLE,
    description:
      "The Ray head's container ports include its Ray Client port (ray-client-server-port, default 10001), and every RAY_ADDRESS (ray://host:port) names that port.",
    validateStack: (args, reportViolation) => {
      const clientPortsSeen: number[] = [];
      for (const r of args.resources) {
        const label = resourceLabel(r.type, r.name);
        for (const pod of podSites(r.type, r.props)) {
          if (pod.rayGroup?.name !== "head") continue;
          const param = get(pod.rayGroup.rayStartParams, "ray-client-server-port");
          if (isOpaque(param)) continue;
          const port = param === undefined ? DEFAULT_RAY_CLIENT_PORT : Number(param);
          clientPortsSeen.push(port);
          // KubeRay runs Ray in the first container.
          const container = items(get(pod.spec, "containers"))[0];
          const ports = items(get(container, "ports"))
            .map((p) => get(p, "containerPort"))
            .filter((p): p is number => typeof p === "number");
          if (ports.length > 0 && !ports.includes(port)) {
            reportViolation(
              headWithoutClientPortMessage(`${label} ${pathJoin(pathJoin(pathJoin(pod.path, "containers"), 0), "ports")}`, port, ports),
              r.urn,
            );
          }
        }
      }
      if (clientPortsSeen.length === 0) return;
      const clientPorts = [...new Set(clientPortsSeen)];
      for (const r of args.resources) {
        if (r.type === RAY_SERVICE_TYPE || isRayKind(r.type, "RayCluster")) continue;
        for (const leaf of stringLeaves(r.props)) {
          const named = leaf.key === "RAY_ADDRESS" || (leaf.key === "value" && str(get(leaf.holder, "name")) === "RAY_ADDRESS");
          if (!named) continue;
          const m = /^ray:\/\/[^/:]+(?::(\d+))?\/?$/.exec(leaf.value.trim());
          if (!m) continue;
          const port = m[1] === undefined ? DEFAULT_RAY_CLIENT_PORT : Number(m[1]);
          if (!clientPorts.includes(port)) {
            reportViolation(
              rayAddressPortMessage(`${resourceLabel(r.type, r.name)} ${leaf.path}`, leaf.value, port, clientPorts.map(String)),
              r.urn,
            );
          }
        }
      }
    },
  };
}
