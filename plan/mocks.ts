/**
 * The mock provider behind the offline plan and the tests: resources echo
 * their inputs plus the few outputs real providers compute, and any invoke
 * without a registered answer fails loudly rather than returning nothing.
 */
import { createHash } from "crypto";
import type * as pulumi from "@pulumi/pulumi";

export type InvokeMock = (args: Record<string, unknown>) => Record<string, unknown>;
export type OutputMock = (name: string, inputs: Record<string, unknown>) => Record<string, unknown>;

/** The token of the docker provider's registry lookup (components/registry/imageDigest.ts). */
export const REGISTRY_IMAGE_INVOKE = "docker:index/getRegistryImage:getRegistryImage";

/**
 * The offline answer for an image's digest: 48 zeros, then 16 hex digits of a hash of the name, so a
 * different tag gives a different digest and no one mistakes it for a build.
 */
export function fakeDigest(image: string): string {
  return `sha256:${"0".repeat(48)}${createHash("sha256").update(image).digest("hex").slice(0, 16)}`;
}

/** The shape of {@link fakeDigest}'s answers: a sha256 digest starting with 48 zeros is not a thing a registry makes. */
export const FAKE_DIGEST_PATTERN = /^sha256:0{48}[0-9a-f]{16}$/;

/** Answers for the invokes the program makes; fake, obviously so. */
export const DEFAULT_INVOKE_MOCKS: Readonly<Record<string, InvokeMock>> = {
  "azure-native:authorization:getClientConfig": () => ({
    clientId: "00000000-0000-0000-0000-000000000000",
    objectId: "00000000-0000-0000-0000-000000000000",
    subscriptionId: "00000000-0000-0000-0000-000000000000",
    tenantId: "00000000-0000-0000-0000-000000000000",
  }),
  [REGISTRY_IMAGE_INVOKE]: (args) => ({
    id: String(args.name),
    name: String(args.name),
    insecureSkipVerify: false,
    sha256Digest: fakeDigest(String(args.name)),
  }),
  "azuredevops:index/getProject:getProject": (args) => ({
    id: `fake-project-id-${String(args.name)}`,
    projectId: `fake-project-id-${String(args.name)}`,
    name: String(args.name),
    description: "",
    visibility: "private",
    versionControl: "Git",
    workItemTemplate: "Agile",
    processTemplateId: "fake-process-template-id",
    features: {},
  }),
  "azuredevops:index/getGitRepository:getGitRepository": (args) => ({
    id: `fake-repo-id-${String(args.name)}`,
    name: String(args.name),
    projectId: String(args.projectId),
    defaultBranch: "refs/heads/main",
    disabled: false,
    isFork: false,
    size: 0,
    remoteUrl: `https://example.invalid/_git/${String(args.name)}`,
    sshUrl: `git@example.invalid:v3/${String(args.name)}`,
    url: `https://example.invalid/_apis/git/repositories/${String(args.name)}`,
    webUrl: `https://example.invalid/_git/${String(args.name)}`,
  }),
};

/** Outputs real providers compute that the program reads back; an `id` here becomes the resource's id. */
export const DEFAULT_OUTPUT_MOCKS: Readonly<Record<string, OutputMock>> = {
  // The id is the ARM id Azure reports, under the all-zero subscription the client-config mock answers with.
  "azure-native:containerregistry:Registry": (_name, inputs) => ({
    id: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${String(inputs.resourceGroupName)}/providers/Microsoft.ContainerRegistry/registries/${String(inputs.registryName)}`,
    loginServer: `${String(inputs.registryName).toLowerCase()}.azurecr.io`,
  }),
  // Azure DevOps numbers build definitions and the provider reports the number as the id; the branch policy
  // needs it as an integer. A fake number, stable per logical name. (Takes effect once newResource lets an
  // output mock supply the id; today every id is `<name>-id`.)
  "azuredevops:index/buildDefinition:BuildDefinition": (name) => ({
    id: String(9000 + ([...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 999, 0) + 1)),
    revision: 1,
  }),
};

export class UnmockedInvokeError extends Error {
  /** The runtime reports an invoke failure by this field, as it would a gRPC error's. */
  readonly details: string;

  constructor(token: string) {
    super(`unmocked invoke "${token}": add an answer for it to DEFAULT_INVOKE_MOCKS in plan/mocks.ts (or pass one to the run)`);
    this.name = "UnmockedInvokeError";
    this.details = this.message;
  }
}

/** The type token of a stack reference; the engine reads it, and the mocks answer with {@link MockOptions.stackOutputs}. */
export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

export interface MockOptions {
  readonly invokes?: Readonly<Record<string, InvokeMock>>;
  readonly outputs?: Readonly<Record<string, OutputMock>>;
  /** Outputs of the stacks the program references, by the name it references them by (plan/sharedStackOutputs.ts). */
  readonly stackOutputs?: Readonly<Record<string, Record<string, unknown>>>;
}

export class UnknownStackReferenceError extends Error {
  /** The runtime reports a failed read by this field, as it would a gRPC error's. */
  readonly details: string;

  constructor(name: string, known: readonly string[]) {
    super(
      `stack reference "${name}": the offline plan has no outputs for that stack (it knows ${known.join(", ") || "none"}); ` +
        "sharedStack must name a stack of this project that has a Pulumi.<stack>.yaml",
    );
    this.name = "UnknownStackReferenceError";
    this.details = this.message;
  }
}

export interface RecordedInvoke {
  readonly token: string;
  readonly args: Record<string, unknown>;
  /** What the mock answered. */
  readonly result: Record<string, unknown>;
}

export class PlanMocks implements pulumi.runtime.Mocks {
  readonly invokes: RecordedInvoke[] = [];
  private readonly invokeMocks: Readonly<Record<string, InvokeMock>>;
  private readonly outputMocks: Readonly<Record<string, OutputMock>>;
  private readonly stackOutputs: Readonly<Record<string, Record<string, unknown>>>;

  constructor(options: MockOptions = {}) {
    this.invokeMocks = { ...DEFAULT_INVOKE_MOCKS, ...options.invokes };
    this.outputMocks = { ...DEFAULT_OUTPUT_MOCKS, ...options.outputs };
    this.stackOutputs = options.stackOutputs ?? {};
  }

  /** Custom resources get the id the output mock names, else `<name>-id`; components get none. */
  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    if (args.type === STACK_REFERENCE_TYPE) {
      const name = String((args.inputs as { name?: unknown }).name);
      const outputs = this.stackOutputs[name];
      if (!outputs) throw new UnknownStackReferenceError(name, Object.keys(this.stackOutputs));
      return { id: name, state: { name, outputs, secretOutputNames: [] } };
    }
    const { id, ...extra } = this.outputMocks[args.type]?.(args.name, args.inputs as Record<string, unknown>) ?? {};
    if (args.custom === false) return { id: undefined, state: { ...args.inputs, ...extra } };
    return { id: typeof id === "string" ? id : `${args.name}-id`, state: { ...args.inputs, ...extra } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const mock = this.invokeMocks[args.token];
    if (!mock) throw new UnmockedInvokeError(args.token);
    const inputs = args.inputs as Record<string, unknown>;
    const result = mock(inputs);
    this.invokes.push({ token: args.token, args: inputs, result });
    return result;
  }
}
