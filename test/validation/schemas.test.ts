import { describe, expect, it } from "vitest";
import * as path from "path";
import Ajv from "ajv";
import { shareRepeatedSubschemas, strictSchema, validateCustomResource } from "../../validation/crdSchemas";
import { ajvErrorsToReasons } from "../../validation/finding";
import { crdDir } from "../../validation/paths";
import { validateCoreObject } from "../../validation/kubernetesSchemas";
import { validateAzureDevOpsInputs } from "../../validation/azureDevOpsSchema";
import { validateResources } from "../../validation/validateResources";
import { parsedCrd } from "../sharedCrds";
import { helmRelease, podSpec, rayService } from "./fixtures";

describe("custom resources against the served CRD version", () => {
  it("accepts a well-formed RayService and HelmRelease", () => {
    expect(validateCustomResource(rayService())).toEqual({ known: true, errors: [] });
    expect(validateCustomResource(helmRelease())).toEqual({ known: true, errors: [] });
  });

  it("fails a RayService with a wrong type deep in a worker pod template, naming the path", () => {
    const rs = rayService();
    (rs.spec.rayClusterConfig.workerGroupSpecs[0] as Record<string, unknown>).replicas = "one";
    expect(validateCustomResource(rs).errors).toEqual([
      { path: "spec.rayClusterConfig.workerGroupSpecs[0].replicas", reason: "must be integer" },
    ]);
  });

  it("fails a RayService with a misspelled field instead of pruning it", () => {
    const rs = rayService();
    (rs.spec.rayClusterConfig.headGroupSpec.template.spec.containers[0] as Record<string, unknown>).imagePullPolicie = "Always";
    expect(validateCustomResource(rs).errors).toEqual([
      {
        path: "spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].imagePullPolicie",
        reason: "unknown field (not in the schema)",
      },
    ]);
  });

  it("fails a RayService whose int-or-string resource quantity is an object", () => {
    const rs = rayService();
    (rs.spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].resources.requests as Record<string, unknown>).cpu = { cores: 1 };
    expect(validateCustomResource(rs).errors).toEqual([
      {
        path: "spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].resources.requests.cpu",
        reason: "must be an integer or a string",
      },
    ]);
  });

  it("fails a HelmRelease with a bad enum and a missing required field", () => {
    const hr = helmRelease();
    hr.spec.chart.spec.reconcileStrategy = "Always";
    delete (hr.spec.chart.spec as Partial<typeof hr.spec.chart.spec>).chart;
    expect(validateCustomResource(hr).errors).toEqual([
      { path: "spec.chart.spec.chart", reason: "required field is missing" },
      { path: "spec.chart.spec.reconcileStrategy", reason: 'must be one of ["ChartVersion","Revision"]' },
    ]);
  });

  it("does not know a version the CRD does not serve", () => {
    expect(validateCustomResource({ ...helmRelease(), apiVersion: "helm.toolkit.fluxcd.io/v9" })).toEqual({ known: false, errors: [] });
  });
});

describe("core objects against the Kubernetes OpenAPI", () => {
  it("accepts a valid Pod and fails a broken one with the path", () => {
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: podSpec() };
    expect(validateCoreObject("kubernetes:core/v1:Pod", pod)).toEqual({ known: true, errors: [] });
    const broken = { ...pod, spec: { containers: [{ name: "c", image: 3 }] } };
    expect(validateCoreObject("kubernetes:core/v1:Pod", broken)).toEqual({
      known: true,
      errors: [{ path: "spec.containers[0].image", reason: "must be string" }],
    });
  });
});

describe("azuredevops inputs against the provider schema", () => {
  const token = "azuredevops:index/buildDefinition:BuildDefinition";
  const valid = () => ({
    projectId: "00000000-0000-0000-0000-000000000001",
    name: "face-ocr-worker",
    repository: { repoType: "TfsGit", repoId: "repo-id", ymlPath: "azure-pipelines.yaml", branchName: "refs/heads/main" },
    ciTrigger: { useYaml: true },
    variables: [{ name: "RAY_VERSION", value: "2.52.0" }],
  });

  it("accepts inputs the schema defines", () => {
    expect(validateAzureDevOpsInputs(token, valid())).toEqual({ known: true, errors: [] });
  });

  it("fails an unknown input, a wrong nested type and a missing required input", () => {
    const inputs: Record<string, unknown> = { ...valid(), pathh: "\\" };
    delete inputs.projectId;
    (inputs.variables as Record<string, unknown>[])[0].value = 2;
    expect(validateAzureDevOpsInputs(token, inputs).errors).toEqual([
      { path: "projectId", reason: "required field is missing" },
      { path: "pathh", reason: "unknown field (not in the schema)" },
      { path: "variables[0].value", reason: "must be string" },
    ]);
  });
});

