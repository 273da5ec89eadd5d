import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ApiConfig } from "../../config/sections/api";
import { HELM_RELEASE, HELM_REPOSITORY, IMAGE_POLICY, IMAGE_REPOSITORY } from "../../types/crds";
import { databaseUrl, SecretEnvName } from "./env";
import { apiImageTagFile, GitopsFile, imageTagFilePath } from "./gitops";
import { childNames, FACE_OCR_API_TYPE } from "./importFile";
import { apiNames } from "./names";
import {
  ChartSource,
  FLUX_WATCH_LABEL,
  helmReleaseMetadata,
  helmReleaseSpec,
  helmRepositorySpec,
  imagePolicySpec,
  imageRepositorySpec,
  RegistryAuth,
} from "./specs";

/** What the registry component says about pulling in a namespace. */
export interface RegistryPullAccess {
  /** The `imagePullSecrets` a pod in this namespace needs; empty when the kubelet identity pulls. */
  imagePullSecrets(namespace: string): { name: string }[];
  /** The pull secret Flux in this namespace should reference, if any. */
  pullSecretName(namespace: string): string | undefined;
}

export interface FaceOcrApiArgs {
  /** The validated `api` config section (config/sections/api.ts). */
  readonly config: ApiConfig;
  /** The stack's environment (`dev`, `uat`, `prod`): the draft-deployment folder of the image-tag file. */
  readonly environment: string;
  /** `<login server>/<repository>` of the API image, from the registry component. */
  readonly imageRepository: pulumi.Input<string>;
  /** The registry's login server; the default Helm repository URL `oci://<login server>/helm` derives from it. */
  readonly registryLoginServer: pulumi.Input<string>;
  /** The registry's pull access (the registry component): pod pull secrets and the Secret Flux uses, per namespace. */
  readonly registryPullAccess: RegistryPullAccess;
  /** RAY_ADDRESS, from the Ray component, e.g. `ray://rayservice-head-svc.ray.svc.cluster.local:10001`. */
  readonly rayAddress: pulumi.Input<string>;
  /** RAY_NAMESPACE, from the Ray component, e.g. `face-ocr`. */
  readonly rayNamespace: pulumi.Input<string>;
  /** Password of `api.database.user`; made secret here if it is not already. */
  readonly databasePassword: pulumi.Input<string>;
  /** CHROMA_TOKEN; made secret here if it is not already. */
  readonly chromaToken: pulumi.Input<string>;
  /** DOSASHOP_KEY; made secret here if it is not already. */
  readonly dosashopKey: pulumi.Input<string>;
}

/**
 * face-ocr-api: the Flux HelmRelease of Appendix B, its chart source, the
 * Secret its secret env vars come from, and the Flux image objects that pick
 * each new API build. The image tag itself is Flux's (see `imageTagFile`).
 */
export class FaceOcrApi extends pulumi.ComponentResource {
  /** `default/face-ocr-api`. */
  public readonly helmReleaseRef: pulumi.Output<string>;
  /** `flux-system/cyber-face-ocr-api-helm-image-policy`. */
  public readonly imagePolicyRef: pulumi.Output<string>;
  /** The image the release runs, without its tag (Flux picks the tag). */
  public readonly imageRepository: pulumi.Output<string>;
  /** The chart's Service in the target namespace, e.g. `cyber-face-ocr-api-microservice`. */
  public readonly serviceName: string;
  /** The file to commit once to draft-deployment; Flux keeps the tag in it from then on. */
  public readonly imageTagFile: GitopsFile;
  public readonly helmRelease: k8s.apiextensions.CustomResource;
  public readonly imagePolicy: k8s.apiextensions.CustomResource;

