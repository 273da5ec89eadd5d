import { z } from "zod";
import { quantityValue } from "../quantity";

/**
 * Kubernetes refuses a pod whose request exceeds its limit, long after the
 * plan said yes; every `resources` block in config is checked here instead.
 */
export function refineRequestsWithinLimits(
  r: { readonly limits: Readonly<Record<string, string | undefined>>; readonly requests: Readonly<Record<string, string | undefined>> },
  ctx: z.RefinementCtx,
): void {
  for (const name of Object.keys(r.requests)) {
    const request = r.requests[name];
    const limit = r.limits[name];
    if (request === undefined || limit === undefined) continue;
    const rv = quantityValue(request);
    const lv = quantityValue(limit);
    if (rv !== undefined && lv !== undefined && rv > lv) {
      ctx.addIssue({
        code: "custom",
        path: ["requests", name],
        input: request,
        message: `a request may not exceed its limit (limits.${name} is ${JSON.stringify(limit)}); Kubernetes would refuse the pod`,
      });
    }
  }
}
