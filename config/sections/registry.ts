import { z } from "zod";

/** Config key `registry`: the Azure Container Registry and how clusters pull from it. */
export const registryConfigSchema = z
  .object({
    /** Registry name; its login server is `<name>.azurecr.io`. @default "cybersmartstg" */
    name: z
      .string()
      .regex(/^[a-zA-Z0-9]{5,50}$/, { error: "expected 5-50 letters and digits (Azure Container Registry naming rules)" })
      .default("cybersmartstg"),
    /** The existing resource group that holds the registry. */
    resourceGroupName: z.string().min(1, { error: "expected the name of the existing resource group that holds the registry" }),
    /** Repository path of the GPU worker image. @default "data-ai/face-ocr-worker" */
    workerRepository: z.string().default("data-ai/face-ocr-worker"),
    /** Repository path of the API image. @default "data-ai/face-ocr-api" */
    apiRepository: z.string().default("data-ai/face-ocr-api"),
  })
  .strict();

export type RegistryConfig = z.infer<typeof registryConfigSchema>;
