// Image automation without Pulumi and Flux fighting over image.tag: Pulumi owns the ImageRepository and
// ImagePolicy; Flux keeps the tag in a git-held ConfigMap (the file below) that the HelmRelease reads
// through valuesFrom. The policy is evaluated here, the way image-reflector-controller evaluates it.
import * as semver from "semver";
import * as YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { apiImageTagFile, apiNames, imageTagFilePath } from "../../components/api";
import { parseStackConfigOrThrow } from "../../config/parse";
import { validateCoreObject } from "../../validation/kubernetesSchemas";
import { validateResources } from "../../validation/validateResources";
import { RecordedRun, runStack, kubeletOnlyRegistry } from "../harness";
import { apiResources, devRegistryWithGuidePullSecrets, FAKE_SECRETS, inputsOf, Loose, TYPES, MINIMAL_STACK_CONFIG } from "./fixtures";

/**
 * The ImagePolicy rule as Flux applies it: keep the tags `filterTags.pattern` matches, then the highest
 * version within `policy.semver.range`. Flux uses Masterminds semver, where a range with a prerelease
 * (`-0`) admits prereleases of any version; `includePrerelease` gives node-semver the same reading.
 */
function selectTag(spec: Loose, tags: readonly string[]): string | null {
  const pattern = new RegExp(spec.filterTags.pattern);
  const candidates = tags.filter((t) => pattern.test(t) && semver.valid(t) !== null);
  return semver.maxSatisfying(candidates, spec.policy.semver.range, { includePrerelease: true });
}

let run: RecordedRun;
let policy: Loose;
let repository: Loose;
let release: Loose;

beforeAll(async () => {
  run = await runStack({ secrets: FAKE_SECRETS });
  policy = inputsOf(run.one(TYPES.imagePolicy));
  repository = inputsOf(run.one(TYPES.imageRepository));
  release = inputsOf(run.one(TYPES.helmRelease));
});

describe("ImagePolicy", () => {
  it("has the live name and namespace, image.toolkit.fluxcd.io/v1", () => {
    expect(policy.apiVersion).toBe("image.toolkit.fluxcd.io/v1");
    expect(policy.metadata).toEqual({ name: "cyber-face-ocr-api-helm-image-policy", namespace: "flux-system" });
  });

  it("selects the newest pipeline build: 1.0.0-alpha.1770916300 over 1.0.0-alpha.1770900000", () => {
    expect(selectTag(policy.spec, ["1.0.0-alpha.1770900000", "1.0.0-alpha.1770916300"])).toBe("1.0.0-alpha.1770916300");
    expect(selectTag(policy.spec, ["1.0.0-alpha.1770916300", "1.0.0-alpha.1770900000"])).toBe("1.0.0-alpha.1770916300");
  });

  it("ignores dev, latest and other non-build tags, even when they are the only newer ones", () => {
    const tags = ["dev", "latest", "main", "1.0.0-alpha.1770900000", "sha-3f2a1b", "1.0.0-alpha.1770916300.sig"];
    expect(selectTag(policy.spec, tags)).toBe("1.0.0-alpha.1770900000");
    expect(selectTag(policy.spec, ["dev", "latest"])).toBeNull();
  });

  it("orders the build number numerically, not as text (999 < 1770900000)", () => {
    expect(selectTag(policy.spec, ["1.0.0-alpha.999", "1.0.0-alpha.1770900000"])).toBe("1.0.0-alpha.1770900000");
  });

  it("moves to a higher version's builds when the pipeline bumps the version", () => {
    expect(selectTag(policy.spec, ["1.0.0-alpha.1770916300", "1.1.0-alpha.1770000000"])).toBe("1.1.0-alpha.1770000000");
  });

  it("watches the ImageRepository resource, which scans the image the release runs", () => {
    expect(policy.spec.imageRepositoryRef).toEqual({ name: repository.metadata.name });
    expect(repository.metadata.namespace).toBe(policy.metadata.namespace);
    expect(repository.spec.image).toBe(release.spec.values.image.repository);
    expect(run.one(TYPES.imagePolicy).dependencies).toContain(run.one(TYPES.imageRepository).urn);
  });

  it("authenticates with Flux's Azure identity when the registry lists no pull secret for flux-system", async () => {
    const kubelet = await runStack({ config: { registry: kubeletOnlyRegistry(), "api.helmRepository.mode": "manage" } });
    expect(inputsOf(kubelet.one(TYPES.imageRepository)).spec).toEqual({
      image: "cybersmartstg.azurecr.io/data-ai/face-ocr-api",
      interval: "1m",
      provider: "azure",
    });
    expect(inputsOf(kubelet.one(TYPES.helmRepository)).spec).toEqual({
      type: "oci",
      url: "oci://cybersmartstg.azurecr.io/helm",
      provider: "azure",
    });
  });

  it("authenticates with the registry's pull secret for flux-system when there is one (the guide's regcred-acr)", async () => {
    const guide = await runStack({ config: { registry: devRegistryWithGuidePullSecrets(), "api.helmRepository.mode": "manage" } });
    expect(inputsOf(guide.one(TYPES.imageRepository)).spec).toEqual({
      image: "cybersmartstg.azurecr.io/data-ai/face-ocr-api",
      interval: "1m",
      secretRef: { name: "regcred-acr" },
    });
    // The HelmRepository sits in `default`, where the guide lists no pull secret.
    expect(inputsOf(guide.one(TYPES.helmRepository)).spec).toEqual({
      type: "oci",
      url: "oci://cybersmartstg.azurecr.io/helm",
      provider: "azure",
    });
  });

  it("every Flux object of the release validates against its served CRD version", async () => {
    const managed = await runStack({ config: { "api.helmRepository.mode": "manage" } });
    const flux = managed.resources.filter((r) =>
      [TYPES.helmRelease, TYPES.helmRepository, TYPES.imageRepository, TYPES.imagePolicy].includes(r.type as never),
    );
    expect(flux).toHaveLength(4);
    const report = validateResources(flux);
    expect(report.findings).toEqual([]);
    expect(report.checked.crd).toBe(4);
  });
});

