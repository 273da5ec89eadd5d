import { describe, expect, it } from "vitest";
import { pipelinesModel } from "../../components/pipelines/pipelineModel";
import { parseStackConfig, parseStackConfigOrThrow } from "../../config/parse";
import { devStackSection, EXAMPLE_CLUSTER } from "../harness";

const REGISTRY = { resourceGroupName: "rg-example" };
/** The dev stack's Ray section: the GPU worker image has no default. */
const RAY = devStackSection("ray");

function model(raw: Record<string, unknown> = {}) {
  return pipelinesModel(parseStackConfigOrThrow({ cluster: EXAMPLE_CLUSTER, registry: REGISTRY, ray: RAY, ...raw }, "dev"));
}

function problems(raw: Record<string, unknown>): string[] {
  const result = parseStackConfig({ cluster: EXAMPLE_CLUSTER, registry: REGISTRY, ray: RAY, ...raw });
  if (result.ok) throw new Error("expected the config to be rejected");
  return result.problems;
}

describe("pipelinesModel with the defaults (deployment guide, Repositories and Appendix C)", () => {
  const m = model();

  it("has the two app pipelines of the guide and this repository's own", () => {
    expect(m.enabled).toBe(true);
    expect(m.project).toBe("data-ai");
    expect(m.folder).toBe("\\");
    expect(m.apps.map((a) => [a.name, a.kind, a.repository])).toEqual([
      ["face-ocr-worker", "worker", "face-ocr-worker"],
      ["face-ocr-api", "api", "face-ocr-api"],
    ]);
    expect(m.platform).toEqual({
      name: "face-ocr-platform",
      repository: "face-ocr-platform",
      yamlPath: "azure-pipelines.yml",
      branch: "main",
      validDurationMinutes: 0,
      deployments: [
        { stack: "shared", environment: "face-ocr-platform-shared" },
        { stack: "dev", environment: "face-ocr-platform-dev" },
        { stack: "uat", environment: "face-ocr-platform-uat" },
        {
          stack: "prod",
          environment: "face-ocr-platform-prod",
          approval: { approvers: ["00000000-0000-0000-0000-000000000000"], minimumApprovers: 1, timeoutMinutes: 1440 },
        },
      ],
    });
  });

  it("builds on pushes to main and dev from azure-pipelines.yaml, with Appendix C's variables and RAY_VERSION", () => {
    for (const app of m.apps) {
      expect(app.branches).toEqual(["main", "dev"]);
      expect(app.yamlPath).toBe("azure-pipelines.yaml");
      expect(app.variables).toEqual([
        { name: "AzureSubscription", value: "S2T Sela-data-ai" },
        { name: "KeyVaultName", value: "predicintel-devops-kv" },
        { name: "RAY_VERSION", value: "2.52.0" },
      ]);
      expect(app.buildArguments).toBe("--build-arg RAY_VERSION=$(RAY_VERSION)");
      expect(app.template).toEqual({ repository: "Cybersmart-Next/template", file: "project-pipelines.yml" });
    }
  });

  it("pushes each image to cybersmartstg.azurecr.io/data-ai/<repo>, in Dev and UAT alike", () => {
    expect(m.apps.map((a) => [a.registryUrl, a.environments])).toEqual(
      ["face-ocr-worker", "face-ocr-api"].map((repo) => {
        const url = `cybersmartstg.azurecr.io/data-ai/${repo}`;
        return [
          url,
          [
            { name: "Dev", registryUrls: [url] },
            { name: "UAT", registryUrls: [url] },
          ],
        ];
      }),
    );
  });
});

describe("pipelinesModel follows config", () => {
  it("takes the stack's Ray version override", () => {
    expect(model({ rayVersion: "2.53.0" }).apps.map((a) => a.variables.find((v) => v.name === "RAY_VERSION")?.value)).toEqual([
      "2.53.0",
      "2.53.0",
    ]);
  });

  it("derives every image URL from the registry name", () => {
    const m = model({ registry: { ...REGISTRY, name: "OtherRegistry1" } });
    expect(m.apps.map((a) => a.registryUrl)).toEqual([
      "otherregistry1.azurecr.io/data-ai/face-ocr-worker",
      "otherregistry1.azurecr.io/data-ai/face-ocr-api",
    ]);
  });

  it("adds registries per environment, and environments, after the stack's own registry, keeping Dev and UAT", () => {
    // What `pulumi config set --path 'pipelines.environments.UAT[0]' cybersmartuat` and a Prod entry leave in the stack file.
    const m = model({ pipelines: { environments: { UAT: ["cybersmartuat"], Prod: ["cybersmartprod", "cybersmartstg"] } } });
    expect(m.apps[0].environments).toEqual([
      { name: "Dev", registryUrls: ["cybersmartstg.azurecr.io/data-ai/face-ocr-worker"] },
      {
        name: "UAT",
        registryUrls: ["cybersmartstg.azurecr.io/data-ai/face-ocr-worker", "cybersmartuat.azurecr.io/data-ai/face-ocr-worker"],
      },
      {
        name: "Prod",
        registryUrls: ["cybersmartstg.azurecr.io/data-ai/face-ocr-worker", "cybersmartprod.azurecr.io/data-ai/face-ocr-worker"],
      },
    ]);
  });

  it("appends extra plain variables after the program's own", () => {
    const m = model({ pipelines: { variables: { HTTP_PROXY_HOST: "proxy.example.invalid" } } });
    expect(m.apps[1].variables.map((v) => v.name)).toEqual(["AzureSubscription", "KeyVaultName", "RAY_VERSION", "HTTP_PROXY_HOST"]);
  });

  it("wires an additional app repository the same way", () => {
    const m = model({ pipelines: { additionalApps: [{ name: "face-ocr-reports", imageRepository: "data-ai/face-ocr-reports" }] } });
    expect(m.apps).toHaveLength(3);
    expect(m.apps[2]).toEqual({
      ...m.apps[1],
      name: "face-ocr-reports",
      kind: "additional",
      repository: "face-ocr-reports",
      imageRepository: "data-ai/face-ocr-reports",
      registryUrl: "cybersmartstg.azurecr.io/data-ai/face-ocr-reports",
      environments: [
        { name: "Dev", registryUrls: ["cybersmartstg.azurecr.io/data-ai/face-ocr-reports"] },
        { name: "UAT", registryUrls: ["cybersmartstg.azurecr.io/data-ai/face-ocr-reports"] },
      ],
    });
  });
});

