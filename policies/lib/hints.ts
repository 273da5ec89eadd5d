/**
 * Where this project sets what a policy checks, so a message can name the
 * stack config key to change. Policies work without a hint (any RayService,
 * any stack); test/policies/hints.test.ts proves every key here exists in the
 * stack config schema.
 */
import type { ContainerSite, PodSite } from "./workloads";
import { isRayKind } from "./workloads";

/** Stack config key of each Ray group the Ray component renders, by group name. */
export const RAY_GROUP_CONFIG_KEYS: Readonly<Record<string, string>> = {
  head: "ray.head",
  "default-worker-group": "ray.cpuWorker",
  "gpu-worker-group": "ray.gpuWorker",
};

/** The initContainer whose resources have their own key. */
export const INSTALL_CONTAINER_RESOURCES: { readonly group: string; readonly container: string; readonly key: string } = {
  group: "gpu-worker-group",
  container: "install-heavy-deps",
  key: "ray.gpuWorker.installResources",
};

/** The config key of a Ray group of a RayService, or undefined. */
export function rayGroupKey(type: string, pod: PodSite): string | undefined {
  if (!isRayKind(type, "RayService") || pod.rayGroup?.name === undefined) return undefined;
  return RAY_GROUP_CONFIG_KEYS[pod.rayGroup.name];
}

/** The config key of a container's resources, or undefined. */
export function resourcesKey(type: string, c: ContainerSite): string | undefined {
  const group = rayGroupKey(type, c.pod);
  if (!group) return undefined;
  if (c.kind === "containers" && c.index === 0) return `${group}.resources`;
  if (
    c.kind === "initContainers" &&
    c.pod.rayGroup?.name === INSTALL_CONTAINER_RESOURCES.group &&
    c.name === INSTALL_CONTAINER_RESOURCES.container
  ) {
    return INSTALL_CONTAINER_RESOURCES.key;
  }
  return undefined;
}

/** The config keys of the GPU worker image, for the Ray container of the GPU group. */
export function workerImageKeys(type: string, c: ContainerSite): { tag: string; digest: string } | undefined {
  const group = rayGroupKey(type, c.pod);
  if (group !== RAY_GROUP_CONFIG_KEYS["gpu-worker-group"] || c.kind !== "containers" || c.index !== 0) return undefined;
  return { tag: `${group}.image.tag`, digest: `${group}.image.digest` };
}
