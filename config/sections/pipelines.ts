import { z } from "zod";

/** Config key `pipelines`: the Azure DevOps build definitions. */
export const pipelinesConfigSchema = z.object({}).strict().prefault({});

export type PipelinesConfig = z.infer<typeof pipelinesConfigSchema>;
