import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as docker from "@pulumi/docker";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IMAGE_REPOSITORY_PATTERN } from "../../config/imageRef";
import { StackConfigError } from "../../config/errors";
import { configErrorMessage } from "../../config/parse";
import { registryDigest, registryReaderArgs } from "./imageDigest";
import type { RegistryConfig, RegistryMode, RegistrySku } from "../../config/sections/registry";
import {
  acrLoginServer,
  acrPullRoleDefinitionId,
  acrRepositoryUrl,
  dockerConfigJson,
  PullAccessConfigError,
  PullAccessSpec,
  pullAccessSpec,
  PullSecretRef,
  pullSecretSuffix,
  RegistrySettingsError,
  RegistrySpec,
  registrySpec,
  subscriptionOfRegistryId,
} from "./registrySpec";

export interface ContainerRegistryArgs {
  /** Registry name, e.g. `cybersmartstg`. */
  readonly registryName: string;
  /**
   * `manage`: the component owns the registry. `reference`: the registry exists and is owned elsewhere; the component
   * registers no Azure resource and makes no Azure call for it, and every URL derives from `loginServer`.
   * @default "manage"
   */
  readonly mode?: Exclude<RegistryMode, "shared-stack">;
  /** Reference mode: the existing registry's login server, e.g. `cybersmartstg.azurecr.io` (or the shared stack's output). */
  readonly loginServer?: pulumi.Input<string>;
  /** Reference mode: the existing registry's ARM id; the scope of the kubelet's AcrPull, which needs it. */
  readonly resourceId?: pulumi.Input<string>;
  /** Manage mode: existing resource group that holds the registry. */
  readonly resourceGroupName?: string;
  /** Registry SKU; the live registry's. Unset: Premium (the offline plan's stand-in). */
  readonly sku?: RegistrySku;
  /** The shared admin user; the live value while pull secrets use its credentials. Unset: the provider's default. */
  readonly adminUserEnabled?: boolean;
  /** Azure region; unset: the resource group's. */
  readonly location?: string;
  /** Unset: the provider's default (`Enabled`). */
  readonly publicNetworkAccess?: "Enabled" | "Disabled";
  /** Fixed at creation. Unset: the provider's default (`Disabled`). */
  readonly zoneRedundancy?: "Enabled" | "Disabled";
  /** Unset: the provider's default (false). */
  readonly anonymousPullEnabled?: boolean;
  /** Unset: the provider's default (`AzureServices`). */
  readonly networkRuleBypassOptions?: "AzureServices" | "None";
  /** Premium only: the firewall. Unset: none sent. */
  readonly networkRuleSet?: RegistryConfig["networkRuleSet"];
  /**
   * Days the retention policy keeps untagged manifests; unset: retention disabled (the default, since a
   * digest-pinned image whose moving tag moved on is untagged). Premium only.
   */
  readonly untaggedRetentionDays?: number;
  /**
   * Whether a cluster of this stack pulls from the registry. False in a stack without a cluster (the shared stack):
   * each environment stack grants its own cluster's pulls, so none here is not a mistake. @default true
   */
  readonly clusterPulls?: boolean;
  /** Give the AKS kubelet identity AcrPull on the registry. @default true */
  readonly kubeletAcrPull?: boolean;
  /** Object id of the AKS kubelet identity; required while `kubeletAcrPull` is true. */
  readonly kubeletPrincipalId?: string;
  /** Image pull secrets, for namespaces that cannot use the kubelet identity. @default [] */
  readonly pullSecrets?: readonly PullSecretRef[];
  /** Who the created pull secrets log in as (service principal application id or ACR token name). */
  readonly pullSecretUsername?: string;
  /** Password for `pullSecretUsername`; a secret Output from `pulumi config set --secret`. */
  readonly pullSecretPassword?: pulumi.Input<string>;
}

/**
 * Moving the registry out of a stack whose registry component stays there (dev's state into the shared stack,
 * docs/stacks.md) parents it to the stack: `pulumi state move` takes a component's children with it, so the registry
 * moves alone. This alias keeps it the same resource under the component here; it matches nothing in any other state.
 */
