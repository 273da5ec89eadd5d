// npm run adopt on the fixture export (test/fixtures/live, built from the guide's Appendices B and D and tables, as
// kubectl and az print them): the keys it writes, the import file, and the exact set of changes the first `up` makes.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adopt, AdoptResult } from "../../adopt/adopt";
import { formatAdoption } from "../../adopt/cli";
import { withReasons } from "../../adopt/improvements";
import { AdoptInputError, LIVE_FILES } from "../../adopt/liveExport";
import { sectionsOf } from "../../adopt/stackConfigWriter";
import { loadIndex, PROJECT_DIR, runStack, SINGLE_STACK_DIR } from "../harness";

const LIVE = path.join(PROJECT_DIR, "test/fixtures/live");
const ACR_ID =
  "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-example-data-ai/providers/Microsoft.ContainerRegistry/registries/cybersmartstg";

/** Every folder the tests make is in this one, removed when they end. */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "adopt-test-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/**
 * A throwaway project folder holding what adopt reads: the project and stack files and the policy config. The stack
 * is the single-stack dev, which owns both the registry and the cluster's objects that the export holds.
 */
function projectCopy(stackFileText?: string): string {
  const dir = fs.mkdtempSync(path.join(scratch, "adopt-project-"));
  fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.writeFileSync(
    path.join(dir, "Pulumi.dev.yaml"),
    stackFileText ?? fs.readFileSync(path.join(SINGLE_STACK_DIR, "Pulumi.dev.yaml"), "utf8"),
  );
  fs.cpSync(path.join(SINGLE_STACK_DIR, "policies/config"), path.join(dir, "policies/config"), { recursive: true });
  return dir;
}

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The fixture export with one edit to its Kubernetes objects. */
function liveCopy(edit: (items: Loose[]) => void): string {
  const dir = fs.mkdtempSync(path.join(scratch, "adopt-live-"));
  fs.cpSync(LIVE, dir, { recursive: true });
  const file = path.join(dir, "kubernetes.yaml");
  const list = YAML.parse(fs.readFileSync(file, "utf8"));
  edit(list.items);
  fs.writeFileSync(file, YAML.stringify(list));
  return dir;
}

let result: AdoptResult;

beforeAll(async () => {
  result = await adopt({ projectDir: SINGLE_STACK_DIR, stack: "dev", liveDir: LIVE, program: await loadIndex() });
});

