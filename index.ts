/**
 * The composition root: read the stack's config, build the components its role owns, export what operators and the
 * other stacks look up. No logic lives here.
 *
 *   shared stack        registry (ACR) ─────────────┐   build pipelines, PR policy, deployment environments
 *                                                   │ StackReference: registryLoginServer, registryId
 *   dev / uat / prod    cluster provider ─ registry pull access ─ RayService ─ face-ocr-api (Flux)
 *
 * A standalone stack owns both halves (docs/stacks.md).
 */
import type * as k8s from "@pulumi/kubernetes";
import { API_SECRET_KEYS, FaceOcrApi } from "./components/api";
import { BuildPipelines } from "./components/pipelines/buildPipelines";
import { pipelinesModel } from "./components/pipelines/pipelineModel";
import { pipelineYamlFiles } from "./components/pipelines/pipelineYaml";
import { clusterProvider } from "./components/cluster/clusterProvider";
import { workerBaseFiles } from "./components/pipelines/workerBaseFiles";
import { generatedFiles } from "./components/generatedFiles";
import { gitopsCutover } from "./components/gitopsCutover";
import { ContainerRegistry } from "./components/registry/containerRegistry";
import { RayCluster } from "./components/ray/rayCluster";
import { workerImageDigest } from "./components/ray/workerImage";
import { readSharedStack, SharedStackOutputs } from "./components/stacks/sharedStack";
import { stackRelease } from "./components/release";
import { LoadedStackConfig, loadStackConfig } from "./config/load";
import { REGISTRY_PULL_PASSWORD_KEY } from "./config/secrets";

export = async () => {
  const config = loadStackConfig();
  // The stack's cluster, if its role has one: every Kubernetes resource goes through this provider, bound to its context.
  const cluster = config.cluster ? clusterProvider("cluster", config.cluster) : undefined;
  // An environment stack's registry is the shared stack's: its name, login server and id are that stack's outputs.
  const shared = config.registry.mode === "shared-stack" ? readSharedStack(config.sharedStack as string) : undefined;
  const registry = containerRegistry(config, cluster, shared);
  const clusterOutputs = cluster ? clusterObjects(config, cluster, registry) : undefined;
  const pipelineFiles = config.pipelines.enabled ? buildPipelines(config) : [];

  return {
    ...(config.cluster ? { clusterContext: config.cluster.context } : {}),
    rayVersion: config.rayVersion,
    // The shared stack's outputs for the environment stacks (components/stacks/sharedStack.ts), and the operators'.
    registryName: shared?.registryName ?? config.registry.name,
    registryLoginServer: registry.loginServer,
    ...(registry.registry ? { registryId: registry.registry.id } : {}),
    ...clusterOutputs?.outputs,
    generatedFiles: generatedFiles(pipelineFiles, clusterOutputs?.gitopsFiles ?? [], clusterOutputs?.cutoverFiles ?? []),
  };
};

/**
 * The registry: every image and pipeline URL derives from its login server. The stack that manages it owns the
 * Azure resource; an environment stack references the shared stack's and owns only its cluster's pull access.
 */
function containerRegistry(
  config: LoadedStackConfig,
  cluster: k8s.Provider | undefined,
  shared: SharedStackOutputs | undefined,
): ContainerRegistry {
  return new ContainerRegistry(
    "registry",
    {
      registryName: config.registry.name,
      mode: config.registry.mode === "manage" ? "manage" : "reference",
      loginServer: shared?.registryLoginServer ?? config.registry.loginServer,
      resourceId: shared?.registryId ?? config.registry.resourceId,
      resourceGroupName: config.registry.resourceGroupName,
      sku: config.registry.sku,
      adminUserEnabled: config.registry.adminUserEnabled,
      location: config.registry.location,
      publicNetworkAccess: config.registry.publicNetworkAccess,
      zoneRedundancy: config.registry.zoneRedundancy,
      anonymousPullEnabled: config.registry.anonymousPullEnabled,
      networkRuleBypassOptions: config.registry.networkRuleBypassOptions,
      networkRuleSet: config.registry.networkRuleSet,
      untaggedRetentionDays: config.registry.untaggedRetentionDays,
      clusterPulls: cluster !== undefined,
      kubeletAcrPull: config.registry.kubeletAcrPull,
      kubeletPrincipalId: config.registry.kubeletPrincipalId,
      pullSecrets: config.registry.pullSecrets,
      pullSecretUsername: config.registry.pullSecretUsername,
      pullSecretPassword: config.secrets[REGISTRY_PULL_PASSWORD_KEY],
    },
    { providers: cluster ? [cluster] : [] },
  );
}

/** The cluster's objects: the RayService and face-ocr-api, through one provider bound to `cluster.context`. */
function clusterObjects(config: LoadedStackConfig, cluster: k8s.Provider, registry: ContainerRegistry) {
  // The RayService: its head service becomes the API's RAY_ADDRESS; every Ray image carries config.rayVersion.
  // The worker runs by digest: the stack's own, or the one its tag names in the registry now.
  const ray = new RayCluster(
    "ray",
    {
      rayVersion: config.rayVersion,
      pythonTag: config.pythonTag,
      cudaTag: config.cudaTag,
      registryLoginServer: registry.loginServer,
      workerRepository: config.registry.workerRepository,
      workerImageDigest: workerImageDigest(config.ray.gpuWorker.image, (tag) => registry.digestOf(config.registry.workerRepository, tag)),
      imagePullSecrets: registry.imagePullSecrets(config.ray.namespace),
      settings: config.ray,
    },
    { providers: [cluster] },
  );

  // face-ocr-api through Flux: image from the registry, Ray address from the cluster, secrets by reference.
  const api = new FaceOcrApi(
    "api",
    {
      config: config.api,
      environment: config.environment,
      imageRepository: registry.repositoryUrl(config.registry.apiRepository),
      registryLoginServer: registry.loginServer,
      registryPullAccess: registry,
      rayAddress: ray.clientAddress,
      rayNamespace: ray.actorNamespace,
      databasePassword: config.secrets[API_SECRET_KEYS.databasePassword],
      chromaToken: config.secrets[API_SECRET_KEYS.chromaToken],
      dosashopKey: config.secrets[API_SECRET_KEYS.dosashopKey],
    },
    { providers: [cluster] },
  );

  return {
    outputs: {
      rayClientAddress: ray.clientAddress,
      // What `npm run promote -- --release` takes: the release this stack runs, with the worker digest it resolved.
      release: stackRelease(config, ray.workerImage),
      apiHelmRelease: api.helmReleaseRef,
      apiImagePolicy: api.imagePolicyRef,
    },
    gitopsFiles: [api.imageTagFile],
    cutoverFiles: gitopsCutover(config),
  };
}

/**
 * The build pipelines: worker and API images (RAY_VERSION build argument), and this repository's PR check. Returns
 * the pipeline YAML the app repositories commit.
 */
function buildPipelines(config: LoadedStackConfig) {
  const pipelineModel = pipelinesModel(config);
  new BuildPipelines("pipelines", {
    enabled: pipelineModel.enabled,
    project: pipelineModel.project,
    folder: pipelineModel.folder,
    apps: pipelineModel.apps,
    platform: pipelineModel.platform,
  });
  return [...pipelineYamlFiles(config, { stack: config.stack }), ...workerBaseFiles(config)];
}