export const MOVED_REGISTRY_ALIASES: pulumi.Alias[] = [{ parent: pulumi.rootStackResource }];

/**
 * The Azure Container Registry that holds the worker and API images, and the
 * way clusters pull from it. Every registry URL downstream derives from its
 * login server (`loginServer`, `repositoryUrl(path)`); every pull secret name
 * from `imagePullSecrets(namespace)`.
 */
export class ContainerRegistry extends pulumi.ComponentResource {
  /** e.g. `cybersmartstg.azurecr.io`. */
  public readonly loginServer: pulumi.Output<string>;
  /** The managed registry; undefined when the stack only references one. */
  public readonly registry?: containerregistry.Registry;
  /** The kubelet identity's AcrPull assignment, when pull access uses it (the default). */
  public readonly kubeletAcrPull?: authorization.RoleAssignment;
  /** The pull secrets the program creates (not the `existing` ones it only references). */
  public readonly pullSecrets: readonly k8s.core.v1.Secret[];
  private readonly pullAccess: PullAccessSpec;
  private readonly logicalName: string;
  private reader?: docker.Provider;

  constructor(name: string, args: ContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    // A config mistake stops the run here, before anything is registered.
    const mode = args.mode ?? "manage";
    const pullAccess = checkedPullAccess(args, mode);
    const spec = mode === "manage" ? checkedRegistrySpec(args) : undefined;
    super("face-ocr:registry:ContainerRegistry", name, {}, opts);
    this.pullAccess = pullAccess;
    this.logicalName = name;

    let scope: pulumi.Output<string> | undefined;
    let roleDefinitionId: pulumi.Output<string> | undefined;
    if (spec) {
      const registry = new containerregistry.Registry(
        `${name}-acr`,
        { ...spec },
        { parent: this, protect: true, aliases: MOVED_REGISTRY_ALIASES },
      );
      this.registry = registry;
      // The pipeline model derives the same login server from the name (acrLoginServer, registrySpec.ts: the one
      // derivation); what the registry reports must be it, or the generated pipelines would push elsewhere.
      const expectedLoginServer = acrLoginServer(args.registryName);
      this.loginServer = registry.loginServer.apply((reported) => {
        if (reported !== expectedLoginServer) {
          throw new Error(
            `registry ${args.registryName} reports login server ${reported}, but the pipelines and their generated YAML use ` +
              `${expectedLoginServer} (acrLoginServer in components/registry/registrySpec.ts); change that one derivation`,
          );
        }
        return reported;
      });
      scope = registry.id;
      if (pullAccess.kubeletAcrPull) {
        roleDefinitionId = authorization.getClientConfigOutput({ parent: this }).subscriptionId.apply(acrPullRoleDefinitionId);
      }
    } else {
      // Referenced: nothing registered, nothing looked up. The id (when given) carries its subscription.
      if (args.loginServer === undefined)
        throw new Error(`registry ${args.registryName} is referenced without a loginServer; pass loginServer`);
      this.loginServer = pulumi.output(args.loginServer);
      if (args.resourceId !== undefined) {
        scope = pulumi.output(args.resourceId);
        roleDefinitionId = scope.apply((id) => acrPullRoleDefinitionId(subscriptionOfRegistryId(id)));
      }
    }

    if (pullAccess.kubeletAcrPull) {
      if (!scope || !roleDefinitionId) {
        throw new Error(`registry ${args.registryName} is referenced without a resourceId, so AcrPull has no scope; pass resourceId`);
      }
      this.kubeletAcrPull = new authorization.RoleAssignment(
        `${name}-kubelet-acrpull`,
        {
          principalId: pullAccess.kubeletAcrPull.principalId,
          principalType: pullAccess.kubeletAcrPull.principalType,
          roleDefinitionId,
          scope,
        },
        { parent: this },
      );
    }

    const username = pullAccess.pullSecretUsername;
    this.pullSecrets = pullAccess.pullSecrets
      .filter((ref) => !ref.existing)
      .map((ref) => {
        const config = pulumi
          .all([this.loginServer, pulumi.secret(args.pullSecretPassword as pulumi.Input<string>)])
          .apply(([loginServer, password]) => dockerConfigJson(loginServer, username as string, password));
        return new k8s.core.v1.Secret(
          `${name}-pull-${pullSecretSuffix(ref)}`,
          {
            metadata: { name: ref.name, namespace: ref.namespace },
            type: "kubernetes.io/dockerconfigjson",
            stringData: { ".dockerconfigjson": pulumi.secret(config) },
          },
          { parent: this },
        );
      });

    this.registerOutputs({
      loginServer: this.loginServer,
      registryId: scope,
      pullSecrets: pullAccess.pullSecrets.map((s) => `${s.namespace}/${s.name}`),
    });
  }

