/**
 * The `pulumi import --file` document that adopts the live objects into this
 * component, so the first `pulumi up` updates them instead of creating
 * duplicates. Logical names come from {@link childNames}, the same function
 * the component uses.
 */
import type { ApiConfig } from "../../config/sections/api";
import { HELM_RELEASE, HELM_REPOSITORY, IMAGE_POLICY, IMAGE_REPOSITORY } from "../../types/crds";
import { apiNames } from "./names";

export const FACE_OCR_API_TYPE = "face-ocr:api:FaceOcrApi";

/** Logical names of the component's children, derived from the component's name. */
export function childNames(name: string) {
  return {
    namespace: `${name}-namespace`,
    helmRepository: `${name}-helm-repository`,
    secretEnv: `${name}-secret-env`,
    helmRelease: `${name}-helm-release`,
    imageRepository: `${name}-image-repository`,
    imagePolicy: `${name}-image-policy`,
  } as const;
}

export interface ImportResource {
  readonly type: string;
  readonly name: string;
  readonly id?: string;
  readonly parent?: string;
  readonly component?: boolean;
}

function kubernetesType(ref: { apiVersion: string; kind: string }): string {
  return `kubernetes:${ref.apiVersion}:${ref.kind}`;
}

export interface ImportOptions {
  /**
   * Import the ImageRepository and ImagePolicy too. Leave false when the chart
   * rendered them (`imageAutoUpdate.enabled: true`, label `app.kubernetes.io/managed-by: Helm`):
   * Helm deletes those once the release turns `imageAutoUpdate` off, and this stack then creates its own.
   */
  readonly imageAutomation: boolean;
}

/** Import file for `pulumi import --file` (Pulumi 3.94+: components in the file become parents). */
export function apiImportFile(componentName: string, config: ApiConfig, options: ImportOptions): { resources: ImportResource[] } {
  const names = apiNames(config);
  const child = childNames(componentName);
  const resources: ImportResource[] = [
    { type: FACE_OCR_API_TYPE, name: componentName, component: true },
    { type: "kubernetes:core/v1:Namespace", name: child.namespace, id: names.targetNamespace, parent: componentName },
  ];
  if (config.helmRepository.mode === "manage") {
    resources.push({
      type: kubernetesType(HELM_REPOSITORY),
      name: child.helmRepository,
      id: `${names.helmRepositoryNamespace}/${names.helmRepositoryName}`,
      parent: componentName,
    });
  }
  resources.push({
    type: kubernetesType(HELM_RELEASE),
    name: child.helmRelease,
    id: `${names.releaseNamespace}/${names.releaseName}`,
    parent: componentName,
  });
  if (options.imageAutomation) {
    resources.push(
      {
        type: kubernetesType(IMAGE_REPOSITORY),
        name: child.imageRepository,
        id: `${names.imageAutomationNamespace}/${names.imageRepositoryName}`,
        parent: componentName,
      },
      {
        type: kubernetesType(IMAGE_POLICY),
        name: child.imagePolicy,
        id: `${names.imageAutomationNamespace}/${names.imagePolicyName}`,
        parent: componentName,
      },
    );
  }
  return { resources };
}
