import { describe, expect, it } from "vitest";
import { protectStatefulResources } from "../../policies/rules/protectStatefulResources";
import { CONFIG_MAP, planResource, PVC, pvcProps, REGISTRY, registryProps } from "./fixtures";

const NAMESPACE = "kubernetes:core/v1:Namespace";
const namespace = (name: string, protect: boolean) => planResource(NAMESPACE, `${name}-namespace`, { metadata: { name } }, { protect });
import { messagesOf, violationsOf } from "./helpers";

const policy = protectStatefulResources();

describe("protect-stateful-resources", () => {
  it("passes a protected registry and model PVC", async () => {
    expect(
      await violationsOf(policy, [
        planResource(REGISTRY, "registry-acr", registryProps(), { protect: true }),
        planResource(PVC, "face-ocr-models", pvcProps(), { protect: true }),
      ]),
    ).toEqual([]);
  });

  it("rejects an unprotected registry", async () => {
    expect(await messagesOf(policy, planResource(REGISTRY, "registry-acr", registryProps()))).toEqual([
      'Registry "registry-acr" opts.protect is not set: a rename, a replace or a dropped line in the program would delete it and every worker and API image in it (design invariant 4, "Nothing stateful is lost by accident"). ' +
        "Create it with { protect: true } in its component; to remove it on purpose, run `pulumi state unprotect <urn>` first.",
    ]);
  });

  it("rejects an unprotected model PVC", async () => {
    expect(await messagesOf(policy, planResource(PVC, "face-ocr-models", pvcProps()))).toEqual([
      'PersistentVolumeClaim "face-ocr-models" opts.protect is not set: a rename, a replace or a dropped line in the program would delete it and the data on its volume (for the model cache: the downloaded SCRFD and ArcFace models) (design invariant 4, "Nothing stateful is lost by accident"). ' +
        "Create it with { protect: true } in its component; to remove it on purpose, run `pulumi state unprotect <urn>` first.",
    ]);
  });

  it("leaves stateless resources alone", async () => {
    expect(await violationsOf(policy, planResource(CONFIG_MAP, "cm", { data: {} }))).toEqual([]);
  });

  it("rejects an unprotected Namespace that holds the model PVC: deleting it deletes the PVC", async () => {
    const pvc = planResource(PVC, "face-ocr-models", pvcProps(), { protect: true });
    expect(await messagesOf(policy, [namespace("ray", false), pvc])).toEqual([
      'Namespace "ray-namespace" opts.protect is not set, but it holds PersistentVolumeClaim "face-ocr-models": deleting the Namespace deletes everything in it, protected or not ' +
        '(design invariant 4, "Nothing stateful is lost by accident"). Create Namespace "ray" with { protect: true } (and retainOnDelete) in its component.',
    ]);
  });

  it("leaves a protected Namespace, and an unprotected one that holds nothing stateful, alone", async () => {
    const pvc = planResource(PVC, "face-ocr-models", pvcProps(), { protect: true });
    expect(await violationsOf(policy, [namespace("ray", true), namespace("cyber", false), pvc])).toEqual([]);
  });
});
