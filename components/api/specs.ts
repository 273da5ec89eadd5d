/**
 * Pure builders for every object of the API release. They take plain values
 * (config, names, strings already resolved from other resources) and return
 * the typed object, so tests check them without the Pulumi runtime.
 */
import type { ApiConfig } from "../../config/sections/api";
import {
  HELM_RELEASE,
  HELM_REPOSITORY,
  HelmReleaseObject,
  HelmReleaseSpec,
  HelmRepositorySpec,
  IMAGE_POLICY,
  ImagePolicySpec,
  ImageRepositorySpec,
  ValuesReference,
} from "../../types/crds";
import { plainEnv, RayConnection, SECRET_ENV_NAMES } from "./env";
import type { ApiNames } from "./names";

/** The live probes (Appendix B), plus a startup probe for slow starts. */
export const LIVENESS_INITIAL_DELAY_SECONDS = 15;
export const LIVENESS_PERIOD_SECONDS = 30;
export const READINESS_INITIAL_DELAY_SECONDS = 10;
export const READINESS_PERIOD_SECONDS = 10;
/**
 * The startup probe follows the PaddleOCR-VL guide: every 10 s, 5 s timeout,
 * `api.probes.startupFailureThreshold` attempts (30: five minutes). While it
 * has not passed, liveness and readiness are not run, so a slow first Ray
 * handshake does not get the pod killed by liveness.
 */
export const STARTUP_PERIOD_SECONDS = 10;
export const STARTUP_TIMEOUT_SECONDS = 5;

/** The Flux chart source as the HelmRelease references it. */
export interface ChartSource {
  readonly name: string;
  readonly namespace: string;
}

export interface HelmReleaseInputs {
  readonly config: ApiConfig;
  readonly names: ApiNames;
  /** `<login server>/<repository>`, e.g. `cybersmartstg.azurecr.io/data-ai/face-ocr-api`. */
  readonly imageRepository: string;
  /** From the Namespace resource. */
  readonly targetNamespace: string;
  /** From the HelmRepository resource (or, when referenced, from config). */
  readonly chartSource: ChartSource;
  /** From the Secret resource. */
  readonly secretEnvName: string;
  readonly ray: RayConnection;
  readonly registryAuth: RegistryAuth;
}

/**
 * How the release's pods and Flux authenticate to the registry, from the
 * registry component's pull access (never retyped here).
 */
export interface RegistryAuth {
  /** `imagePullSecrets` of the pods in the target namespace; empty when the kubelet identity pulls. */
  readonly podPullSecrets: readonly { readonly name: string }[];
  /** Pull secret in the ImageRepository's namespace; Flux's `provider: azure` (workload identity) when unset. */
  readonly imageRepositorySecret?: string;
  /** Pull secret in the HelmRepository's namespace; Flux's `provider: azure` when unset. */
  readonly helmRepositorySecret?: string;
}

/** Flux's registry auth: the pull secret when there is one, the cloud identity otherwise. */
export function fluxRegistryAuth(pullSecret: string | undefined): { secretRef: { name: string } } | { provider: "azure" } {
  return pullSecret !== undefined ? { secretRef: { name: pullSecret } } : { provider: "azure" };
}

/** The HelmRelease metadata: the live name and namespace. */
export function helmReleaseMetadata(names: ApiNames): { name: string; namespace: string } {
  return { name: names.releaseName, namespace: names.releaseNamespace };
}

/**
 * `valuesFrom`, merged in this order before `values`:
 * 1. `image.tag` from the ConfigMap that Flux keeps in git (the `$imagepolicy` setter);
 * 2. each secret env var from the Secret this stack writes.
 * `literal` keeps Helm's `--set` syntax out of it: a token holding `,` or a
 * tag that looks like a number stays the exact string.
 */
export function helmReleaseValuesFrom(names: ApiNames, secretEnvName: string): ValuesReference[] {
  return [
    { kind: "ConfigMap", name: names.imageTagConfigMapName, valuesKey: names.imageTagKey, targetPath: "image.tag", literal: true },
    ...SECRET_ENV_NAMES.map((env): ValuesReference => ({
      kind: "Secret",
      name: secretEnvName,
      valuesKey: env,
      targetPath: `env.${env}`,
      literal: true,
    })),
  ];
}

