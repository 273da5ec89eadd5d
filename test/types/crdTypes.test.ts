// The hand-written CRD types in types/crds/ must match the upstream CRDs in ../shared/crds/ field for
// field. Each CRD is parsed once; one TypeScript program over types/crds/ answers for every interface.
import type * as k8s from "@pulumi/kubernetes";
import { readdirSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { describe, expect, it } from "vitest";
import * as crds from "../../types/crds";
import { parsedCrd } from "../sharedCrds";

const PROJECT_DIR = path.resolve(__dirname, "../..");
const CRD_DIR = path.resolve(PROJECT_DIR, "../shared/crds");
const TYPES_DIR = path.join(PROJECT_DIR, "types", "crds");

interface Schema {
  readonly type?: string;
  readonly properties?: Record<string, Schema>;
  readonly items?: Schema;
  readonly additionalProperties?: Schema | boolean;
  readonly required?: string[];
  readonly enum?: unknown[];
  readonly "x-kubernetes-int-or-string"?: boolean;
  readonly "x-kubernetes-preserve-unknown-fields"?: boolean;
}

interface CrdDocument {
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string };
    readonly versions: {
      readonly name: string;
      readonly served: boolean;
      readonly schema: { readonly openAPIV3Schema: Schema };
    }[];
  };
}

const crdCache = new Map<string, CrdDocument>();
function loadCrd(file: string): CrdDocument {
  let doc = crdCache.get(file);
  if (!doc) {
    doc = parsedCrd(path.join(CRD_DIR, file)) as CrdDocument;
    crdCache.set(file, doc);
  }
  return doc;
}

function servedVersion(file: string, version: string) {
  const v = loadCrd(file).spec.versions.find((x) => x.name === version);
  if (!v?.served) throw new Error(`${file}: version ${version} is not served`);
  return v;
}

function specSchema(file: string, version: string): Schema {
  const spec = servedVersion(file, version).schema.openAPIV3Schema.properties?.spec;
  if (!spec) throw new Error(`${file}: ${version} has no spec schema`);
  return spec;
}

/** Walks a path like `rayClusterConfig.workerGroupSpecs[].template` from a schema node. */
function schemaAt(root: Schema, schemaPath: string): Schema {
  let node = root;
  for (const part of schemaPath.split(".").filter(Boolean)) {
    const name = part.replace(/\[\]$/, "");
    const next = node.properties?.[name];
    if (!next) throw new Error(`schema has no property ${schemaPath}`);
    node = part.endsWith("[]") ? next.items! : next;
  }
  return node;
}

// One program over every file in types/crds/; @pulumi/kubernetes resolves so its types are real.
const typeFiles = readdirSync(TYPES_DIR)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => path.join(TYPES_DIR, f));
const program = ts.createProgram(typeFiles, {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
});
const checker = program.getTypeChecker();

const interfaces = new Map<string, ts.InterfaceDeclaration>();
for (const file of typeFiles) {
  program.getSourceFile(file)!.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
  });
}

function interfaceType(name: string): ts.Type {
  const decl = interfaces.get(name);
  if (!decl) throw new Error(`types/crds declares no interface ${name}`);
  return checker.getTypeAtLocation(decl);
}

/** Property names of an interface, inherited ones included. */
function interfaceKeys(name: string): string[] {
  return checker.getPropertiesOfType(interfaceType(name)).map((p) => p.name);
}

const isOurs = (t: ts.Type): boolean =>
  (t.aliasSymbol ?? t.getSymbol())?.declarations?.some((d) => path.resolve(d.getSourceFile().fileName).startsWith(TYPES_DIR + path.sep)) ??
  false;

const parts = (t: ts.Type): ts.Type[] => (t.isUnion() ? t.types : [t]);
const allFlags = (t: ts.Type, flags: ts.TypeFlags) => parts(t).every((p) => (p.flags & flags) !== 0);

/**
 * Compares a TypeScript type with a schema node and records every difference: property names,
 * optionality (the `required` list), enums, int-or-string, scalar kinds, arrays and maps. Objects
 * typed with an external type (the Pulumi Kubernetes inputs) are only checked one level deep.
 */