  /** `<loginServer>/<repository>`, e.g. `cybersmartstg.azurecr.io/data-ai/face-ocr-worker`. */
  repositoryUrl(repository: string): pulumi.Output<string> {
    if (!IMAGE_REPOSITORY_PATTERN.test(repository)) {
      throw new Error(`image repository "${repository}" is not a lower-case registry path such as "data-ai/face-ocr-worker"`);
    }
    return this.loginServer.apply((loginServer) => acrRepositoryUrl(loginServer, repository));
  }

  /**
   * The `imagePullSecrets` a pod in this namespace needs: empty when the
   * kubelet identity pulls (the default), the configured secret otherwise.
   */
  imagePullSecrets(namespace: string): { name: string }[] {
    return this.pullAccess.pullSecrets.filter((s) => s.namespace === namespace).map((s) => ({ name: s.name }));
  }

  /**
   * The digest `<repository>:<tag>` names in this registry when the program
   * runs (components/registry/imageDigest.ts). The docker provider that asks is
   * created on first use, so a stack that pins digests needs neither it nor
   * registry credentials.
   */
  digestOf(repository: string, tag: string): pulumi.Output<string> {
    this.reader ??= new docker.Provider(`${this.logicalName}-reader`, registryReaderArgs(this.loginServer), { parent: this });
    const image = this.repositoryUrl(repository).apply((url) => `${url}:${tag}`);
    return registryDigest(image, this.reader, this);
  }

  /** The pull secret Flux or a Helm chart in this namespace should reference, if config asks for one. */
  pullSecretName(namespace: string): string | undefined {
    return this.imagePullSecrets(namespace)[0]?.name;
  }
}

function checkedRegistrySpec(args: ContainerRegistryArgs): RegistrySpec {
  try {
    return registrySpec({
      name: args.registryName,
      resourceGroupName: args.resourceGroupName,
      sku: args.sku,
      adminUserEnabled: args.adminUserEnabled,
      location: args.location,
      publicNetworkAccess: args.publicNetworkAccess,
      zoneRedundancy: args.zoneRedundancy,
      anonymousPullEnabled: args.anonymousPullEnabled,
      networkRuleBypassOptions: args.networkRuleBypassOptions,
      networkRuleSet: args.networkRuleSet,
      untaggedRetentionDays: args.untaggedRetentionDays,
    });
  } catch (err) {
    if (err instanceof RegistrySettingsError) throw new StackConfigError(configErrorMessage(pulumi.getStack(), err.problems));
    throw err;
  }
}

function checkedPullAccess(args: ContainerRegistryArgs, mode: RegistryMode): PullAccessSpec {
  try {
    return pullAccessSpec(
      {
        kubeletAcrPull: args.kubeletAcrPull ?? true,
        kubeletPrincipalId: args.kubeletPrincipalId,
        pullSecrets: (args.pullSecrets ?? []).map((s) => ({ ...s, existing: s.existing ?? false })),
        pullSecretUsername: args.pullSecretUsername,
      },
      { pullPasswordSet: args.pullSecretPassword !== undefined, registryOwned: mode === "manage" && (args.clusterPulls ?? true) },
    );
  } catch (err) {
    if (err instanceof PullAccessConfigError) throw new StackConfigError(configErrorMessage(pulumi.getStack(), err.problems));
    throw err;
  }
}