/** The chart values of Appendix B, without `image.tag` (Flux's) and without the secret env vars (valuesFrom). */
export function helmReleaseValues(inputs: HelmReleaseInputs): Record<string, unknown> {
  const { config, ray } = inputs;
  const port = config.containerPort;
  return {
    vpa: { enabled: config.vpa.enabled, updateMode: config.vpa.updateMode },
    image: { repository: inputs.imageRepository, pullPolicy: config.image.pullPolicy },
    imagePullSecrets: inputs.registryAuth.podPullSecrets.map((s) => ({ name: s.name })),
    // The chart renders its own ImageRepository/ImagePolicy when this is on (its names match the live
    // `<release>-helm-image-policy`). Off: this stack owns them, so Helm and Pulumi never own the same objects.
    imageAutoUpdate: {
      enabled: false,
      ...(inputs.registryAuth.imageRepositorySecret !== undefined ? { fluxPullSecret: inputs.registryAuth.imageRepositorySecret } : {}),
      fluxApiVersion: IMAGE_POLICY.apiVersion,
    },
    env: plainEnv(config, ray),
    replicaCount: config.replicaCount,
    containerPort: port,
    resources: {
      limits: { cpu: config.resources.limits.cpu, memory: config.resources.limits.memory },
      requests: { cpu: config.resources.requests.cpu, memory: config.resources.requests.memory },
    },
    livenessProbe: {
      httpGet: { path: config.probes.livenessPath, port },
      initialDelaySeconds: LIVENESS_INITIAL_DELAY_SECONDS,
      periodSeconds: LIVENESS_PERIOD_SECONDS,
    },
    readinessProbe: {
      httpGet: { path: config.probes.readinessPath, port },
      initialDelaySeconds: READINESS_INITIAL_DELAY_SECONDS,
      periodSeconds: READINESS_PERIOD_SECONDS,
    },
    startupProbe: {
      httpGet: { path: config.probes.livenessPath, port },
      periodSeconds: STARTUP_PERIOD_SECONDS,
      timeoutSeconds: STARTUP_TIMEOUT_SECONDS,
      failureThreshold: config.probes.startupFailureThreshold,
    },
  };
}

export function helmReleaseSpec(inputs: HelmReleaseInputs): HelmReleaseSpec {
  const { config, names, chartSource } = inputs;
  return {
    targetNamespace: inputs.targetNamespace,
    interval: config.interval,
    chart: {
      spec: {
        chart: config.chart.name,
        ...(config.chart.version !== undefined ? { version: config.chart.version } : {}),
        reconcileStrategy: "ChartVersion",
        sourceRef: {
          kind: HELM_REPOSITORY.kind,
          name: chartSource.name,
          // Flux resolves a missing namespace to the HelmRelease's; name it only when it differs.
          ...(chartSource.namespace !== names.releaseNamespace ? { namespace: chartSource.namespace } : {}),
        },
      },
    },
    valuesFrom: helmReleaseValuesFrom(names, inputs.secretEnvName),
    values: helmReleaseValues(inputs),
  };
}

export function helmReleaseObject(inputs: HelmReleaseInputs): HelmReleaseObject {
  return { ...HELM_RELEASE, metadata: helmReleaseMetadata(inputs.names), spec: helmReleaseSpec(inputs) };
}

/** `oci://<login server>/helm` unless `api.helmRepository.url` says otherwise. */
export function helmRepositoryUrl(config: ApiConfig, registryLoginServer: string): string {
  return config.helmRepository.url ?? `oci://${registryLoginServer}/helm`;
}

export function helmRepositorySpec(config: ApiConfig, registryLoginServer: string, pullSecret: string | undefined): HelmRepositorySpec {
  const repo = config.helmRepository;
  const url = helmRepositoryUrl(config, registryLoginServer);
  if (repo.type === "oci") return { type: "oci", url, ...fluxRegistryAuth(pullSecret) };
  // An HTTPS index is polled; its secretRef would need username/password, which the live setup does not use.
  return { type: "default", url, interval: repo.interval };
}

export function imageRepositorySpec(config: ApiConfig, imageRepository: string, pullSecret: string | undefined): ImageRepositorySpec {
  return { image: imageRepository, interval: config.imageAutomation.scanInterval, ...fluxRegistryAuth(pullSecret) };
}

/**
 * The ImagePolicy: keep tags matching the pattern, then take the highest
 * within the SemVer range. `>=1.0.0-0` admits prereleases such as
 * `1.0.0-alpha.1770916300`, and their numeric part orders them by build time.
 */
export function imagePolicySpec(config: ApiConfig, imageRepositoryName: string): ImagePolicySpec {
  return {
    imageRepositoryRef: { name: imageRepositoryName },
    filterTags: { pattern: config.imageAutomation.tagPattern },
    policy: { semver: { range: config.imageAutomation.semverRange } },
  };
}

/** Label that makes helm-controller reconcile as soon as a valuesFrom Secret or ConfigMap changes (Flux 2.4+). */
export const FLUX_WATCH_LABEL = { "reconcile.fluxcd.io/watch": "Enabled" } as const;
