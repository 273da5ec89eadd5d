import * as YAML from "yaml";
import { describe, expect, it } from "vitest";
import { fakeDigest } from "../plan/mocks";
import { runStack } from "./harness";

function countsByType(types: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of types) counts[t] = (counts[t] ?? 0) + 1;
  return counts;
}

describe("the dev stack, composed (index.ts)", () => {
  it("registers exactly the system of the deployment guide", async () => {
    const run = await runStack();
    expect(countsByType(run.resources.map((r) => r.type))).toEqual({
      "pulumi:pulumi:Stack": 1,
      "face-ocr:registry:ContainerRegistry": 1,
      "azure-native:containerregistry:Registry": 1,
      "azure-native:authorization:RoleAssignment": 1,
      // Reads the worker image's digest for its :dev tag (components/registry/imageDigest.ts).
      "pulumi:providers:docker": 1,
      "face-ocr:ray:RayCluster": 1,
      "kubernetes:core/v1:Namespace": 2,
      "kubernetes:core/v1:PersistentVolumeClaim": 1,
      "kubernetes:ray.io/v1:RayService": 1,
      "face-ocr:api:FaceOcrApi": 1,
      "kubernetes:core/v1:Secret": 1,
      "kubernetes:image.toolkit.fluxcd.io/v1:ImageRepository": 1,
      "kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy": 1,
      "kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease": 1,
      "face-ocr:pipelines:BuildPipelines": 1,
      "azuredevops:index/buildDefinition:BuildDefinition": 3,
      "azuredevops:index/branchPolicyBuildValidation:BranchPolicyBuildValidation": 1,
      // One deployment Environment per stack, each with its branch control and exclusive lock; prod's with an approval.
      "azuredevops:index/environment:Environment": 4,
      "azuredevops:index/checkBranchControl:CheckBranchControl": 4,
      "azuredevops:index/checkExclusiveLock:CheckExclusiveLock": 4,
      "azuredevops:index/checkApproval:CheckApproval": 1,
      "pulumi:providers:kubernetes": 1,
    });
    const stackUrn = "urn:pulumi:dev::face-ocr-platform::pulumi:pulumi:Stack::face-ocr-platform-dev";
    const components = run.resources.filter((r) => r.type.startsWith("face-ocr:"));
    // Sorted: components bound to the cluster provider register once it resolves, after the others.
    expect(components.map((c) => [c.name, c.parent]).sort()).toEqual([
      ["api", stackUrn],
      ["pipelines", stackUrn],
      ["ray", stackUrn],
      ["registry", stackUrn],
    ]);
    const componentUrns = new Set(components.map((c) => c.urn));
    const orphans = run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:") && !componentUrns.has(r.parent ?? ""));
    expect(orphans.map((r) => r.name)).toEqual([]);
  });

  it("sends every Kubernetes resource through one provider bound to the stack's cluster.context", async () => {
    const run = await runStack({ config: { cluster: { context: "aks-other" } } });
    const providers = run.resources.filter((r) => r.type === "pulumi:providers:kubernetes");
    expect(providers.map((p) => [p.urn, p.inputs.context])).toEqual([
      ["urn:pulumi:dev::face-ocr-platform::pulumi:providers:kubernetes::cluster", "aks-other"],
    ]);
    const kubernetes = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
    expect(kubernetes).toHaveLength(8);
    expect(kubernetes.filter((r) => r.provider !== providers[0].urn).map((r) => r.urn)).toEqual([]);
  });

  it("exports the values operators look up, derived rather than retyped", async () => {
    const run = await runStack();
    expect(Object.keys(run.outputs).sort()).toEqual([
      "apiHelmRelease",
      "apiImagePolicy",
      "clusterContext",
      "generatedFiles",
      "rayClientAddress",
      "rayVersion",
      "registryId",
      "registryLoginServer",
      "registryName",
      "release",
    ]);
    expect(run.outputs.clusterContext).toBe("aks-data-ai-dev");
    expect(run.outputs.rayVersion).toBe("2.52.0");
    expect(run.outputs.registryName).toBe("cybersmartstg");
    expect(run.outputs.registryLoginServer).toBe("cybersmartstg.azurecr.io");
    // The registry's own id, as the output mock answers it (plan/mocks.ts): its ARM id, in the stack's resource group.
    expect(run.outputs.registryId).toBe(
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/PLACEHOLDER-resource-group-of-cybersmartstg/providers/Microsoft.ContainerRegistry/registries/cybersmartstg",
    );
    expect(run.outputs.rayClientAddress).toBe("ray://rayservice-head-svc.ray.svc.cluster.local:10001");
    // The release it runs, with the digest its moving tag resolved to (offline: the mocks' fake one).
    expect(run.outputs.release).toEqual({
      rayVersion: "2.52.0",
      pythonTag: "py310",
      cudaTag: "cu121",
      ray: {
        gpuWorker: {
          image: { tag: "dev", digest: fakeDigest("cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev") },
          heavyDependencies: { mode: "initContainer", pins: {} },
        },
      },
      api: { imageAutomation: { tagPattern: "^\\d+\\.\\d+\\.\\d+-alpha\\.\\d+$", semverRange: ">=1.0.0-0" } },
    });
  });

  it("generates the app repos' pipelines and the GitOps image-tag file, following a Ray override", async () => {
    const run = await runStack({ config: { rayVersion: "2.53.0" } });
    const files = run.outputs.generatedFiles as Record<string, string>;
    expect(Object.keys(files).sort()).toEqual([
      "app-repos/face-ocr-api/azure-pipelines.yaml",
      "app-repos/face-ocr-worker/azure-pipelines.yaml",
      "gitops/cutover/dev/1-prune-disabled.sh",
      "gitops/cutover/dev/2-remove-from-flux.sh",
      "gitops/cutover/dev/README.md",
      "gitops/draft-deployment/dev/face-ocr-api-image-tag.yaml",
    ]);
    for (const repo of ["face-ocr-worker", "face-ocr-api"]) {
      const pipeline = YAML.parse(files[`app-repos/${repo}/azure-pipelines.yaml`]);
      expect(pipeline.variables.RAY_VERSION).toBe("2.53.0");
      expect(pipeline.extends.parameters.DockerFiles[0].registryUrl).toBe(`cybersmartstg.azurecr.io/data-ai/${repo}`);
    }
    expect(YAML.parse(files["gitops/draft-deployment/dev/face-ocr-api-image-tag.yaml"]).data).toEqual({ tag: "1.0.0-alpha.1770916300" });
  });
});
