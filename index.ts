/**
 * The composition root: read the stack's config, build the components, export
 * what operators look up. No logic lives here.
 */
import { ContainerRegistry } from "./components/registry/containerRegistry";
import { loadStackConfig } from "./config/load";

export = async () => {
  const config = loadStackConfig();

  // --- registry (components/registry) ---
  const registry = new ContainerRegistry("registry", {
    registryName: config.registry.name,
    resourceGroupName: config.registry.resourceGroupName,
  });

  // --- ray (components/ray) ---

  // --- api (components/api) ---

  // --- pipelines (components/pipelines) ---

  return {
    rayVersion: config.rayVersion,
    registryLoginServer: registry.loginServer,
  };
};
