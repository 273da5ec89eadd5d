import { z } from "zod";

/** Config key `ray`: the RayService and its worker groups. */
export const rayConfigSchema = z.object({}).strict().prefault({});

export type RayConfig = z.infer<typeof rayConfigSchema>;
