/** Where a worker group's pods may run: tolerations and required node affinity, from config. */
import type * as k8s from "@pulumi/kubernetes";
import type { NodeSelectorExpressionConfig, TolerationConfig } from "../../config/sections/ray";

export function tolerations(config: readonly TolerationConfig[]): k8s.types.input.core.v1.Toleration[] {
  return config.map((t) => {
    const out: Record<string, string | number> = {};
    if (t.key !== undefined) out.key = t.key;
    out.operator = t.operator;
    if (t.value !== undefined) out.value = t.value;
    if (t.effect !== undefined) out.effect = t.effect;
    if (t.tolerationSeconds !== undefined) out.tolerationSeconds = t.tolerationSeconds;
    return out as k8s.types.input.core.v1.Toleration;
  });
}

/** One required node selector term with every expression (all must match); undefined when there are none. */
export function requiredNodeAffinity(expressions: readonly NodeSelectorExpressionConfig[]): k8s.types.input.core.v1.Affinity | undefined {
  if (expressions.length === 0) return undefined;
  const matchExpressions = expressions.map((e) =>
    e.values && e.values.length > 0 ? { key: e.key, operator: e.operator, values: [...e.values] } : { key: e.key, operator: e.operator },
  );
  return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] } } };
}