describe("adopting the fixture export", () => {
  it("writes the registry's live settings, the kubelet from the AcrPull assignment, and what the RayService runs", () => {
    expect(result.written).toEqual([
      "registry.resourceGroupName",
      "registry.location",
      "registry.sku",
      "registry.adminUserEnabled",
      "registry.publicNetworkAccess",
      "registry.zoneRedundancy",
      "registry.anonymousPullEnabled",
      "registry.networkRuleBypassOptions",
      "registry.networkRuleSet.defaultAction",
      "registry.networkRuleSet.ipRules",
      "registry.kubeletPrincipalId",
      "ray.serve.applications",
      "ray.head.resources.limits.memory",
      "ray.head.resources.requests.memory",
      "ray.head.configMapMounts",
      "ray.cpuWorker.configMapMounts",
    ]);
    const sections = sectionsOf(result.stackFileText, "face-ocr-platform", ["registry", "ray"]) as Loose;
    expect(sections.registry).toMatchObject({
      resourceGroupName: "rg-example-data-ai",
      location: "westeurope",
      sku: "Premium",
      adminUserEnabled: true,
      kubeletPrincipalId: "12345678-90ab-4cde-8f01-23456789abcd",
    });
    expect(sections.ray.serve.applications.map((a: { name: string }) => a.name)).toEqual(["text-ocr"]);
    expect(sections.ray.head.configMapMounts).toEqual([{ configMap: "ocr-apps", mountPath: "/home/ray/apps/ocr", readOnly: true }]);
  });

  it("keeps the stack file's comments", () => {
    const before = fs.readFileSync(path.join(SINGLE_STACK_DIR, "Pulumi.dev.yaml"), "utf8");
    const comments = (text: string) => text.split("\n").filter((l) => l.trim().startsWith("#"));
    expect(comments(result.stackFileText)).toEqual(comments(before));
  });

  it("imports the live objects under the program's logical names and parents, with their real ids", () => {
    // Every Kubernetes object goes through the stack's cluster provider, which `pulumi up --target` creates first.
    expect(result.importPlan.file.nameTable).toEqual({
      cluster: "urn:pulumi:dev::face-ocr-platform::pulumi:providers:kubernetes::cluster",
    });
    expect(result.importPlan.file.resources).toEqual([
      { type: "face-ocr:registry:ContainerRegistry", name: "registry", component: true },
      { type: "face-ocr:ray:RayCluster", name: "ray", component: true },
      { type: "face-ocr:api:FaceOcrApi", name: "api", component: true },
      { type: "kubernetes:core/v1:Namespace", name: "ray-namespace", id: "ray", parent: "ray", provider: "cluster" },
      { type: "kubernetes:core/v1:Namespace", name: "api-namespace", id: "cyber", parent: "api", provider: "cluster" },
      {
        type: "kubernetes:core/v1:PersistentVolumeClaim",
        name: "ray-model-cache",
        id: "ray/face-ocr-models",
        parent: "ray",
        provider: "cluster",
      },
      { type: "azure-native:containerregistry:Registry", name: "registry-acr", id: ACR_ID, parent: "registry" },
      {
        type: "azure-native:authorization:RoleAssignment",
        name: "registry-kubelet-acrpull",
        id: `${ACR_ID}/providers/Microsoft.Authorization/roleAssignments/3f1d2c4b-5a6e-4f70-8b91-a2c3d4e5f607`,
        parent: "registry",
      },
      { type: "kubernetes:ray.io/v1:RayService", name: "ray-service", id: "ray/rayservice", parent: "ray", provider: "cluster" },
      {
        type: "kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease",
        name: "api-helm-release",
        id: "default/face-ocr-api",
        parent: "api",
        provider: "cluster",
      },
    ]);
  });

  it("the first up changes exactly the listed improvements, each with its reason", () => {
    const gpu = "spec.rayClusterConfig.workerGroupSpecs[1].template.spec";
    expect(result.improvements.map((d) => `${d.object}: ${d.path}`)).toEqual([
      "RayService ray/rayservice: spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].securityContext",
      "RayService ray/rayservice: spec.rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0].securityContext",
      `RayService ray/rayservice: ${gpu}.containers[0].image`,
      `RayService ray/rayservice: ${gpu}.containers[0].imagePullPolicy`,
      `RayService ray/rayservice: ${gpu}.containers[0].securityContext`,
      `RayService ray/rayservice: ${gpu}.initContainers[0].args[0]`,
      `RayService ray/rayservice: ${gpu}.initContainers[0].securityContext`,
      "RayService ray/rayservice: spec.rayClusterDeletionDelaySeconds",
      "RayService ray/rayservice: spec.upgradeStrategy",
      "HelmRelease default/face-ocr-api: spec.values.env.CHROMA_TOKEN",
      "HelmRelease default/face-ocr-api: spec.values.env.DATABASE_URL",
      "HelmRelease default/face-ocr-api: spec.values.env.DOSASHOP_KEY",
      "HelmRelease default/face-ocr-api: spec.values.image.tag",
      "HelmRelease default/face-ocr-api: spec.values.imageAutoUpdate.enabled",
      "HelmRelease default/face-ocr-api: spec.values.startupProbe",
      "HelmRelease default/face-ocr-api: spec.valuesFrom",
    ]);
    for (const d of result.improvements) expect(d.reason.length, d.path).toBeGreaterThan(40);
  });

  it("lists the worker image only as the live tag pinned to its digest: another image stops the adoption", () => {
    const object = "RayService ray/rayservice";
    const field = "spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].image";
    const live = "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev";
    const digest = `sha256:${"ab".repeat(32)}`;
    expect(withReasons([{ object, path: field, live, planned: `${live}@${digest}` }]).map((d) => d.path)).toEqual([field]);
    expect(withReasons([{ object, path: field, live, planned: `${live.replace(":dev", ":20260114.3")}@${digest}` }])).toEqual([]);
  });

  it("says what still needs a person: Helm-rendered image objects, the Flux cutover, the secrets", () => {
    expect(result.todo.map((t) => t.slice(0, 60))).toEqual([
      "the registry's admin user is on (registry.adminUserEnabled t",
      "ImageRepository flux-system/cyber-face-ocr-api-helm-image-re",
      "ImagePolicy flux-system/cyber-face-ocr-api-helm-image-policy",
      "kubernetes:core/v1:Secret api-secret-env is not in the expor",
      "the Azure DevOps build definitions are not in the export: im",
      // A stack that owns the pipelines owns prod's deployment approval too, whose approver is still a placeholder.
      "the prod deployment approval has no real approver yet (pipel",
      "Flux's Kustomization applies PersistentVolumeClaim ray/face-",
      "set the secrets the program reads: `pulumi config set --secr",
    ]);
    // The live release holds the secrets in clear: none reaches what the tool prints or writes.
    const printed = formatAdoption(result, "Pulumi.dev.yaml", "out/dev/import.json");
    for (const text of [printed, result.stackFileText, JSON.stringify(result.importPlan.file), JSON.stringify(result.improvements)]) {
      for (const fake of ["fake-chroma-token-not-real", "fake-dosashop-key-not-real", "fake-db-password-not-real"])
        expect(text).not.toContain(fake);
    }
  });

  it("the adopted config passes a real run's checks: no placeholder and no unset registry setting is left", async () => {
    const sections = sectionsOf(result.stackFileText, "face-ocr-platform", ["registry", "ray", "api"]);
    // Prod's approvers are no part of the live export: a person sets them (docs/pipelines.md, "add an approver").
    const approvers = { deployments: { approvals: { prod: { approvers: ["66666666-7777-8888-9999-aaaaaaaaaaaa"] } } } };
    const run = await runStack({ asRealRun: true, config: { ...sections, pipelines: approvers } });
    expect(run.one("azure-native:containerregistry:Registry").inputs).toMatchObject({
      resourceGroupName: "rg-example-data-ai",
      adminUserEnabled: true,
      location: "westeurope",
    });
  });

  it("adopting again writes nothing: the adopted config already reproduces the export", async () => {
    const dir = projectCopy(result.stackFileText);
    const again = await adopt({ projectDir: dir, stack: "dev", liveDir: LIVE, program: await loadIndex() });
    expect(again.written).toEqual([]);
    expect(again.stackFileText).toBe(result.stackFileText);
  });
});