function compare(t: ts.Type, s: Schema, where: string, problems: string[]): void {
  t = checker.getNonNullableType(t);
  const shown = checker.typeToString(t);
  if (s["x-kubernetes-int-or-string"]) {
    const ok =
      allFlags(t, ts.TypeFlags.NumberLike | ts.TypeFlags.StringLike) &&
      parts(t).some((p) => p.flags & ts.TypeFlags.NumberLike) &&
      parts(t).some((p) => p.flags & ts.TypeFlags.StringLike);
    if (!ok) problems.push(`${where}: int-or-string should be number | string, is ${shown}`);
    return;
  }
  if (s.enum) {
    const literals = parts(t).map((p) => (p.isStringLiteral() ? p.value : undefined));
    if (literals.includes(undefined)) problems.push(`${where}: enum should be a string-literal union, is ${shown}`);
    else if ([...literals].sort().join("|") !== [...(s.enum as string[])].sort().join("|"))
      problems.push(`${where}: enum ${JSON.stringify(s.enum)} but type is ${shown}`);
    return;
  }
  switch (s.type) {
    case "string":
      if (!allFlags(t, ts.TypeFlags.StringLike)) problems.push(`${where}: should be a string, is ${shown}`);
      return;
    case "integer":
    case "number":
      if (!allFlags(t, ts.TypeFlags.NumberLike)) problems.push(`${where}: should be a number, is ${shown}`);
      return;
    case "boolean":
      if (!allFlags(t, ts.TypeFlags.BooleanLike)) problems.push(`${where}: should be a boolean, is ${shown}`);
      return;
    case "array": {
      const element = checker.isArrayType(t) ? checker.getTypeArguments(t as ts.TypeReference)[0] : undefined;
      if (!element || !s.items) problems.push(`${where}: should be an array, is ${shown}`);
      else compare(element, s.items, `${where}[]`, problems);
      return;
    }
  }
  // An object: a struct with properties, a map, or free-form (`x-kubernetes-preserve-unknown-fields`).
  if (s.properties) {
    if (!(t.flags & ts.TypeFlags.Object)) problems.push(`${where}: should be an object, is ${shown}`);
    else if (isOurs(t)) compareObject(t, s, where, problems);
    else {
      // A Pulumi Kubernetes input type: it must at least have every property the CRD embeds.
      const missing = Object.keys(s.properties).filter((name) => !t.getProperty(name));
      if (missing.length) problems.push(`${where}: ${shown} lacks ${missing.join(", ")}`);
    }
    return;
  }
  const values = checker.getIndexInfoOfType(t, ts.IndexKind.String)?.type;
  if (!values) problems.push(`${where}: should be a Record<string, …>, is ${shown}`);
  else if (typeof s.additionalProperties === "object") compare(values, s.additionalProperties, `${where}{}`, problems);
}

function compareObject(t: ts.Type, s: Schema, where: string, problems: string[]): void {
  const props = new Map(checker.getPropertiesOfType(t).map((p) => [p.name, p]));
  const schemaProps = s.properties ?? {};
  const required = new Set(s.required ?? []);
  for (const name of Object.keys(schemaProps)) if (!props.has(name)) problems.push(`${where}.${name}: in the CRD, not in the type`);
  for (const [name, sym] of props) {
    const child = schemaProps[name];
    if (!child) {
      problems.push(`${where}.${name}: in the type, not in the CRD`);
      continue;
    }
    const optional = (sym.flags & ts.SymbolFlags.Optional) !== 0;
    if (optional === required.has(name))
      problems.push(`${where}.${name}: CRD has it ${required.has(name) ? "required" : "optional"}, type disagrees`);
    compare(checker.getTypeOfSymbol(sym), child, `${where}.${name}`, problems);
  }
}

interface KindCase {
  readonly file: string;
  readonly version: string;
  readonly constant: { readonly apiVersion: string; readonly kind: string };
  readonly spec: string;
}

const KINDS: readonly KindCase[] = [
  { file: "ray.io_rayservices.yaml", version: "v1", constant: crds.RAY_SERVICE, spec: "RayServiceSpec" },
  { file: "ray.io_rayclusters.yaml", version: "v1", constant: crds.RAY_CLUSTER, spec: "RayClusterSpec" },
  { file: "helm.toolkit.fluxcd.io_helmreleases.yaml", version: "v2", constant: crds.HELM_RELEASE, spec: "HelmReleaseSpec" },
  { file: "image.toolkit.fluxcd.io_imagerepositories.yaml", version: "v1", constant: crds.IMAGE_REPOSITORY, spec: "ImageRepositorySpec" },
  { file: "image.toolkit.fluxcd.io_imagepolicies.yaml", version: "v1", constant: crds.IMAGE_POLICY, spec: "ImagePolicySpec" },
  { file: "source.toolkit.fluxcd.io_helmrepositories.yaml", version: "v1", constant: crds.HELM_REPOSITORY, spec: "HelmRepositorySpec" },
  { file: "source.toolkit.fluxcd.io_gitrepositories.yaml", version: "v1", constant: crds.GIT_REPOSITORY, spec: "GitRepositorySpec" },
  { file: "source.toolkit.fluxcd.io_ocirepositories.yaml", version: "v1", constant: crds.OCI_REPOSITORY, spec: "OCIRepositorySpec" },
];

describe.each(KINDS)("$constant.kind ($file)", ({ file, version, constant, spec }) => {
  it("names the CRD's group, served version and kind", () => {
    const doc = loadCrd(file);
    servedVersion(file, version);
    expect(constant).toEqual({ apiVersion: `${doc.spec.group}/${version}`, kind: doc.spec.names.kind });
  });

  it(`${spec} declares exactly the top-level spec properties`, () => {
    const expected = Object.keys(specSchema(file, version).properties ?? {}).sort();
    expect(interfaceKeys(spec).sort()).toEqual(expected);
  });

  it(`${spec} matches the schema all the way down`, () => {
    const problems: string[] = [];
    compareObject(interfaceType(spec), specSchema(file, version), spec, problems);
    expect(problems).toEqual([]);
  });
});