describe("the image tag: Flux's, in git, never Pulumi's", () => {
  const config = parseStackConfigOrThrow({ ...MINIMAL_STACK_CONFIG }, "dev").api;
  const file = apiImageTagFile({
    names: apiNames(config),
    initialTag: config.imageAutomation.initialTag,
    path: imageTagFilePath(config, "dev"),
  });
  const manifest = YAML.parse(file.content);

  it("Pulumi registers no ConfigMap and no image tag anywhere", () => {
    const api = apiResources(run.resources);
    expect(api.filter((r) => r.type === TYPES.configMap)).toHaveLength(0);
    expect(release.spec.values.image).not.toHaveProperty("tag");
    expect(JSON.stringify(api.map((r) => r.inputs))).not.toContain("1.0.0-alpha.");
  });

  it("goes to draft-deployment's dev folder", () => {
    expect(file.path).toBe("dev/face-ocr-api-image-tag.yaml");
  });

  it("is the ConfigMap the HelmRelease's valuesFrom reads image.tag from", () => {
    const ref = release.spec.valuesFrom.find((v: { targetPath: string }) => v.targetPath === "image.tag");
    expect(manifest.apiVersion).toBe("v1");
    expect(manifest.kind).toBe("ConfigMap");
    expect(ref.kind).toBe("ConfigMap");
    expect(manifest.metadata.name).toBe(ref.name);
    expect(manifest.metadata.namespace).toBe(release.metadata.namespace);
    expect(Object.keys(manifest.data)).toEqual([ref.valuesKey]);
  });

  it("carries the guide's $imagepolicy tag marker on the tag line, naming the policy this stack owns", () => {
    const tagLine = file.content.split("\n").find((l) => l.trimStart().startsWith(`${Object.keys(manifest.data)[0]}:`));
    expect(tagLine).toBe('  tag: "1.0.0-alpha.1770916300" # {"$imagepolicy": "flux-system:cyber-face-ocr-api-helm-image-policy:tag"}');
    expect(tagLine).toContain(`${policy.metadata.namespace}:${policy.metadata.name}:tag`);
  });

  it("starts at a tag the policy would select, so the first reconcile changes nothing", () => {
    expect(selectTag(policy.spec, [manifest.data.tag])).toBe(manifest.data.tag);
  });

  it("is a valid ConfigMap, labelled so helm-controller reacts to a new tag at once", () => {
    expect(validateCoreObject("kubernetes:core/v1:ConfigMap", manifest)).toEqual({ known: true, errors: [] });
    expect(manifest.metadata.labels).toEqual({ "reconcile.fluxcd.io/watch": "Enabled" });
  });

  it("is deterministic (the same bytes for the same config)", () => {
    expect(apiImageTagFile({ names: apiNames(config), initialTag: config.imageAutomation.initialTag, path: file.path })).toEqual(file);
  });
});
