import type { ApiConfig } from "../../config/sections/api";

/**
 * Every Kubernetes name the API release uses, computed once from config. The
 * live names (HelmRelease `default/face-ocr-api`, HelmRepository
 * `s2t-acr-helm-repo`, ImagePolicy `flux-system/cyber-face-ocr-api-helm-image-policy`)
 * fall out of the defaults, so `pulumi import` adopts the running objects.
 */
export interface ApiNames {
  /** HelmRelease name, e.g. `face-ocr-api`. */
  readonly releaseName: string;
  /** Namespace of the HelmRelease and of every object it reads through valuesFrom, e.g. `default`. */
  readonly releaseNamespace: string;
  /** Namespace the chart installs into, e.g. `cyber`. */
  readonly targetNamespace: string;
  /** Helm's own release name, Flux's default `<targetNamespace>-<name>`, e.g. `cyber-face-ocr-api`. */
  readonly helmReleaseName: string;
  /** The chart's Service, e.g. `cyber-face-ocr-api-microservice`. */
  readonly serviceName: string;
  readonly helmRepositoryName: string;
  readonly helmRepositoryNamespace: string;
  /** Namespace of the ImageRepository and ImagePolicy, e.g. `flux-system`. */
  readonly imageAutomationNamespace: string;
  readonly imageRepositoryName: string;
  /** e.g. `cyber-face-ocr-api-helm-image-policy`, the name the live `$imagepolicy` markers use. */
  readonly imagePolicyName: string;
  /** The Secret holding DATABASE_URL, CHROMA_TOKEN and DOSASHOP_KEY, in the release namespace. */
  readonly secretEnvName: string;
  /** The ConfigMap (kept in git by Flux, never by Pulumi) holding the image tag, in the release namespace. */
  readonly imageTagConfigMapName: string;
  /** Data key of the tag in that ConfigMap. */
  readonly imageTagKey: string;
}

export function apiNames(config: ApiConfig): ApiNames {
  const helmReleaseName = `${config.targetNamespace}-${config.releaseName}`;
  return {
    releaseName: config.releaseName,
    releaseNamespace: config.releaseNamespace,
    targetNamespace: config.targetNamespace,
    helmReleaseName,
    serviceName: `${helmReleaseName}-${config.chart.name}`,
    helmRepositoryName: config.helmRepository.name,
    helmRepositoryNamespace: config.helmRepository.namespace ?? config.releaseNamespace,
    imageAutomationNamespace: config.imageAutomation.namespace,
    imageRepositoryName: config.imageAutomation.imageRepositoryName ?? `${helmReleaseName}-helm-image-repository`,
    imagePolicyName: `${helmReleaseName}-helm-image-policy`,
    secretEnvName: `${config.releaseName}-secret-env`,
    imageTagConfigMapName: `${config.releaseName}-image-tag`,
    imageTagKey: "tag",
  };
}

/** The marker Flux's ImageUpdateAutomation looks for: `{"$imagepolicy": "<ns>:<policy>:tag"}`. */
export function imagePolicySetter(
  names: Pick<ApiNames, "imageAutomationNamespace" | "imagePolicyName">,
  field: "tag" | "name" = "tag",
): string {
  return `{"$imagepolicy": "${names.imageAutomationNamespace}:${names.imagePolicyName}:${field}"}`;
}
