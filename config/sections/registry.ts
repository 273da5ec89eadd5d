import { z } from "zod";

/** Config key `registry`: the Azure Container Registry and how clusters pull from it. */
export const registryConfigSchema = z.object({}).strict().prefault({});

export type RegistryConfig = z.infer<typeof registryConfigSchema>;
