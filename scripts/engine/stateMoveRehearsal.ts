/**
 * The move of docs/stacks.md ("Move the running dev stack's shared objects to the shared stack"), rehearsed under the
 * real CLI: a dev stack in the single-stack layout, `pulumi state move` of exactly the URNs the docs name, then both
 * stacks' programs in the new layout must preview with no changes to any moved or kept resource. Azure resources cannot
 * be created here, so ConfigMaps stand in for them, under the program's own component types, logical names and the
 * registry's alias (MOVED_REGISTRY_ALIASES); the URN shapes, and so the CLI's move and alias rules, are the same.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MOVED_REGISTRY_ALIASES } from "../../components/registry/containerRegistry";
import type { CommandResult, PulumiCli } from "./pulumiCli";

const REGISTRY_TYPE = "face-ocr:registry:ContainerRegistry";
const PIPELINES_TYPE = "face-ocr:pipelines:BuildPipelines";
const STAND_IN_TYPE = "kubernetes:core/v1:ConfigMap";

/** The program's logical names (components/registry/containerRegistry.ts, components/pipelines/buildPipelines.ts). */
const NAMES = {
  registry: "registry",
  registryResource: "registry-acr",
  kubeletAcrPull: "registry-kubelet-acrpull",
  pipelines: "pipelines",
  workerDefinition: "pipelines-face-ocr-worker",
} as const;

/** The URNs docs/stacks.md moves, for a resource of `registryType` standing in for the registry. */
export function movedUrns(stack: string, project: string, registryType: string): string[] {
  const prefix = `urn:pulumi:${stack}::${project}::`;
  return [`${prefix}${PIPELINES_TYPE}::${NAMES.pipelines}`, `${prefix}${REGISTRY_TYPE}$${registryType}::${NAMES.registryResource}`];
}

class StandInComponent extends pulumi.ComponentResource {
  constructor(type: string, name: string) {
    super(type, name, {}, {});
  }
}

interface Parts {
  /** The registry without MOVED_REGISTRY_ALIASES: what the rehearsal shows the alias is for. */
  readonly withoutAlias?: boolean;
  readonly registry: boolean;
  readonly kubeletAcrPull: boolean;
  readonly pipelines: boolean;
}

function program(context: string, parts: Parts): () => Record<string, never> {
  return () => {
    const provider = new k8s.Provider("cluster", { context });
    const standIn = (name: string, parent: pulumi.Resource, aliases?: pulumi.Alias[]) =>
      new k8s.core.v1.ConfigMap(
        name,
        { metadata: { name, namespace: "default" }, data: { standsFor: name } },
        { parent, provider, aliases },
      );
    const registry = new StandInComponent(REGISTRY_TYPE, NAMES.registry);
    if (parts.registry) standIn(NAMES.registryResource, registry, parts.withoutAlias ? undefined : MOVED_REGISTRY_ALIASES);
    if (parts.kubeletAcrPull) standIn(NAMES.kubeletAcrPull, registry);
    if (parts.pipelines) standIn(NAMES.workerDefinition, new StandInComponent(PIPELINES_TYPE, NAMES.pipelines));
    return {};
  };
}

export class RehearsalFailed extends Error {}

/** Runs the rehearsal in `cli`'s project (stacks `move-dev` and `move-shared`); throws RehearsalFailed on a difference. */
export async function rehearseStateMove(cli: PulumiCli, context: string, project: string): Promise<string> {
  const [dev, shared] = ["move-dev", "move-shared"];
  const must = async (args: readonly string[], prog?: () => unknown): Promise<CommandResult> => {
    const r = await cli.run(args, prog);
    if (r.code !== 0) throw new RehearsalFailed(`\`${r.command}\` exited ${r.code}:\n${(r.stdout + r.stderr).slice(-2000)}`);
    return r;
  };
  await must(["stack", "init", dev]);
  await must(["stack", "init", shared]);
  await must(
    ["up", "--yes", "--skip-preview", "--stack", dev],
    program(context, { registry: true, kubeletAcrPull: true, pipelines: true }),
  );
  await must(["state", "move", "--source", dev, "--dest", shared, "--yes", ...movedUrns(dev, project, STAND_IN_TYPE)]);
  const changes = async (stack: string, parts: Parts) => {
    const r = await must(["preview", "--json", "--stack", stack], program(context, parts));
    const steps = (JSON.parse(r.stdout) as { steps?: { op: string; urn: string }[] }).steps ?? [];
    return steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn}`);
  };
  // In the shared stack only the component `registry` itself is new: a component changes nothing outside the state.
  const sharedChanges = await changes(shared, { registry: true, kubeletAcrPull: false, pipelines: true });
  const expected = [`create urn:pulumi:${shared}::${project}::${REGISTRY_TYPE}::${NAMES.registry}`];
  if (JSON.stringify(sharedChanges) !== JSON.stringify(expected)) {
    throw new RehearsalFailed(
      `after the move, the shared stack's preview should only ${expected[0]}; it has:\n  ${sharedChanges.join("\n  ")}`,
    );
  }
  // And the alias is what keeps it: without it, the moved registry would be deleted and created again.
  const unaliased = await changes(shared, { registry: true, kubeletAcrPull: false, pipelines: true, withoutAlias: true });
  const deleted = `delete urn:pulumi:${shared}::${project}::${STAND_IN_TYPE}::${NAMES.registryResource}`;
  if (!unaliased.includes(deleted)) {
    throw new RehearsalFailed(
      `without the registry's alias the shared stack's preview should ${deleted}; it has:\n  ${unaliased.join("\n  ")}`,
    );
  }
  const devChanges = await changes(dev, { registry: false, kubeletAcrPull: true, pipelines: false });
  if (devChanges.length > 0)
    throw new RehearsalFailed(`after the move, the dev stack's preview should have no changes; it has:\n  ${devChanges.join("\n  ")}`);
  return `moved ${movedUrns(dev, project, STAND_IN_TYPE).length} URNs; shared: only the registry component is new (without the alias: the registry deleted); dev: no changes`;
}
