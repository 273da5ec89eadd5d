// Paths in config are relative, normalised and stay inside their repository; two generated files never share a path.
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../config/parse";
import { generatedFiles } from "../../components/generatedFiles";
import { minimalStackConfig } from "../harness";

function problemsFor(extra: Record<string, unknown>): string[] {
  const result = parseStackConfig({ ...minimalStackConfig(), ...extra });
  return result.ok ? [] : result.problems;
}

const FORM = (example: string, yaml: boolean) =>
  `expected a relative path inside the repository${yaml ? " ending in .yaml or .yml" : ""}: letters, digits, _, . and - separated by / (no leading /, no "." or ".." segments), such as "${example}"`;

const BAD_PATHS = [
  "../../app-repos/face-ocr-worker/azure-pipelines.yaml",
  "../../../../x.yaml",
  "/etc/x.yaml",
  "./x.yaml",
  "a//x.yaml",
  "a/./x.yaml",
  "a/../x.yaml",
  "a\\x.yaml",
  "a x.yaml",
];

describe("path keys", () => {
  const keys: [string, (p: string) => Record<string, unknown>, string, boolean][] = [
    ["api.imageAutomation.gitPath", (p) => ({ api: { imageAutomation: { gitPath: p } } }), "dev/face-ocr-api-image-tag.yaml", true],
    ["pipelines.yamlPath", (p) => ({ pipelines: { yamlPath: p } }), "azure-pipelines.yaml", true],
    ["pipelines.platform.yamlPath", (p) => ({ pipelines: { platform: { yamlPath: p } } }), "azure-pipelines.yml", true],
    ["pipelines.template.file", (p) => ({ pipelines: { template: { file: p } } }), "project-pipelines.yml", true],
  ];
  for (const [key, set, example, yaml] of keys) {
    it.each(BAD_PATHS)(`${key} = %j is refused`, (p) => {
      expect(problemsFor(set(p))).toEqual([
        `${key} = ${JSON.stringify(p)}: ${FORM(example, yaml)}; set it with \`pulumi config set --path ${key} <value>\``,
      ]);
    });
  }

  it.each(["../Dockerfile", "/Dockerfile", "docker/../../Dockerfile", "./Dockerfile"])(
    "pipelines.additionalApps[0].dockerfile = %j is refused",
    (p) => {
      const app = { name: "face-ocr-reports", imageRepository: "data-ai/face-ocr-reports", dockerfile: p };
      expect(problemsFor({ pipelines: { additionalApps: [app] } })).toEqual([
        `pipelines.additionalApps[0].dockerfile = ${JSON.stringify(p)}: ${FORM("docker/Dockerfile", false)}; set it with \`pulumi config set --path pipelines.additionalApps[0].dockerfile <value>\``,
      ]);
    },
  );

  it("normal relative paths pass", () => {
    expect(
      problemsFor({
        api: { imageAutomation: { gitPath: "clusters/dev/face-ocr-api-image-tag.yml" } },
        pipelines: {
          yamlPath: ".azure/pipelines/build.yaml",
          additionalApps: [{ name: "face-ocr-reports", imageRepository: "data-ai/face-ocr-reports", dockerfile: "docker/..Dockerfile" }],
        },
      }),
    ).toEqual([]);
  });
});

describe("two generated files for one path", () => {
  it("an additional app in the worker's repository is refused: it would write the worker's pipeline file", () => {
    const app = { name: "face-ocr-reports", repository: "Face-OCR-Worker", imageRepository: "data-ai/face-ocr-reports" };
    expect(problemsFor({ pipelines: { additionalApps: [app] } })).toEqual([
      'pipelines.additionalApps[0].repository = "Face-OCR-Worker": repository face-ocr-worker already holds the generated pipeline file of another app (pipelines.yamlPath); allowed: an Azure Repos repository no other app pipeline uses (case does not count); set it with `pulumi config set --path pipelines.additionalApps[0].repository <value>`',
    ]);
  });

  it("an app named like another app's repository is refused at its name", () => {
    const apps = [
      { name: "face-ocr-reports", repository: "reports", imageRepository: "data-ai/face-ocr-reports" },
      { name: "reports", imageRepository: "data-ai/reports" },
    ];
    expect(problemsFor({ pipelines: { additionalApps: apps } })).toEqual([
      'pipelines.additionalApps[1].name = "reports": repository reports already holds the generated pipeline file of another app (pipelines.yamlPath); allowed: an Azure Repos repository no other app pipeline uses (case does not count); set it with `pulumi config set --path pipelines.additionalApps[1].name <value>`',
    ]);
  });

  it("generatedFiles refuses a clash instead of keeping the last file", () => {
    const file = { repo: "face-ocr-worker", path: "azure-pipelines.yaml", content: "a" };
    expect(() => generatedFiles([file, { ...file, content: "b" }], [])).toThrow(
      "two generated files target app-repos/face-ocr-worker/azure-pipelines.yaml; give them different repositories or paths (pipelines.additionalApps[].repository, pipelines.yamlPath, api.imageAutomation.gitPath)",
    );
    expect(generatedFiles([file], [{ path: "dev/x.yaml", content: "c" }])).toEqual({
      "app-repos/face-ocr-worker/azure-pipelines.yaml": "a",
      "gitops/draft-deployment/dev/x.yaml": "c",
    });
  });
});
