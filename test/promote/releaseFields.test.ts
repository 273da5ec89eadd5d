// The allow-list of what a release may change in a target's plan (promote/releaseFields.ts).
import { describe, expect, it } from "vitest";
import { diffPlans } from "../../promote/planDiff";
import { changesBeyondRelease, RELEASE_FIELDS } from "../../promote/releaseFields";
import { resource, run } from "./fixture";

const RAY_SERVICE = "kubernetes:ray.io/v1:RayService";
const BUILD_DEFINITION = "azuredevops:index/buildDefinition:BuildDefinition";

function rayService(o: { ray: string; worker: string; replicas: number; pythonPath: string }) {
  return resource(RAY_SERVICE, "ray-service", {
    spec: {
      rayClusterConfig: {
        rayVersion: o.ray,
        headGroupSpec: { template: { spec: { containers: [{ name: "ray-head", image: `rayproject/ray:${o.ray}-py310` }] } } },
        workerGroupSpecs: [
          {
            groupName: "gpu-worker-group",
            replicas: o.replicas,
            template: {
              spec: {
                containers: [
                  {
                    name: "ray-worker",
                    image: o.worker,
                    env: [
                      { name: "PYTHONPATH", value: o.pythonPath },
                      { name: "X", value: "1" },
                    ],
                  },
                ],
              },
            },
          },
        ],
      },
    },
  });
}

const pipelineYaml = (ray: string, trigger: string) => `trigger:\n  - ${trigger}\n\nvariables:\n  RAY_VERSION: '${ray}'\n`;

const before = run(
  [
    rayService({ ray: "2.52.0", worker: "w:1@sha256:a", replicas: 1, pythonPath: "/shared-packages:/app" }),
    resource(BUILD_DEFINITION, "pipelines-face-ocr-worker", { variables: [{ name: "RAY_VERSION", value: "2.52.0" }] }),
    resource("pulumi:providers:docker", "registry-reader", {}),
  ],
  { generatedFiles: { "app-repos/face-ocr-worker/azure-pipelines.yaml": pipelineYaml("2.52.0", "main") } },
);

describe("changesBeyondRelease", () => {
  it("allows what the release keys drive: Ray images and version, the worker build, PYTHONPATH, RAY_VERSION, the lookup provider", () => {
    const after = run(
      [
        rayService({ ray: "2.53.0", worker: "w:2@sha256:b", replicas: 1, pythonPath: "/opt/face-ocr/packages:/app" }),
        resource(BUILD_DEFINITION, "pipelines-face-ocr-worker", { variables: [{ name: "RAY_VERSION", value: "2.53.0" }] }),
        resource(BUILD_DEFINITION, "pipelines-face-ocr-worker-base", { name: "face-ocr-worker-base" }),
      ],
      { generatedFiles: { "app-repos/face-ocr-worker/azure-pipelines.yaml": pipelineYaml("2.53.0", "main") } },
    );
    const changes = diffPlans(before, after);
    expect(changes.map((c) => `${c.op} ${c.name} ${c.fields.length}`)).toEqual([
      "update face-ocr-platform-uat 1",
      "update ray-service 4",
      "update pipelines-face-ocr-worker 1",
      "create pipelines-face-ocr-worker-base 0",
      "delete registry-reader 0",
    ]);
    expect(changesBeyondRelease(changes)).toEqual([]);
  });

  it("lists every other field and resource, with its change", () => {
    const after = run(
      [
        rayService({ ray: "2.52.0", worker: "w:1@sha256:a", replicas: 3, pythonPath: "/shared-packages:/app" }),
        resource(BUILD_DEFINITION, "pipelines-face-ocr-worker", {
          variables: [
            { name: "RAY_VERSION", value: "2.52.0" },
            { name: "EXTRA", value: "1" },
          ],
        }),
        resource("pulumi:providers:docker", "registry-reader", {}),
        resource(BUILD_DEFINITION, "pipelines-face-ocr-extra", {}),
      ],
      // A changed line beside RAY_VERSION is not the release's.
      { generatedFiles: { "app-repos/face-ocr-worker/azure-pipelines.yaml": pipelineYaml("2.53.0", "dev") } },
    );
    expect(changesBeyondRelease(diffPlans(before, after))).toEqual([
      "  update pulumi:pulumi:Stack face-ocr-platform-uat",
      '    outputs.generatedFiles["app-repos/face-ocr-worker/azure-pipelines.yaml"]:',
      "      -   - main",
      "      +   - dev",
      "      -   RAY_VERSION: '2.52.0'",
      "      +   RAY_VERSION: '2.53.0'",
      "  update kubernetes:ray.io/v1:RayService ray-service",
      "    spec.rayClusterConfig.workerGroupSpecs[gpu-worker-group].replicas: 1 -> 3",
      "  update azuredevops:index/buildDefinition:BuildDefinition pipelines-face-ocr-worker",
      '    variables[EXTRA]: (none) -> {"name":"EXTRA","value":"1"}',
      "  create azuredevops:index/buildDefinition:BuildDefinition pipelines-face-ocr-extra",
    ]);
  });

  it("matches a field and what lies below it, not a field whose name merely starts the same", () => {
    const a = run([
      resource("kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy", "p", { spec: { filterTags: { pattern: "a", patternX: "a" } } }),
    ]);
    const b = run([
      resource("kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy", "p", { spec: { filterTags: { pattern: "b", patternX: "b" } } }),
    ]);
    expect(changesBeyondRelease(diffPlans(a, b))).toEqual([
      "  update kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy p",
      '    spec.filterTags.patternX: "a" -> "b"',
    ]);
  });

  it("takes another allow-list, so a narrower one refuses what the default allows", () => {
    const after = run(
      [rayService({ ray: "2.53.0", worker: "w:1@sha256:a", replicas: 1, pythonPath: "/shared-packages:/app" })],
      before.outputs,
    );
    const withoutRayVersion = RELEASE_FIELDS.filter((f) => !f.path.endsWith(".rayVersion"));
    const changes = diffPlans(run([before.resources[1]], before.outputs), after);
    expect(changesBeyondRelease(changes)).toEqual([]);
    expect(changesBeyondRelease(changes, withoutRayVersion)).toEqual([
      "  update kubernetes:ray.io/v1:RayService ray-service",
      '    spec.rayClusterConfig.rayVersion: "2.52.0" -> "2.53.0"',
    ]);
  });
});