  constructor(name: string, args: FaceOcrApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super(FACE_OCR_API_TYPE, name, {}, opts);
    const { config } = args;
    const names = apiNames(config);
    const child = childNames(name);
    const registryAuth: RegistryAuth = {
      podPullSecrets: args.registryPullAccess.imagePullSecrets(names.targetNamespace),
      imageRepositorySecret: args.registryPullAccess.pullSecretName(names.imageAutomationNamespace),
      helmRepositorySecret: args.registryPullAccess.pullSecretName(names.helmRepositoryNamespace),
    };

    // `cyber` also holds PostgreSQL and Redis, which this stack does not own: never delete it.
    const namespace = new k8s.core.v1.Namespace(
      child.namespace,
      { metadata: { name: names.targetNamespace } },
      { parent: this, protect: true, retainOnDelete: true },
    );

    let chartSource: pulumi.Output<ChartSource>;
    if (config.helmRepository.mode === "manage") {
      // Other HelmReleases may chart from the same repository: deleting this stack leaves it in place.
      const repository = new k8s.apiextensions.CustomResource(
        child.helmRepository,
        {
          ...HELM_REPOSITORY,
          metadata: { name: names.helmRepositoryName, namespace: names.helmRepositoryNamespace },
          spec: pulumi
            .output(args.registryLoginServer)
            .apply((loginServer) => helmRepositorySpec(config, loginServer, registryAuth.helmRepositorySecret)),
        },
        { parent: this, retainOnDelete: true },
      );
      chartSource = repository.metadata.apply((m) => ({ name: m.name, namespace: m.namespace }));
    } else {
      chartSource = pulumi.output({ name: names.helmRepositoryName, namespace: names.helmRepositoryNamespace });
    }

    const password = pulumi.secret(args.databasePassword);
    const secretEnv: Record<SecretEnvName, pulumi.Output<string>> = {
      DATABASE_URL: password.apply((p) => databaseUrl(config.database, p)),
      CHROMA_TOKEN: pulumi.secret(args.chromaToken),
      DOSASHOP_KEY: pulumi.secret(args.dosashopKey),
    };
    // In the HelmRelease's namespace: helm-controller reads valuesFrom only from there.
    const secret = new k8s.core.v1.Secret(
      child.secretEnv,
      {
        metadata: { name: names.secretEnvName, namespace: names.releaseNamespace, labels: { ...FLUX_WATCH_LABEL } },
        type: "Opaque",
        stringData: secretEnv,
      },
      { parent: this },
    );

    this.imageRepository = pulumi.output(args.imageRepository);
    this.helmRelease = new k8s.apiextensions.CustomResource(
      child.helmRelease,
      {
        ...HELM_RELEASE,
        metadata: helmReleaseMetadata(names),
        spec: pulumi
          .all([this.imageRepository, namespace.metadata.name, chartSource, secret.metadata.name, args.rayAddress, args.rayNamespace])
          .apply(([imageRepository, targetNamespace, source, secretEnvName, rayAddress, rayNamespace]) =>
            helmReleaseSpec({
              config,
              names,
              imageRepository,
              targetNamespace,
              chartSource: source,
              secretEnvName,
              ray: { address: rayAddress, namespace: rayNamespace },
              registryAuth,
            }),
          ),
      },
      { parent: this },
    );

    const imageRepository = new k8s.apiextensions.CustomResource(
      child.imageRepository,
      {
        ...IMAGE_REPOSITORY,
        metadata: { name: names.imageRepositoryName, namespace: names.imageAutomationNamespace },
        spec: this.imageRepository.apply((image) => imageRepositorySpec(config, image, registryAuth.imageRepositorySecret)),
      },
      { parent: this },
    );
    this.imagePolicy = new k8s.apiextensions.CustomResource(
      child.imagePolicy,
      {
        ...IMAGE_POLICY,
        metadata: { name: names.imagePolicyName, namespace: names.imageAutomationNamespace },
        spec: imageRepository.metadata.name.apply((repositoryName) => imagePolicySpec(config, repositoryName)),
      },
      { parent: this },
    );

    this.helmReleaseRef = pulumi.interpolate`${this.helmRelease.metadata.namespace}/${this.helmRelease.metadata.name}`;
    this.imagePolicyRef = pulumi.interpolate`${this.imagePolicy.metadata.namespace}/${this.imagePolicy.metadata.name}`;
    this.serviceName = names.serviceName;
    this.imageTagFile = apiImageTagFile({
      names,
      initialTag: config.imageAutomation.initialTag,
      path: imageTagFilePath(config, args.environment),
    });
    this.registerOutputs({
      helmReleaseRef: this.helmReleaseRef,
      imagePolicyRef: this.imagePolicyRef,
      imageRepository: this.imageRepository,
      serviceName: this.serviceName,
      imageTagFilePath: this.imageTagFile.path,
    });
  }
}
