import { z } from "zod";

/** Config key `api`: the face-ocr-api HelmRelease, its Flux sources and image automation. */
export const apiConfigSchema = z.object({}).strict().prefault({});

export type ApiConfig = z.infer<typeof apiConfigSchema>;
