import * as pulumi from "@pulumi/pulumi";

/**
 * The shared stack's outputs that environment stacks read, by output name. The shared stack exports exactly these
 * (index.ts); an environment stack reads them through one StackReference.
 */
export const SHARED_STACK_OUTPUTS = {
  /** The registry's name, e.g. `cybersmartstg`. */
  registryName: "registryName",
  /** e.g. `cybersmartstg.azurecr.io`: every image an environment runs comes from here. */
  registryLoginServer: "registryLoginServer",
  /** The registry's ARM id: the scope of each environment's kubelet AcrPull. */
  registryId: "registryId",
} as const;

export type SharedStackOutputName = keyof typeof SHARED_STACK_OUTPUTS;

export type SharedStackOutputs = Readonly<Record<SharedStackOutputName, pulumi.Output<string>>>;

/**
 * Reads the shared stack (`sharedStack` config, e.g. `shared` or `<organization>/face-ocr-platform/shared`). A real run
 * fails before changing anything when that stack does not exist or lacks an output; the offline plan answers with the
 * shared stack's own offline outputs (plan/sharedStackOutputs.ts).
 */
export function readSharedStack(name: string): SharedStackOutputs {
  const reference = new pulumi.StackReference("shared-stack", { name });
  const read = (output: string) => reference.requireOutput(output) as pulumi.Output<string>;
  return {
    registryName: read(SHARED_STACK_OUTPUTS.registryName),
    registryLoginServer: read(SHARED_STACK_OUTPUTS.registryLoginServer),
    registryId: read(SHARED_STACK_OUTPUTS.registryId),
  };
}
