/**
 * `npm run adopt`: from an export of the running system, the stack config that reproduces it and the import file
 * that adopts it. Nothing is written unless the offline plan of the adopted config reproduces every live object,
 * except for the program's listed improvements (improvements.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { registryLoginServer } from "../components/registry/registrySpec";
import { stackConfigFromStrings } from "../config/parse";
import type { StackConfig } from "../config/stackConfig";
import { offlinePlan } from "../plan/offlinePlan";
import { PROJECT_NAME } from "../config/projectName";
import { referencedStackOutputs } from "../plan/sharedStackOutputs";
import { SHARED_STACK_OUTPUTS } from "../components/stacks/sharedStack";
import { PLACEHOLDER_OBJECT_ID } from "../config/realRun";
import type { StackRole } from "../config/stackRole";
import { buildPlanConfig, stackFilePath } from "../plan/stackConfigFile";
import { ImportPlan, importPlan } from "./importFile";
import { ListedDifference, unlistedDifference, withReasons } from "./improvements";
import { kubernetesFromLive } from "./kubernetesFromLive";
import { diffAgainstLive } from "./liveDiff";
import { AdoptInputError, LiveExport, readLiveExport } from "./liveExport";
import { registryFromLive } from "./registryFromLive";
import { editStackConfig, sectionsOf } from "./stackConfigWriter";
import { makeFolders } from "../plan/makeFolders";

export interface AdoptOptions {
  readonly projectDir: string;
  readonly stack: string;
  readonly liveDir: string;
  readonly program: () => unknown;
}

export interface AdoptResult {
  readonly stackFile: string;
  readonly stackFileText: string;
  readonly written: readonly string[];
  readonly importPlan: ImportPlan;
  /** Every difference the first `up` makes on an adopted object, each with its reason. */
  readonly improvements: readonly ListedDifference[];
  readonly todo: readonly string[];
}

const SECTIONS = ["registry", "ray", "api"] as const;

function currentConfig(projectDir: string, stack: string): StackConfig {
  const plan = buildPlanConfig(projectDir, stack, []);
  const result = stackConfigFromStrings(plan.config, PROJECT_NAME, plan.secretKeys, stack);
  if (!result.ok)
    throw new AdoptInputError(`Pulumi.${stack}.yaml is not valid config yet:\n${result.problems.map((p) => `  - ${p}`).join("\n")}`);
  return result.config;
}

/** Computes everything; writes nothing. */
export async function adopt(options: AdoptOptions): Promise<AdoptResult> {
  const live: LiveExport = readLiveExport(options.liveDir);
  const current = currentConfig(options.projectDir, options.stack);
  const todo: string[] = [];

  const registry = live.acr ? registryFromLive(live.acr, live.roleAssignments) : undefined;
  if (!registry) todo.push("acr.json is not in the export: the registry's settings were not written (`az acr show -n <registry> -o json`)");
  // What this stack's role owns of the export (docs/stacks.md): the shared stack the registry, an environment stack
  // its cluster and its kubelet's AcrPull, a standalone stack both.
  const owned = ownedOfExport(current.role);
  if (owned.cluster && current.registry.mode === "shared-stack" && live.acr) {
    await checkSharedStackAdopted(options, live.acr.id);
  }
  const loginServer = live.acr?.loginServer ?? registryLoginServer(current.registry);
  const kubernetes = owned.cluster ? kubernetesFromLive(live, current, loginServer) : undefined;
  todo.push(...(registry?.todo ?? []).filter((t) => owned.cluster || !t.includes("kubeletPrincipalId")), ...(kubernetes?.todo ?? []));

  const stackFile = stackFilePath(options.projectDir, options.stack);
  const registryKeys = Object.fromEntries(
    Object.entries(registry?.keys ?? {}).filter(([key]) => (key === "kubeletPrincipalId" ? owned.cluster : owned.registry)),
  );
  const edit = editStackConfig(
    fs.readFileSync(stackFile, "utf8"),
    path.relative(options.projectDir, stackFile),
    PROJECT_NAME,
    kubernetes
      ? { registry: { ...registryKeys, pullSecrets: kubernetes.pullSecrets }, ray: kubernetes.ray, api: kubernetes.api }
      : { registry: registryKeys },
    current as unknown as Record<string, unknown>,
  );

  const sections = sectionsOf(edit.text, PROJECT_NAME, kubernetes ? SECTIONS : ["registry"]);
  const plan = await offlinePlan({
    projectDir: options.projectDir,
    stack: options.stack,
    overrides: Object.entries(sections).map(([key, value]) => ({ key, value: JSON.stringify(value), secret: false })),
    program: options.program,
  });
  if (plan.kind === "invalid-config") throw new AdoptInputError(`the config written from the export does not validate:\n${plan.message}`);
  if (plan.exitCode !== 0) {
    const findings = [
      ...plan.schema.findings.map((f) => JSON.stringify(f)),
      ...plan.policy.violations.map((v) => `${v.policyName}: ${v.message}`),
    ];
    throw new AdoptInputError(
      `the offline plan of the adopted config fails (exit ${plan.exitCode}):\n${findings.map((f) => `  - ${f}`).join("\n")}`,
    );
  }

  const imports = importPlan(plan.run.resources, live, {
    ...(registry && owned.registry ? { "azure-native:containerregistry:Registry": registry.registryId } : {}),
    ...(registry?.acrPullAssignmentId && owned.cluster
      ? { "azure-native:authorization:RoleAssignment": registry.acrPullAssignmentId }
      : {}),
  });
  const differences = imports.adopted.flatMap(({ resource, live: object }) => diffAgainstLive(resource.plainInputs, object));
  const unlisted = differences.filter((d) => withReasons([d]).length === 0);
  if (unlisted.length > 0) {
    throw new AdoptInputError(
      [
        "no config the adoption can write reproduces these live fields; change the live object or the program first:",
        ...unlisted.map(unlistedDifference),
      ].join("\n"),
    );
  }
  for (const o of imports.helmOwned) {
    todo.push(
      `${o.kind} ${o.metadata.namespace}/${o.metadata.name} is rendered by the Helm release (app.kubernetes.io/managed-by: Helm), so it is not imported: ` +
        'update the HelmRelease first (`pulumi up --target` it), wait for Helm to delete it, then `pulumi up` creates the stack\'s own (docs/api.md, "Adopting the running system")',
    );
  }
  for (const r of imports.created) {
    if (r.type.startsWith("azuredevops:")) continue;
    todo.push(`${r.type} ${r.name} is not in the export: \`pulumi up\` creates it`);
  }
  if (current.pipelines.enabled && current.role !== "environment") {
    todo.push(
      'the Azure DevOps build definitions are not in the export: import them by hand (docs/pipelines.md, "Adopting the live pipelines")',
    );
    todo.push(...placeholderApprovals(current, options.stack));
  }
  const flux = imports.adopted.filter((a) => a.live.metadata.labels?.["kustomize.toolkit.fluxcd.io/name"] !== undefined);
  if (flux.length > 0) {
    todo.push(
      `Flux's Kustomization applies ${flux.map((a) => `${a.live.kind} ${a.live.metadata.namespace ?? ""}/${a.live.metadata.name}`).join(", ")} ` +
        `(label kustomize.toolkit.fluxcd.io/name): run the GitOps cutover first (\`npm run plan -- --stack ${options.stack}\`, then out/${options.stack}/gitops/cutover/${current.environment}/README.md)`,
    );
  }
  if (owned.cluster) {
    todo.push(
      `set the secrets the program reads: \`pulumi config set --secret databasePassword --stack ${options.stack}\`, likewise chromaToken and dosashopKey (the live HelmRelease holds them in clear; never copy them into a file)`,
    );
  }
  return { stackFile, stackFileText: edit.text, written: edit.written, importPlan: imports, improvements: withReasons(differences), todo };
}

