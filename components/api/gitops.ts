/**
 * The one file of the API release that lives in git instead of in Pulumi: the
 * ConfigMap holding `image.tag`, with the `$imagepolicy` setter that Flux's
 * ImageUpdateAutomation rewrites on every new image. Pulumi never owns this
 * ConfigMap; the HelmRelease only reads it through `valuesFrom`. So a new
 * image never shows up as a Pulumi diff, and Pulumi never resets it.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as YAML from "yaml";
import type { ApiConfig } from "../../config/sections/api";
import { FLUX_WATCH_LABEL } from "./specs";
import { ApiNames, imagePolicySetter } from "./names";

/** A file to commit to the GitOps repository (draft-deployment). */
export interface GitopsFile {
  /** Path relative to the repository root, e.g. `dev/face-ocr-api-image-tag.yaml`. */
  readonly path: string;
  readonly content: string;
}

export interface ImageTagFileInputs {
  readonly names: Pick<
    ApiNames,
    "releaseName" | "releaseNamespace" | "imageTagConfigMapName" | "imageTagKey" | "imageAutomationNamespace" | "imagePolicyName"
  >;
  /** The tag written the first time; Flux owns it after the first commit. */
  readonly initialTag: string;
  /** Path in the repository. */
  readonly path: string;
}

/** `<environment>/face-ocr-api-image-tag.yaml` (the guide's `draft-deployment/dev/`), unless `api.imageAutomation.gitPath` says otherwise. */
export function imageTagFilePath(config: ApiConfig, environment: string): string {
  return config.imageAutomation.gitPath ?? `${environment}/${config.releaseName}-image-tag.yaml`;
}

/**
 * The image-tag file, ready to commit once to draft-deployment (inside the
 * path the live ImageUpdateAutomation updates). Deterministic: same inputs,
 * same bytes.
 */
export function apiImageTagFile(inputs: ImageTagFileInputs): GitopsFile {
  const { names } = inputs;
  const policy = `${names.imageAutomationNamespace}/${names.imagePolicyName}`;
  const configMap: k8s.types.input.core.v1.ConfigMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: names.imageTagConfigMapName, namespace: names.releaseNamespace, labels: { ...FLUX_WATCH_LABEL } },
    data: { [names.imageTagKey]: inputs.initialTag },
  };
  const doc = new YAML.Document(configMap);
  doc.commentBefore = [
    ` Image tag of the ${names.releaseName} HelmRelease (${names.releaseNamespace}/${names.releaseName}), read through valuesFrom (targetPath image.tag).`,
    ` Flux's ImageUpdateAutomation rewrites the tag from ImagePolicy ${policy}; do not edit it by hand`,
    " and never remove the $imagepolicy marker. Written once by the face-ocr platform plan (components/api);",
    " Pulumi does not manage this ConfigMap.",
  ].join("\n");
  // The setter sits on the tag's own line, where Flux's ImageUpdateAutomation looks for it.
  const tag = doc.getIn(["data", names.imageTagKey], true) as YAML.Scalar;
  tag.type = YAML.Scalar.QUOTE_DOUBLE;
  tag.comment = ` ${imagePolicySetter(names, "tag")}`;
  return { path: inputs.path, content: doc.toString({ lineWidth: 0 }) };
}