describe("pipelines config errors", () => {
  it("refuses to let config redefine the program's variables", () => {
    expect(problems({ pipelines: { variables: { RAY_VERSION: "2.51.0" } } })).toEqual([
      'pipelines.variables.RAY_VERSION = "2.51.0": reserved: the program sets RAY_VERSION itself (RAY_VERSION from rayVersion, the others from pipelines.azureSubscription and pipelines.keyVaultName); remove it from pipelines.variables; set it with `pulumi config set --path pipelines.variables.RAY_VERSION <value>`',
    ]);
  });

  it("refuses branch refs, an app named like a built-in one and unknown keys", () => {
    expect(
      problems({
        pipelines: {
          branches: ["refs/heads/main"],
          additionalApps: [{ name: "face-ocr-api", imageRepository: "data-ai/x" }],
          trigger: ["main"],
        },
      }),
    ).toEqual([
      'pipelines.branches[0] = "refs/heads/main": expected a branch name such as "main" (without refs/heads/); set it with `pulumi config set --path pipelines.branches[0] <value>`',
      "pipelines.trigger: unknown key; allowed keys here: enabled, project, folder, branches, yamlPath, azureSubscription, keyVaultName, variables, template, environments, additionalApps, platform, deployments",
      `pipelines.additionalApps[0].name = "face-ocr-api": reserved: face-ocr-api is a built-in app pipeline; ${ALLOWED_APP_NAMES}; ${setApp(0)}`,
    ]);
  });
});

const ALLOWED_APP_NAMES =
  "allowed: an Azure Repos repository name other than face-ocr-worker, face-ocr-api, face-ocr-platform (pipelines.platform.name) and platform, each used once (case does not count)";
const setApp = (i: number) => `set it with \`pulumi config set --path pipelines.additionalApps[${i}].name <value>\``;
const app = (name: string) => ({ name, imageRepository: "data-ai/face-ocr-reports" });

describe("additional app names that would collide with another build definition", () => {
  it("refuses an app named platform: its logical name would be the platform definition's (a duplicate URN)", () => {
    expect(problems({ pipelines: { additionalApps: [app("platform")] } })).toEqual([
      `pipelines.additionalApps[0].name = "platform": reserved: the platform build definition's logical name ends in -platform, so an app named platform would register a second resource with the same URN; ${ALLOWED_APP_NAMES}; ${setApp(0)}`,
    ]);
  });

  it("refuses an app named like the platform pipeline: a second definition of that name in the folder", () => {
    expect(problems({ pipelines: { additionalApps: [app("face-ocr-platform")] } })).toEqual([
      `pipelines.additionalApps[0].name = "face-ocr-platform": reserved: face-ocr-platform is this repository's build definition (pipelines.platform.name), and Azure DevOps refuses two definitions of one name in a folder; ${ALLOWED_APP_NAMES}; ${setApp(0)}`,
    ]);
  });

  it("follows a renamed platform pipeline, ignoring case as Azure DevOps does", () => {
    const platform = { name: "infra-deploy" };
    expect(problems({ pipelines: { platform, additionalApps: [app("Infra-Deploy")] } })).toEqual([
      `pipelines.additionalApps[0].name = "Infra-Deploy": reserved: infra-deploy is this repository's build definition (pipelines.platform.name), and Azure DevOps refuses two definitions of one name in a folder; ` +
        `allowed: an Azure Repos repository name other than face-ocr-worker, face-ocr-api, infra-deploy (pipelines.platform.name) and platform, each used once (case does not count); ${setApp(0)}`,
    ]);
    // The old name is free once the platform pipeline no longer uses it.
    expect(model({ pipelines: { platform, additionalApps: [app("face-ocr-platform")] } }).apps.map((a) => a.name)).toEqual([
      "face-ocr-worker",
      "face-ocr-api",
      "face-ocr-platform",
    ]);
  });

  it("refuses the built-in app names in any case, and an app listed twice", () => {
    expect(problems({ pipelines: { additionalApps: [app("Face-OCR-Worker"), app("reports"), app("Reports")] } })).toEqual([
      `pipelines.additionalApps[0].name = "Face-OCR-Worker": reserved: face-ocr-worker is a built-in app pipeline; ${ALLOWED_APP_NAMES}; ${setApp(0)}`,
      `pipelines.additionalApps[2].name = "Reports": listed twice: an earlier additional app is already named reports; ${ALLOWED_APP_NAMES}; ${setApp(2)}`,
    ]);
  });

  it("refuses a platform pipeline named like a built-in app", () => {
    expect(problems({ pipelines: { platform: { name: "face-ocr-api" } } })).toEqual([
      'pipelines.platform.name = "face-ocr-api": reserved: face-ocr-api is the build definition of an app repository; allowed: any other name, such as "face-ocr-platform"; set it with `pulumi config set --path pipelines.platform.name <value>`',
    ]);
  });
});