describe("stack files the adoption refuses to rewrite", () => {
  it("a layout the yaml library would write differently (a spaced-out value) is refused at that line, and the file is kept", async () => {
    const fixture = fs.readFileSync(path.join(SINGLE_STACK_DIR, "Pulumi.dev.yaml"), "utf8");
    expect(fixture).toContain("\n    context: aks-data-ai-dev\n");
    const spaced = fixture.replace("\n    context: aks-data-ai-dev\n", "\n    context:    aks-data-ai-dev\n");
    const line = spaced.split("\n").indexOf("    context:    aks-data-ai-dev") + 1;
    const dir = projectCopy(spaced);
    await expect(adopt({ projectDir: dir, stack: "dev", liveDir: LIVE, program: await loadIndex() })).rejects.toThrow(
      new AdoptInputError(
        `Pulumi.dev.yaml:${line}: the yaml library writes this line differently (spacing, indentation or quoting), so writing the adopted keys ` +
          "would change lines outside it; lay the file out as `pulumi config set` does (two-space indents, lists indented under their key) and run again",
      ),
    );
    expect(fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8")).toBe(spaced);
  });
});

describe("exports the adoption refuses", () => {
  const run = async (liveDir: string) => adopt({ projectDir: projectCopy(), stack: "dev", liveDir, program: await loadIndex() });

  it("a live field no config reproduces fails, naming the object and the field, and writes nothing", async () => {
    const live = liveCopy((items) => {
      const rs = items.find((o) => o.kind === "RayService") as Loose;
      rs.spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].env = [{ name: "RAY_GRAFANA_HOST", value: "http://grafana" }];
    });
    await expect(run(live)).rejects.toThrow(
      new AdoptInputError(
        "no config the adoption can write reproduces these live fields; change the live object or the program first:\n" +
          '  - RayService ray/rayservice: spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].env: live [{"name":"RAY_GRAFANA_HOST","value":"http://grafana"}], the program renders (absent)',
      ),
    );
  });

  it("never prints a live credential it cannot place", async () => {
    const live = liveCopy((items) => {
      (items.find((o) => o.kind === "HelmRelease") as Loose).spec.values.env.SMTP_PASSWORD = "fake-smtp-password-not-real";
    });
    const error = await run(live).catch((e: Error) => e);
    expect((error as Error).message).toContain(
      "HelmRelease default/face-ocr-api: spec.values.env.SMTP_PASSWORD: live [secret], the program renders (absent)",
    );
    expect((error as Error).message).not.toContain("fake-smtp-password-not-real");
  });

  it("a live worker from another registry names both images and what must match, as a user error", async () => {
    const live = liveCopy((items) => {
      const rs = items.find((o) => o.kind === "RayService") as Loose;
      const gpu = (rs.spec.rayClusterConfig.workerGroupSpecs as Loose[]).find((g) => g.groupName === "gpu-worker-group") as Loose;
      gpu.template.spec.containers[0].image = "other.azurecr.io/face-ocr-worker:dev";
    });
    await expect(run(live)).rejects.toThrow(
      new AdoptInputError(
        "RayService ray/rayservice: the GPU worker runs other.azurecr.io/face-ocr-worker:dev, not an image of cybersmartstg.azurecr.io/data-ai/face-ocr-worker; " +
          "the stack's registry and registry.workerRepository must name the live image's repository (the registry's login server comes from the stack " +
          "that owns it), or the live worker must move to it first",
      ),
    );
  });

  it("a YAML mistake in the export is reported at its file, line and column", async () => {
    const live = liveCopy(() => undefined);
    const file = path.join(live, "kubernetes.yaml");
    fs.writeFileSync(file, "apiVersion: v1\nkind: List\nitems:\n\t- a\n");
    await expect(run(live)).rejects.toThrow(`${file}:4:1: Tabs are not allowed as indentation`);
  });

  it("a live container without limits leaves them to the config, which then names the field it cannot reproduce", async () => {
    const live = liveCopy((items) => {
      const rs = items.find((o) => o.kind === "RayService") as Loose;
      delete rs.spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].resources.limits;
    });
    await expect(run(live)).rejects.toThrow(
      new AdoptInputError(
        "no config the adoption can write reproduces these live fields; change the live object or the program first:\n" +
          '  - RayService ray/rayservice: spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].resources.limits: live (absent), the program renders {"cpu":"2","memory":"8Gi"}',
      ),
    );
  });

  it("an export without the Kubernetes objects says how to make it", async () => {
    const dir = fs.mkdtempSync(path.join(scratch, "adopt-empty-"));
    await expect(run(dir)).rejects.toThrow(
      `--live ${dir}: kubernetes.yaml is missing; export it with ` +
        "`kubectl get rayservice,pvc,helmrelease,helmrepository,imagerepository,imagepolicy,priorityclass,namespace -A -o yaml > " +
        `${path.join(dir, "kubernetes.yaml")}\``,
    );
  });
});

describe("the README's adoption section", () => {
  const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Adopting the running system"), readme.indexOf("## The offline plan"));

  it("exports exactly the files npm run adopt reads, then adopts, cuts over, imports and previews, in that order", () => {
    const exported = [...section.matchAll(/ > live\/([\w.-]+)/g)].map((m) => m[1]);
    expect(exported).toEqual(Object.values(LIVE_FILES));
    // The shared stack first: dev's AcrPull is scoped to the registry id the shared stack exports.
    const order = [
      "npm run adopt -- --stack shared --live live",
      "npm run adopt -- --stack dev --live live",
      "pulumi import --file out/shared/import.json --stack shared",
      "pulumi preview --diff --stack shared",
      "cutover/dev/README.md",
      "pulumi config set --secret",
      "pulumi import --file out/dev/import.json",
      "pulumi preview --diff --stack dev",
      "pulumi up --stack dev --policy-pack",
    ];
    const positions = order.map((step) => section.indexOf(step));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});
