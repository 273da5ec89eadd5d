import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildPlanConfig, OFFLINE_SECRET_PLACEHOLDER, parseOverride, PlanInputError } from "../../plan/stackConfigFile";
import { requiredSecretKeyNames } from "../../config/secrets";
import { PROJECT_DIR } from "../harness";

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-file-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeStack(stack: string, yaml: string): void {
  fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), yaml);
}

const SECRET_ARGUMENT_ERROR =
  "--secret: expected KEY=VALUE, e.g. --secret chromaToken=<value> (the argument is not shown: it may hold the secret)";

const placeholders = () => Object.fromEntries(requiredSecretKeyNames().map((k) => [`face-ocr-platform:${k}`, OFFLINE_SECRET_PLACEHOLDER]));

describe("the offline plan's stack config", () => {
  it("qualifies bare keys with the project, JSON-encodes objects and keeps provider keys", () => {
    writeStack(
      "dev",
      "config:\n  environment: dev\n  azure-native:location: westeurope\n  face-ocr-platform:registry:\n    name: cybersmartstg\n",
    );
    const planConfig = buildPlanConfig(dir, "dev", []);
    expect(planConfig.config).toEqual({
      ...placeholders(),
      "azure-native:location": "westeurope",
      "face-ocr-platform:environment": "dev",
      "face-ocr-platform:registry": '{"name":"cybersmartstg"}',
    });
  });

  it("turns secure values into secret placeholders, since they cannot be decrypted offline", () => {
    writeStack("dev", "config:\n  face-ocr-platform:chromaToken:\n    secure: v1:ZmFrZS1jaXBoZXJ0ZXh0\n");
    const planConfig = buildPlanConfig(dir, "dev", []);
    expect(planConfig.config["face-ocr-platform:chromaToken"]).toBe(OFFLINE_SECRET_PLACEHOLDER);
    expect(planConfig.secretKeys).toContain("face-ocr-platform:chromaToken");
  });

  it("applies --config and --secret overrides, including --path style keys", () => {
    writeStack("dev", "config:\n  face-ocr-platform:ray:\n    gpuWorker:\n      maxReplicas: 3\n");
    const planConfig = buildPlanConfig(dir, "dev", [
      parseOverride("rayVersion=2.53.0", false),
      parseOverride("ray.gpuWorker.maxReplicas=5", false),
      parseOverride("ray.gpuWorker.spot=true", false),
      parseOverride("fakeToken=not-a-real-token", true),
    ]);
    expect(planConfig.config["face-ocr-platform:rayVersion"]).toBe("2.53.0");
    expect(JSON.parse(planConfig.config["face-ocr-platform:ray"])).toEqual({ gpuWorker: { maxReplicas: 5, spot: true } });
    expect(planConfig.config["face-ocr-platform:fakeToken"]).toBe("not-a-real-token");
    expect(planConfig.secretKeys).toContain("face-ocr-platform:fakeToken");
    expect(planConfig.secretKeys).not.toContain("face-ocr-platform:rayVersion");
  });

  it("reads list indices in paths, as pulumi config set --path does", () => {
    writeStack("dev", "config:\n  face-ocr-platform:registry:\n    name: cybersmartstg\n");
    const planConfig = buildPlanConfig(dir, "dev", [
      parseOverride("registry.pullSecrets[0].namespace=ray", false),
      parseOverride("registry.pullSecrets[0].name=regcred", false),
      parseOverride("registry.pullSecrets[1].existing=true", false),
    ]);
    expect(JSON.parse(planConfig.config["face-ocr-platform:registry"])).toEqual({
      name: "cybersmartstg",
      pullSecrets: [{ namespace: "ray", name: "regcred" }, { existing: true }],
    });
    expect(() => buildPlanConfig(dir, "dev", [parseOverride("registry.name[0]=x", false)])).toThrow(
      new PlanInputError('--config registry.name[0]: "name" holds a plain value, not a list'),
    );
    expect(() =>
      buildPlanConfig(dir, "dev", [parseOverride("registry.pullSecrets[0]=x", false), parseOverride("registry.pullSecrets.name=y", false)]),
    ).toThrow(new PlanInputError('--config registry.pullSecrets.name: the value before "name" is not an object'));
    expect(() => buildPlanConfig(dir, "dev", [parseOverride("registry..name=x", false)])).toThrow(
      new PlanInputError('--config registry..name: "registry..name" is not a config path like a.b[0].c'),
    );
  });

  it("keeps an empty value as given, so validation can name it", () => {
    writeStack("dev", "config: {}\n");
    expect(buildPlanConfig(dir, "dev", [parseOverride("rayVersion=", false)]).config["face-ocr-platform:rayVersion"]).toBe("");
  });

  it("fills every secret key that is not set with a masked placeholder and says which", () => {
    writeStack("dev", "config: {}\n");
    const planConfig = buildPlanConfig(dir, "dev", []);
    expect(planConfig.placeholders).toEqual(
      requiredSecretKeyNames()
        .map((k) => `face-ocr-platform:${k}`)
        .sort(),
    );
    for (const key of planConfig.placeholders) expect(planConfig.secretKeys).toContain(key);
  });

  it("names the stacks that exist when the stack file is missing", () => {
    writeStack("dev", "config: {}\n");
    expect(() => buildPlanConfig(dir, "prod", [])).toThrow(
      new PlanInputError('no stack file Pulumi.prod.yaml for stack "prod"; stacks here: dev'),
    );
  });

  it.each(["../dev", "a/b", ".hidden", ""])("rejects the stack name %j, which would be a path", (stack) => {
    expect(() => buildPlanConfig(dir, stack, [])).toThrow(
      new PlanInputError(`--stack ${JSON.stringify(stack)}: expected a stack name of letters, digits, '-', '_' and '.', such as dev`),
    );
  });

  it("rejects an override without KEY=VALUE", () => {
    expect(() => parseOverride("rayVersion", false)).toThrow(
      new PlanInputError('--config "rayVersion": expected KEY=VALUE, e.g. --config rayVersion=2.53.0'),
    );
    expect(() => parseOverride("=x", true)).toThrow(new PlanInputError(SECRET_ARGUMENT_ERROR));
  });

  it("rejects a path into a plain value", () => {
    writeStack("dev", "config:\n  face-ocr-platform:environment: dev\n");
    expect(() => buildPlanConfig(dir, "dev", [parseOverride("environment.name=x", false)])).toThrow(
      new PlanInputError('--config environment.name: "environment" holds a plain value, not an object, so it has no field "name"'),
    );
  });

  it("never shows what was given after --secret when it is not KEY=VALUE", () => {
    for (const given of ["S3CRET-value", "not a key=S3CRET-value", "S3CRET/value=x", "=S3CRET-value", "-S3CRET=x"]) {
      expect(() => parseOverride(given, true)).toThrow(new PlanInputError(SECRET_ARGUMENT_ERROR));
    }
    expect(parseOverride("azure-native:clientSecret=fake-value", true)).toEqual({
      key: "azure-native:clientSecret",
      value: "fake-value",
      secret: true,
    });
  });

  it.each([
    ["a tab as indentation", "config:\n\tface-ocr-platform:environment: dev\n", "Pulumi.dev.yaml:2:1: Tabs are not allowed as indentation"],
    ["a duplicate key", "config:\n  environment: dev\n  environment: prod\n", "Pulumi.dev.yaml:3:3: Map keys must be unique"],
    [
      "an unclosed bracket",
      "config:\n  face-ocr-platform:ray: [1, 2\n",
      "Pulumi.dev.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ],
    [
      "an alias bomb",
      "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
      "Pulumi.dev.yaml:2:8: aliases expand to more than 100 nodes; write the values out instead",
    ],
    [
      "an alias to nothing",
      "config:\n  environment: *nowhere\n",
      "Pulumi.dev.yaml:2:16: Unresolved alias (the anchor must be set before the alias): nowhere",
    ],
    ["a list at the top", "- config\n", "Pulumi.dev.yaml:1:1: expected a mapping with a config: section"],
    ["config as a list", "config:\n  - environment\n", "Pulumi.dev.yaml:2:3: config: must be a mapping of KEY: VALUE"],
  ])("reports %s in the stack file at FILE:LINE:COL", (_, yaml, message) => {
    writeStack("dev", yaml);
    expect(() => buildPlanConfig(dir, "dev", [])).toThrow(new PlanInputError(message));
  });

  it("refuses a list index past the end instead of leaving a hole that fails at another index", () => {
    writeStack("dev", "config:\n  face-ocr-platform:ray:\n    gpuWorker:\n      tolerations:\n        - key: a\n");
    expect(() => buildPlanConfig(dir, "dev", [parseOverride("ray.gpuWorker.tolerations[2].value=x", false)])).toThrow(
      new PlanInputError(
        "--config ray.gpuWorker.tolerations[2].value: index 2 is past the end of ray.gpuWorker.tolerations, which has 1 entry in the stack config " +
          "(defaults do not count: a --path edit starts from the stack file); add entries in order (the next index is 1), or give the whole list as JSON",
      ),
    );
    const appended = buildPlanConfig(dir, "dev", [parseOverride("ray.gpuWorker.tolerations[1].value=x", false)]);
    expect(JSON.parse(appended.config["face-ocr-platform:ray"])).toEqual({ gpuWorker: { tolerations: [{ key: "a" }, { value: "x" }] } });
  });
});

describe("object values as the CLI hands them over", () => {
  it("are JSON with sorted keys, whatever order the stack file has (the CLI's Go encoder sorts them)", () => {
    // Pulumi.dev.yaml writes PYTHONPATH before LOG_LEVEL and serve before gpuWorker; a real run sees them sorted.
    const ray = JSON.parse(buildPlanConfig(PROJECT_DIR, "dev", []).config["face-ocr-platform:ray"]);
    expect(Object.keys(ray.serve.applications[0].runtime_env.env_vars)).toEqual(["LOG_LEVEL", "PYTHONPATH"]);
    expect(Object.keys(ray)).toEqual([...Object.keys(ray)].sort());
  });
});
