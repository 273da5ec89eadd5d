// Adoption in the stack layout: the shared stack takes the registry's live settings, dev its cluster and its kubelet's
// AcrPull, and dev refuses to go first (its AcrPull is scoped to the registry id the shared stack exports).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as YAML from "yaml";
import { adopt, AdoptResult, writeAdoption } from "../../adopt/adopt";
import { AdoptInputError } from "../../adopt/liveExport";
import { loadIndex, PROJECT_DIR } from "../harness";

const LIVE = path.join(PROJECT_DIR, "test", "fixtures", "live");
const LIVE_REGISTRY_ID =
  "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-example-data-ai/providers/Microsoft.ContainerRegistry/registries/cybersmartstg";

let dir: string;
let devFirst: unknown;
let shared: AdoptResult;
let dev: AdoptResult;

const importedTypes = (result: AdoptResult) =>
  result.importPlan.file.resources.filter((r) => !r.component).map((r) => `${r.type} ${r.name}`);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "adopt-stacks-"));
  for (const stack of ["shared", "dev"])
    fs.copyFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), path.join(dir, `Pulumi.${stack}.yaml`));
  const program = await loadIndex();
  devFirst = await adopt({ projectDir: dir, stack: "dev", liveDir: LIVE, program }).catch((err: unknown) => err);
  shared = await adopt({ projectDir: dir, stack: "shared", liveDir: LIVE, program });
  writeAdoption(shared, path.join(dir, "shared-import.json"));
  dev = await adopt({ projectDir: dir, stack: "dev", liveDir: LIVE, program });
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("adopting the running system into the shared and dev stacks", () => {
  it("refuses an import file it cannot write with the path and the reason, and leaves the stack file as it was", () => {
    const stackFile = fs.readFileSync(shared.stackFile, "utf8");
    // Under /proc no folder can be made (Node's own recursive mkdir never returns there).
    expect(() => writeAdoption({ ...shared, stackFileText: "changed: true\n" }, "/proc/face-ocr-fake/import.json")).toThrow(
      new AdoptInputError("cannot write the import file /proc/face-ocr-fake/import.json (--import-file): ENOENT at /proc/face-ocr-fake"),
    );
    expect(fs.readFileSync(shared.stackFile, "utf8")).toBe(stackFile);
  });

  it("refuses dev before the shared stack has the live registry, saying which to adopt first", () => {
    expect((devFirst as Error).message).toBe(
      'the shared stack "shared" plans the registry /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/PLACEHOLDER-resource-group-of-cybersmartstg/providers/Microsoft.ContainerRegistry/registries/cybersmartstg, ' +
        `but the export's is ${LIVE_REGISTRY_ID}: adopt the shared stack first (\`npm run adopt -- --stack shared --live ${LIVE}\`), then this one`,
    );
  });

  it("writes the registry's live settings into the shared stack, and imports only the registry there", () => {
    expect(shared.written).toEqual([
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
    ]);
    expect(importedTypes(shared)).toEqual(["azure-native:containerregistry:Registry registry-acr"]);
    expect(shared.importPlan.file.resources.find((r) => r.name === "registry-acr")?.id).toBe(LIVE_REGISTRY_ID);
    expect(shared.todo.some((t) => t.includes("kubeletPrincipalId") || t.includes("databasePassword"))).toBe(false);
  });

  it("lists what a person still does in the shared stack: the admin user, the build definitions, and prod's approvers", () => {
    expect(shared.todo).toEqual([
      "the registry's admin user is on (registry.adminUserEnabled true, as live): pull secrets may hold its credentials; " +
        'move them to the kubelet identity or a token before turning it off (docs/pipelines.md, "Before the first `pulumi up`")',
      'the Azure DevOps build definitions are not in the export: import them by hand (docs/pipelines.md, "Adopting the live pipelines")',
      "the prod deployment approval has no real approver yet (pipelines.deployments.approvals.prod.approvers[0] is the placeholder " +
        "00000000-0000-0000-0000-000000000000, which a real run refuses): set the approving group's identity id with " +
        "`pulumi config set --path 'pipelines.deployments.approvals.prod.approvers[0]' <identity-id> --stack shared` " +
        '(docs/pipelines.md, "add an approver")',
    ]);
    expect(dev.todo.some((t) => t.includes("approv"))).toBe(false);
  });

  it("drops the approvers from the list once the shared stack names a real one", async () => {
    const approved = fs.mkdtempSync(path.join(os.tmpdir(), "adopt-approved-"));
    try {
      const doc = YAML.parseDocument(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.shared.yaml"), "utf8"));
      doc.setIn(
        ["config", "face-ocr-platform:pipelines", "deployments", "approvals", "prod", "approvers"],
        ["66666666-7777-8888-9999-aaaaaaaaaaaa"],
      );
      fs.writeFileSync(path.join(approved, "Pulumi.shared.yaml"), doc.toString());
      const result = await adopt({ projectDir: approved, stack: "shared", liveDir: LIVE, program: await loadIndex() });
      expect(result.todo).toEqual(shared.todo.slice(0, 2));
    } finally {
      fs.rmSync(approved, { recursive: true, force: true });
    }
  }, 60_000);

  it("writes dev's kubelet identity and cluster keys, none of the registry's settings, and imports its AcrPull", () => {
    expect(dev.written).toEqual([
      "registry.kubeletPrincipalId",
      "ray.serve.applications",
      "ray.head.resources.limits.memory",
      "ray.head.resources.requests.memory",
      "ray.head.configMapMounts",
      "ray.cpuWorker.configMapMounts",
    ]);
    const registry = (YAML.parse(dev.stackFileText) as { config: Record<string, Record<string, unknown>> }).config[
      "face-ocr-platform:registry"
    ];
    expect(Object.keys(registry).sort()).toEqual(["kubeletPrincipalId", "pullSecrets"]);
    expect(importedTypes(dev)).toEqual([
      "kubernetes:core/v1:Namespace ray-namespace",
      "kubernetes:core/v1:Namespace api-namespace",
      "azure-native:authorization:RoleAssignment registry-kubelet-acrpull",
      "kubernetes:core/v1:PersistentVolumeClaim ray-model-cache",
      "kubernetes:ray.io/v1:RayService ray-service",
      "kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease api-helm-release",
    ]);
    expect(dev.todo.some((t) => t.includes("Azure DevOps build definitions"))).toBe(false);
  });
});