/**
 * Approvals still waiting for a real approver: no export holds who approves a deployment, so a person sets it, and a
 * real run refuses the placeholder until then.
 */
function placeholderApprovals(config: StackConfig, stack: string): string[] {
  return Object.entries(config.pipelines.deployments.approvals).flatMap(([target, approval]) => {
    const i = approval.approvers.indexOf(PLACEHOLDER_OBJECT_ID);
    if (i < 0) return [];
    const key = `pipelines.deployments.approvals.${target}.approvers[${i}]`;
    return [
      `the ${target} deployment approval has no real approver yet (${key} is the placeholder ${PLACEHOLDER_OBJECT_ID}, which a real run refuses): ` +
        `set the approving group's identity id with \`pulumi config set --path '${key}' <identity-id> --stack ${stack}\` (docs/pipelines.md, "add an approver")`,
    ];
  });
}

/** The parts of an export a stack of this role adopts. */
function ownedOfExport(role: StackRole): { registry: boolean; cluster: boolean } {
  return { registry: role !== "environment", cluster: role !== "shared" };
}

/**
 * An environment stack's kubelet AcrPull is scoped to the registry id its shared stack exports; adopting it before
 * the shared stack's registry settings are the live ones would import an assignment the plan then replaces.
 */
async function checkSharedStackAdopted(options: AdoptOptions, liveRegistryId: string): Promise<void> {
  const planConfig = buildPlanConfig(options.projectDir, options.stack, []);
  const outputs = Object.entries(await referencedStackOutputs(options.projectDir, options.stack, planConfig, options.program));
  const [name, shared] = outputs[0] ?? [];
  const planned = shared?.[SHARED_STACK_OUTPUTS.registryId];
  // Offline, the subscription is the mocks' (plan/mocks.ts); the resource group and the name are the shared stack's.
  const withinSubscription = (id: unknown) =>
    String(id)
      .replace(/^\/subscriptions\/[^/]+/i, "")
      .toLowerCase();
  if (withinSubscription(planned) !== withinSubscription(liveRegistryId)) {
    throw new AdoptInputError(
      `the shared stack "${name}" plans the registry ${String(planned)}, but the export's is ${liveRegistryId}: ` +
        `adopt the shared stack first (\`npm run adopt -- --stack ${name} --live ${options.liveDir}\`), then this one`,
    );
  }
}

/** Writes the stack file and the import file. */
export function writeAdoption(result: AdoptResult, importFilePath: string): void {
  try {
    makeFolders(path.dirname(importFilePath));
    fs.writeFileSync(importFilePath, `${JSON.stringify(result.importPlan.file, null, 2)}\n`);
  } catch (err) {
    const { code, path: where } = err as NodeJS.ErrnoException;
    throw new AdoptInputError(
      `cannot write the import file ${importFilePath} (--import-file): ${code ?? String(err)}${where ? ` at ${where}` : ""}`,
    );
  }
  fs.writeFileSync(result.stackFile, result.stackFileText);
}
