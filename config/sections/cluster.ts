import { z } from "zod";

/** A kubeconfig context name: what `kubectl config get-contexts` lists (AKS names them after the cluster). */
export const KUBE_CONTEXT_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9._@:/-]{0,251}[A-Za-z0-9])?$/;

/**
 * Config key `cluster`: the Kubernetes cluster this stack applies to. Every Kubernetes resource goes through one
 * explicit provider bound to this context, never through whatever kubeconfig context happens to be current, so
 * `pulumi up --stack prod` with a dev context selected fails to find prod's context instead of changing dev.
 */
export const clusterConfigSchema = z
  .object({
    /**
     * The kubeconfig context of this stack's cluster, as `az aks get-credentials -g <group> -n <cluster>` names it
     * (the cluster's name) and `kubectl config get-contexts` lists it. The kubeconfig itself is found as kubectl finds
     * it (`KUBECONFIG`, else `~/.kube/config`); no credential is part of the stack's config.
     */
    context: z
      .string({ error: 'expected the kubeconfig context name of this stack\'s cluster, such as "aks-data-ai-dev"' })
      .regex(KUBE_CONTEXT_PATTERN, {
        error: 'expected a kubeconfig context name such as "aks-data-ai-dev" (letters, digits and . _ @ : / -)',
      }),
  })
  .strict();

export type ClusterConfig = z.infer<typeof clusterConfigSchema>;