describe("validateResources over a whole plan", () => {
  it("counts each schema source and reports findings with type, name and path", () => {
    const broken = rayService();
    broken.spec.rayClusterConfig.workerGroupSpecs[0].groupName = 7 as unknown as string;
    const report = validateResources([
      { type: "pulumi:pulumi:Stack", name: "s", custom: false, plainInputs: {} },
      { type: "kubernetes:ray.io/v1:RayService", name: "rayservice", custom: true, plainInputs: broken },
      {
        type: "kubernetes:core/v1:Namespace",
        name: "ray",
        custom: true,
        plainInputs: { apiVersion: "v1", kind: "Namespace", metadata: { name: "ray" } },
      },
      { type: "azure-native:containerregistry:Registry", name: "acr", custom: true, plainInputs: {} },
      { type: "kubernetes:example.com/v1:Widget", name: "w", custom: true, plainInputs: { apiVersion: "example.com/v1", kind: "Widget" } },
    ]);
    expect(report.checked).toEqual({ crd: 1, kubernetes: 1, azuredevops: 0, "typed-sdk": 1 });
    expect(report.findings).toEqual([
      {
        type: "kubernetes:ray.io/v1:RayService",
        name: "rayservice",
        path: "spec.rayClusterConfig.workerGroupSpecs[0].groupName",
        reason: "must be string",
      },
      {
        type: "kubernetes:example.com/v1:Widget",
        name: "w",
        path: "",
        reason: "no schema found: neither a core Kubernetes kind nor a served version of a CRD in shared/crds",
      },
    ]);
  });
});

describe("sharing repeated sub-schemas", () => {
  const container = {
    type: "object",
    properties: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field${i}`, { type: "string" }])),
    additionalProperties: false,
  };
  const pod = {
    type: "object",
    properties: { containers: { type: "array", items: container }, initContainers: { type: "array", items: container } },
  };

  it("moves a sub-schema that occurs twice into definitions and references it", () => {
    const shared = shareRepeatedSubschemas({ type: "object", properties: { head: pod, worker: { type: "object", properties: { pod } } } });
    expect(shared.definitions).toEqual({
      shared0: {
        type: "object",
        properties: { containers: { $ref: "#/definitions/shared1" }, initContainers: { $ref: "#/definitions/shared1" } },
      },
      shared1: { type: "array", items: { $ref: "#/definitions/shared2" } },
      shared2: container,
    });
    expect(shared.properties).toEqual({
      head: { $ref: "#/definitions/shared0" },
      worker: { type: "object", properties: { pod: { $ref: "#/definitions/shared0" } } },
    });
  });

  it("reports the same errors at the same paths as the unshared schema, for a broken RayService", () => {
    const crd = parsedCrd(path.join(crdDir(), "ray.io_rayservices.yaml"));
    const strict = strictSchema(crd.spec.versions.find((v: { name: string }) => v.name === "v1").schema.openAPIV3Schema);
    const broken = rayService();
    const head = broken.spec.rayClusterConfig.headGroupSpec.template.spec.containers[0] as Record<string, unknown>;
    head.image = 3;
    head.imagePullPolicie = "Always";
    (broken.spec.rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0] as Record<string, unknown>).env = [{ name: 1 }];
    // ajv's optimizing pass changes no answer and doubles a compile this size (validation/crdSchemas.ts skips it too).
    const plain = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { optimize: false } }).compile(strict);
    plain(broken);
    const expected = ajvErrorsToReasons(plain.errors ?? []);
    expect(expected).toHaveLength(3);
    expect(validateCustomResource(broken).errors).toEqual(expected);
  });
});
