/**
 * The composition root: read the stack's config, build the components, export
 * what operators look up. No logic lives here.
 */
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
import { loadStackConfig } from "./config/load";
import { REGISTRY_PULL_PASSWORD_KEY } from "./config/secrets";

export = async () => {
  const config = loadStackConfig();

  // The stack's cluster: every Kubernetes resource below goes through this provider, bound to its context.
  const cluster = clusterProvider("cluster", config.cluster);

  // The registry: every image and pipeline URL below derives from its login server.
  const registry = new ContainerRegistry(
    "registry",
    {
      registryName: config.registry.name,
      mode: config.registry.mode,
      loginServer: config.registry.loginServer,
      resourceId: config.registry.resourceId,
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
      kubeletAcrPull: config.registry.kubeletAcrPull,
      kubeletPrincipalId: config.registry.kubeletPrincipalId,
      pullSecrets: config.registry.pullSecrets,
      pullSecretUsername: config.registry.pullSecretUsername,
      pullSecretPassword: config.secrets[REGISTRY_PULL_PASSWORD_KEY],
    },
    { providers: [cluster] },
  );

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

  // The build pipelines: worker and API images (RAY_VERSION build argument), and this repository's PR check.
  const pipelineModel = pipelinesModel(config);
  new BuildPipelines("pipelines", {
    enabled: pipelineModel.enabled,
    project: pipelineModel.project,
    folder: pipelineModel.folder,
    apps: pipelineModel.apps,
    platform: pipelineModel.platform,
  });

  return {
    clusterContext: config.cluster.context,
    rayVersion: config.rayVersion,
    registryLoginServer: registry.loginServer,
    rayClientAddress: ray.clientAddress,
    apiHelmRelease: api.helmReleaseRef,
    apiImagePolicy: api.imagePolicyRef,
    generatedFiles: generatedFiles(
      [...pipelineYamlFiles(config, { stack: config.stack }), ...workerBaseFiles(config)],
      [api.imageTagFile],
      gitopsCutover(config),
    ),
  };
};