// Nested interfaces checked by name too, so a failure points straight at the interface to fix.
const NESTED: readonly (readonly [file: string, version: string, name: string, schemaPath: string])[] = [
  ["ray.io_rayservices.yaml", "v1", "RayClusterSpec", "rayClusterConfig"],
  ["ray.io_rayservices.yaml", "v1", "HeadGroupSpec", "rayClusterConfig.headGroupSpec"],
  ["ray.io_rayservices.yaml", "v1", "WorkerGroupSpec", "rayClusterConfig.workerGroupSpecs[]"],
  ["ray.io_rayservices.yaml", "v1", "AutoscalerOptions", "rayClusterConfig.autoscalerOptions"],
  ["ray.io_rayservices.yaml", "v1", "RayServiceUpgradeStrategy", "upgradeStrategy"],
  ["helm.toolkit.fluxcd.io_helmreleases.yaml", "v2", "HelmChartTemplateSpec", "chart.spec"],
  ["helm.toolkit.fluxcd.io_helmreleases.yaml", "v2", "ValuesReference", "valuesFrom[]"],
  ["helm.toolkit.fluxcd.io_helmreleases.yaml", "v2", "HelmInstall", "install"],
  ["helm.toolkit.fluxcd.io_helmreleases.yaml", "v2", "HelmUpgrade", "upgrade"],
  ["image.toolkit.fluxcd.io_imagepolicies.yaml", "v1", "ImagePolicyChoice", "policy"],
];

describe("nested interfaces", () => {
  it.each(NESTED)("%s %s: %s is %s", (file, version, name, schemaPath) => {
    const expected = Object.keys(schemaAt(specSchema(file, version), schemaPath).properties ?? {}).sort();
    expect(interfaceKeys(name).sort()).toEqual(expected);
  });
});

describe("the checker itself", () => {
  it("reports a misspelled field, a missing field, wrong optionality and a wrong enum", () => {
    const schema: Schema = {
      type: "object",
      required: ["name"],
      properties: {
        name: { type: "string" },
        kind: { type: "string", enum: ["Secret", "ConfigMap"] },
        extra: { type: "integer" },
      },
    };
    const problems: string[] = [];
    // ValuesReference has name and kind, but no `extra`, and more fields than this schema.
    compareObject(interfaceType("ValuesReference"), schema, "X", problems);
    expect(problems).toContain("X.extra: in the CRD, not in the type");
    expect(problems).toContain("X.valuesKey: in the type, not in the CRD");
    expect(problems).toContain("X.kind: CRD has it optional, type disagrees");
  });
});

// Compile-time half (tsc checks test/, vitest does not): plain data satisfies the types, and a typed
// object is accepted as CustomResource args without casts.
describe("typed objects", () => {
  it("take plain data and pass as CustomResource args", () => {
    const rayService: crds.RayServiceObject = {
      ...crds.RAY_SERVICE,
      metadata: { name: "face-ocr", namespace: "ray" },
      spec: {
        serveConfigV2: "applications: []\n",
        upgradeStrategy: { type: "NewCluster" },
        rayClusterConfig: {
          rayVersion: "2.49.0",
          enableInTreeAutoscaling: true,
          autoscalerOptions: { upscalingMode: "Default", idleTimeoutSeconds: 60 },
          headGroupSpec: {
            rayStartParams: { "dashboard-host": "0.0.0.0", "num-gpus": "0" },
            template: { spec: { containers: [{ name: "ray-head", image: "rayproject/ray:2.49.0" }] } },
          },
          workerGroupSpecs: [
            {
              groupName: "gpu",
              minReplicas: 0,
              maxReplicas: 2,
              rayStartParams: {},
              template: {
                spec: {
                  containers: [{ name: "ray-worker", resources: { limits: { "nvidia.com/gpu": "1" } } }],
                  tolerations: [{ key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" }],
                },
              },
            },
          ],
        },
      },
    };
    const helmRelease: crds.HelmReleaseObject = {
      ...crds.HELM_RELEASE,
      metadata: { name: "face-ocr-api", namespace: "face-ocr" },
      spec: {
        interval: "5m",
        chart: { spec: { chart: "./charts/face-ocr-api", sourceRef: { kind: "GitRepository", name: "face-ocr-api" } } },
        values: { replicaCount: 2 },
        valuesFrom: [{ kind: "ConfigMap", name: "face-ocr-api-image", valuesKey: "tag", targetPath: "image.tag" }],
      },
    };
    const args: k8s.apiextensions.CustomResourceArgs[] = [rayService, helmRelease];
    expect(args.map((a) => `${a.apiVersion}/${a.kind}`)).toEqual(["ray.io/v1/RayService", "helm.toolkit.fluxcd.io/v2/HelmRelease"]);
  });
});
