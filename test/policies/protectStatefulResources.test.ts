import { describe, expect, it } from "vitest";
import { protectStatefulResources } from "../../policies/rules/protectStatefulResources";
import { CONFIG_MAP, planResource, PVC, pvcProps, REGISTRY, registryProps } from "./fixtures";
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
});
