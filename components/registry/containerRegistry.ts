import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as pulumi from "@pulumi/pulumi";

export interface ContainerRegistryArgs {
  /** Registry name, e.g. `cybersmartstg`. */
  readonly registryName: string;
  /** Existing resource group that holds the registry. */
  readonly resourceGroupName: pulumi.Input<string>;
}

/**
 * The Azure Container Registry that holds the worker and API images. Every
 * registry URL downstream derives from its login server.
 */
export class ContainerRegistry extends pulumi.ComponentResource {
  /** e.g. `cybersmartstg.azurecr.io`. */
  public readonly loginServer: pulumi.Output<string>;
  public readonly registry: containerregistry.Registry;

  constructor(name: string, args: ContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("face-ocr:registry:ContainerRegistry", name, {}, opts);
    this.registry = new containerregistry.Registry(
      `${name}-acr`,
      {
        registryName: args.registryName,
        resourceGroupName: args.resourceGroupName,
        sku: { name: "Premium" },
        adminUserEnabled: false,
      },
      { parent: this, protect: true },
    );
    this.loginServer = this.registry.loginServer;
    this.registerOutputs({ loginServer: this.loginServer });
  }

  /** `<loginServer>/<repository>`, e.g. `cybersmartstg.azurecr.io/data-ai/face-ocr-worker`. */
  repositoryUrl(repository: string): pulumi.Output<string> {
    return pulumi.interpolate`${this.loginServer}/${repository}`;
  }
}
