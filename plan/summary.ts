/** The readable summary `npm run plan` prints. */
import { SHARED_STACK_OUTPUTS } from "../components/stacks/sharedStack";
import { formatFinding } from "../validation/finding";
import { REGISTRY_IMAGE_INVOKE } from "./mocks";
import { OfflinePlanResult } from "./offlinePlan";

export function formatSummary(result: Extract<OfflinePlanResult, { kind: "planned" }>, outDir?: string): string {
  const { run, schema, policy, preview, planConfig } = result;
  const lines: string[] = [];
  lines.push(`Offline plan of stack "${run.stack}" (project ${run.project})`);
  const context = run.outputs.clusterContext;
  if (typeof context === "string") lines.push(`Cluster: kubeconfig context "${context}" (cluster.context)`);
  for (const [name, outputs] of Object.entries(result.stackOutputs)) {
    const read = Object.values(SHARED_STACK_OUTPUTS)
      .map((key) => `${key} ${String(outputs[key])}`)
      .join(", ");
    lines.push(`Shared stack: "${name}" (sharedStack), read offline from its own plan: ${read}`);
  }
  const counts = new Map<string, number>();
  for (const r of run.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const ops = Object.entries(preview.changeSummary)
    .map(([op, n]) => `${n} to ${op}`)
    .join(", ");
  lines.push(`\nResources: ${run.resources.length} (${ops})`);
  for (const type of [...counts.keys()].sort()) lines.push(`  ${String(counts.get(type)).padStart(3)}  ${type}`);
  const protectedOnes = run.resources.filter((r) => r.protect).map((r) => r.name);
  if (protectedOnes.length > 0) lines.push(`  protected from deletion: ${protectedOnes.join(", ")}`);
  if (planConfig.placeholders.length > 0) {
    lines.push(`\nSecrets not set for this run (masked placeholders used): ${planConfig.placeholders.join(", ")}`);
  }
  const lookups = run.invokes.filter((i) => i.token === REGISTRY_IMAGE_INVOKE);
  if (lookups.length > 0) {
    lines.push("\nImage digests FAKE in this offline plan (a real run asks the registry; pin one with ray.gpuWorker.image.digest):");
    for (const i of lookups) lines.push(`  ${String(i.args.name)} -> ${String(i.result.sha256Digest)}`);
  }
  const c = schema.checked;
  lines.push(
    `\nSchema: ${c.crd} custom resources (shared/crds), ${c.kubernetes} core Kubernetes objects (Kubernetes OpenAPI), ${c.azuredevops} azuredevops resources (provider schema), ${c["typed-sdk"]} checked by typed SDK`,
  );
  if (schema.findings.length === 0) lines.push("  all valid");
  for (const f of schema.findings) lines.push(`  FAIL ${formatFinding(f)}`);
  const mandatory = policy.violations.filter((v) => v.enforcementLevel === "mandatory");
  lines.push(
    `\nPolicies: ${policy.policiesRun.length} run, ${mandatory.length} mandatory and ${policy.violations.length - mandatory.length} advisory violations`,
  );
  for (const v of policy.violations) lines.push(`  [${v.enforcementLevel}] ${v.policyName}: ${v.message}`);
  if (outDir && result.exitCode !== 0) {
    lines.push(`\nNothing written: a refused plan (exit ${result.exitCode}) leaves ${outDir}/${run.stack}/ as it was`);
  } else if (outDir) {
    lines.push(`\nWrote ${outDir}/${run.stack}/preview.json and ${result.manifestCount} manifests in ${outDir}/${run.stack}/manifests/`);
    for (const file of Object.keys(result.generatedFiles)) lines.push(`  and ${outDir}/${run.stack}/${file}`);
  }
  return lines.join("\n");
}
