/**
 * The composition root: read the stack's config, build the components, export
 * what operators look up. No logic lives here.
 */
import { loadStackConfig } from "./config/load";

export = async () => {
  const config = loadStackConfig();

  return {
    rayVersion: config.rayVersion,
  };
};
