import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { formatImageRef } from "../../config/imageRef";
import type { RayConfig } from "../../config/sections/ray";
import { RAY_SERVICE } from "../../types/crds";
import { modelCacheClaimArgs } from "./modelCache";
import { clientAddress, headServiceName, serveServiceName } from "./naming";
import { priorityClassArgs } from "./priorityClass";
import { rayServiceObject } from "./rayService";
import { workerImageRef } from "./workerImage";

export interface RayClusterArgs {
  /** Exact Ray version of every Ray image and of `rayClusterConfig.rayVersion`. */
  readonly rayVersion: string;
  /** Python tag of the Ray images, e.g. `py310`. */
  readonly pythonTag: string;
  /** CUDA tag of the initContainer's Ray image and of the PyTorch wheels it installs, e.g. `cu121`. */
  readonly cudaTag: string;
  /** The registry's login server, e.g. `cybersmartstg.azurecr.io`. */
  readonly registryLoginServer: pulumi.Input<string>;
  /** Repository of the GPU worker image, e.g. `data-ai/face-ocr-worker`. */
  readonly workerRepository: string;
  /**
   * The digest the worker image's tag names in the registry now (workerImageDigest, workerImage.ts), so the
   * RayService runs `<repository>:<tag>@sha256:...` and a new build is a visible diff. @default none: the
   * reference is rendered as configured (an explicit digest, or the tag alone)
   */
  readonly workerImageDigest?: pulumi.Input<string>;
  /** Pull secrets for the worker image in this namespace, from the registry component. @default [] (kubelet identity) */
  readonly imagePullSecrets?: readonly { readonly name: string }[];
  /** The validated `ray` config section. */
  readonly settings: RayConfig;
}

/**
 * The Ray side of face-ocr: namespace `ray`, the GPU PriorityClass, the
 * model-cache PVC and the RayService with its head, CPU and GPU worker groups.
 * Kubernetes names are the live ones so the running objects can be imported.
 */
export class RayCluster extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;
  public readonly rayService: k8s.apiextensions.CustomResource;
  public readonly modelCache: k8s.core.v1.PersistentVolumeClaim;
  /** Undefined when config references an existing PriorityClass. */
  public readonly priorityClass?: k8s.scheduling.v1.PriorityClass;
  public readonly priorityClassName: pulumi.Output<string>;
  /** The GPU worker image reference, e.g. `cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev` or `...@sha256:<digest>`. */
  public readonly workerImage: pulumi.Output<string>;
  /** `<rayservice>-head-svc`. */
  public readonly headServiceName: pulumi.Output<string>;
  /** `<rayservice>-serve-svc`. */
  public readonly serveServiceName: pulumi.Output<string>;
  /** The API's RAY_ADDRESS: `ray://rayservice-head-svc.ray.svc.cluster.local:10001`. */
  public readonly clientAddress: pulumi.Output<string>;
  /** The API's RAY_NAMESPACE: the Ray namespace its actors live in. */
  public readonly actorNamespace: pulumi.Output<string>;

  constructor(name: string, args: RayClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("face-ocr:ray:RayCluster", name, {}, opts);
    const s = args.settings;

    // Deleting the namespace would delete the model cache with it, and the objects in it this stack does not own
    // (pull secrets, the ConfigMap apps' ConfigMaps): protected, and left in the cluster if ever removed from the program.
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: s.namespace } },
      { parent: this, protect: true, retainOnDelete: true },
    );
    this.namespace = namespace.metadata.name;

    if (s.priorityClass.create) {
      this.priorityClass = new k8s.scheduling.v1.PriorityClass(`${name}-priority-class`, priorityClassArgs(s.priorityClass), {
        parent: this,
      });
      this.priorityClassName = this.priorityClass.metadata.name;
    } else {
      this.priorityClassName = pulumi.output(s.priorityClass.name);
    }

    // The downloaded models: protected, and left in the cluster if ever removed from the program.
    this.modelCache = new k8s.core.v1.PersistentVolumeClaim(`${name}-model-cache`, modelCacheClaimArgs(s.modelCache, this.namespace), {
      parent: this,
      protect: true,
      retainOnDelete: true,
    });

    const imageRef = pulumi
      .all([args.registryLoginServer, args.workerImageDigest])
      .apply(([loginServer, resolvedDigest]) =>
        workerImageRef({ loginServer, repository: args.workerRepository, image: s.gpuWorker.image, resolvedDigest }),
      );
    const object = pulumi
      .all([this.namespace, this.priorityClassName, this.modelCache.metadata.name, imageRef])
      .apply(([namespaceName, priorityClassName, modelCacheClaimName, workerImage]) =>
        rayServiceObject({
          rayVersion: args.rayVersion,
          pythonTag: args.pythonTag,
          cudaTag: args.cudaTag,
          settings: s,
          namespace: namespaceName,
          workerImage,
          priorityClassName,
          modelCacheClaimName,
          imagePullSecrets: args.imagePullSecrets ?? [],
        }),
      );
    this.rayService = new k8s.apiextensions.CustomResource(
      `${name}-service`,
      { apiVersion: RAY_SERVICE.apiVersion, kind: RAY_SERVICE.kind, metadata: object.metadata, spec: object.spec },
      { parent: this },
    );
    this.workerImage = imageRef.apply(formatImageRef);

    const serviceName = this.rayService.metadata.name;
    this.headServiceName = serviceName.apply(headServiceName);
    this.serveServiceName = serviceName.apply(serveServiceName);
    this.clientAddress = pulumi.all([serviceName, this.namespace]).apply(([svc, ns]) => clientAddress(svc, ns));
    this.actorNamespace = pulumi.output(s.actorNamespace);

    this.registerOutputs({
      namespace: this.namespace,
      priorityClassName: this.priorityClassName,
      workerImage: this.workerImage,
      headServiceName: this.headServiceName,
      clientAddress: this.clientAddress,
      actorNamespace: this.actorNamespace,
    });
  }
}
