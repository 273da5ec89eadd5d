/**
 * Whether the program runs inside the offline plan or under a real engine.
 *
 * `pulumi.runtime.isDryRun()` cannot tell: it is true for the offline plan and for a real `pulumi preview`
 * alike. The offline plan (plan/runProgram.ts) therefore sets an explicit marker around the program, and
 * nothing else sets it: a real `pulumi preview` or `up` always runs with the marker absent, so the checks that
 * only a real run needs (config/realRun.ts: placeholders, registry settings left to the plan's stand-ins) can
 * never be skipped by config or environment. A global symbol, so every copy of this module sees one marker.
 */
const OFFLINE_PLAN_MARKER = Symbol.for("face-ocr-platform.offlinePlan");

type MarkerHolder = { [OFFLINE_PLAN_MARKER]?: boolean };

/** True while the offline plan (or a test through it) runs the program. */
export function isOfflinePlan(): boolean {
  return (globalThis as MarkerHolder)[OFFLINE_PLAN_MARKER] === true;
}

/** Runs `body` with the marker set to `offline`, and restores the previous value afterwards. */
export async function withOfflinePlanMarker<T>(offline: boolean, body: () => Promise<T>): Promise<T> {
  const holder = globalThis as MarkerHolder;
  const previous = holder[OFFLINE_PLAN_MARKER];
  holder[OFFLINE_PLAN_MARKER] = offline;
  try {
    return await body();
  } finally {
    holder[OFFLINE_PLAN_MARKER] = previous;
  }
}
