/**
 * Shared by the test/api suites: obviously fake secrets, and the resource
 * types of the API release.
 */
import type { RecordedResource } from "../../plan/runProgram";
import { devStackSection, minimalStackConfig } from "../harness";

/** The least raw stack config besides `api` (the harness's, shared by every area). */
export const MINIMAL_STACK_CONFIG = minimalStackConfig();

/** Obviously fake: never a real credential, easy to grep for in output. */
export const FAKE_SECRETS = {
  databasePassword: "fake-db-password-123",
  chromaToken: "fake-chroma-token-456",
  dosashopKey: "fake-dosashop-key-789",
} as const;

/** A fake password with every character a URL treats specially, to prove the encoding. */
export const FAKE_AWKWARD_PASSWORD = "fake-p@ss:w/rd?#%,123";

/** Every form a fake secret could leak in: as is, URL-encoded, base64 (a Secret's `data`). */
export function leakForms(values: readonly string[]): string[] {
  return values.flatMap((v) => [v, encodeURIComponent(v), Buffer.from(v, "utf8").toString("base64")]);
}

export const TYPES = {
  component: "face-ocr:api:FaceOcrApi",
  namespace: "kubernetes:core/v1:Namespace",
  secret: "kubernetes:core/v1:Secret",
  configMap: "kubernetes:core/v1:ConfigMap",
  helmRepository: "kubernetes:source.toolkit.fluxcd.io/v1:HelmRepository",
  helmRelease: "kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease",
  imageRepository: "kubernetes:image.toolkit.fluxcd.io/v1:ImageRepository",
  imagePolicy: "kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy",
} as const;

/** Loose view of recorded inputs, for reading nested fields in assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export function inputsOf(r: RecordedResource): Loose {
  return r.inputs;
}

/** The component's resources only (the program also registers other components'). */
export function apiResources(resources: readonly RecordedResource[], componentName = "api"): RecordedResource[] {
  const componentUrn = resources.find((r) => r.type === TYPES.component && r.name === componentName)?.urn;
  return resources.filter((r) => r.urn === componentUrn || (componentUrn !== undefined && r.parent === componentUrn));
}

/**
 * The guide's pull secrets (Appendix B's `imagePullSecrets` and `fluxPullSecret`): `regcred-acr` in
 * `cyber` for the pods and in `flux-system` for Flux. Both exist in the cluster already.
 */
export const GUIDE_PULL_SECRETS = [
  { namespace: "cyber", name: "regcred-acr", existing: true },
  { namespace: "flux-system", name: "regcred-acr", existing: true },
];

/**
 * `--config registry=<object>` for the dev stack with the guide's pull secrets added: the dev stack's own
 * registry block, so only pull access changes.
 */
export function devRegistryWithGuidePullSecrets(): Record<string, unknown> {
  return { ...devStackSection("registry"), pullSecrets: GUIDE_PULL_SECRETS };
}
