import { describe, expect, it } from "vitest";
import { StackConfigError } from "../../config/errors";
import { configErrorMessage, parseStackConfig, parseStackConfigOrThrow } from "../../config/parse";
import { RAY_VERSION } from "../../config/rayVersion";
import { stackConfigFor } from "../../plan/stackConfigFor";
import { PROJECT_DIR, runStack, minimalStackConfig } from "../harness";

const REQUIRED = minimalStackConfig();
const REGISTRY = REQUIRED.registry;

function problems(raw: Record<string, unknown>): string[] {
  const result = parseStackConfig({ ...REQUIRED, ...raw });
  if (result.ok) throw new Error("expected the config to be rejected");
  return result.problems;
}

describe("stack config", () => {
  it("applies the documented defaults", () => {
    const result = parseStackConfig(REQUIRED);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.environment).toBe("dev");
    expect(result.config.rayVersion).toBe(RAY_VERSION);
    expect(result.config.pythonTag).toBe("py310");
    expect(result.config.cudaTag).toBe("cu121");
    expect(result.config.registry.name).toBe("cybersmartstg");
  });

  it("takes a per-stack Ray version override", () => {
    const result = parseStackConfig({ ...REQUIRED, rayVersion: "2.53.0" });
    expect(result.ok && result.config.rayVersion).toBe("2.53.0");
  });

  it.each([
    ["latest", 'rayVersion = "latest"'],
    ["2.52", 'rayVersion = "2.52"'],
    ["", 'rayVersion = ""'],
    ["v2.52.0", 'rayVersion = "v2.52.0"'],
  ])("rejects rayVersion %j naming the key, the value and what is allowed", (value, prefix) => {
    expect(problems({ rayVersion: value })).toEqual([
      `${prefix}: expected an exact Ray version MAJOR.MINOR.PATCH, such as "2.52.0"; set it with \`pulumi config set rayVersion <value>\``,
    ]);
  });

  it("never echoes the value of a key that was set as a secret", () => {
    const result = parseStackConfig({ ...REQUIRED, rayVersion: "fake-secret-looking-value" }, new Set(["rayVersion"]));
    expect(result).toEqual({
      ok: false,
      problems: [
        'rayVersion = [secret]: expected an exact Ray version MAJOR.MINOR.PATCH, such as "2.52.0"; set it with `pulumi config set rayVersion <value>`',
      ],
    });
  });

  it("rejects a malformed python or CUDA tag", () => {
    expect(problems({ pythonTag: "3.10", cudaTag: "cuda" })).toEqual([
      'pythonTag = "3.10": expected a Python tag of the form py3XX, such as "py310"; set it with `pulumi config set pythonTag <value>`',
      'cudaTag = "cuda": expected a CUDA tag of the form cuXXX, such as "cu121"; set it with `pulumi config set cudaTag <value>`',
    ]);
  });

  it.each(["cu999", "cu120", "cu125", "cu130"])("rejects the CUDA tag %s, for which Ray 2.52.0 or PyTorch publishes nothing", (cudaTag) => {
    expect(problems({ cudaTag })).toEqual([
      `cudaTag = "${cudaTag}": expected a CUDA tag that both the Ray 2.52.0 GPU images and PyTorch's wheel index publish: ` +
        "cu117, cu118, cu121, cu124, cu126, cu128 (config/cudaTags.ts); set it with `pulumi config set cudaTag <value>`",
    ]);
  });

  it("takes every CUDA tag of the table, and an older Ray's own list", () => {
    for (const cudaTag of ["cu117", "cu118", "cu121", "cu124", "cu126", "cu128"])
      expect(parseStackConfig({ ...REQUIRED, cudaTag }).ok).toBe(true);
    expect(parseStackConfig({ ...REQUIRED, rayVersion: "2.40.0", cudaTag: "cu116" }).ok).toBe(true);
    expect(problems({ rayVersion: "1.13.0" })).toEqual([
      'rayVersion = "1.13.0": expected Ray 2.0.0 or later, the releases whose GPU images config/cudaTags.ts lists; set it with `pulumi config set rayVersion <value>`',
    ]);
  });

  it("rejects an API request above its limit, as the Ray sections do", () => {
    expect(problems({ api: { resources: { requests: { memory: "4Gi", cpu: "1500m" } } } })).toEqual([
      'api.resources.requests.cpu = "1500m": a request may not exceed its limit (limits.cpu is "1"); Kubernetes would refuse the pod; set it with `pulumi config set --path api.resources.requests.cpu <value>`',
      'api.resources.requests.memory = "4Gi": a request may not exceed its limit (limits.memory is "2Gi"); Kubernetes would refuse the pod; set it with `pulumi config set --path api.resources.requests.memory <value>`',
    ]);
  });

  it("names the allowed form of a bad record key, not the value", () => {
    expect(problems({ ray: { ...(REQUIRED.ray as object), cpuWorker: { env: { "1BAD": "x" } } } })).toEqual([
      'ray.cpuWorker.env.1BAD: "1BAD" is not a valid key of ray.cpuWorker.env: expected an environment variable name: letters, digits and _, not starting with a digit; rename it',
    ]);
  });

  it("rejects an unknown enum value, listing the allowed ones", () => {
    expect(problems({ environment: "production" })).toEqual([
      'environment = "production": invalid option: expected one of "dev"|"uat"|"prod"; set it with `pulumi config set environment <value>`',
    ]);
  });

  it("rejects an unknown key, listing the keys allowed there", () => {
    expect(problems({ rayVerison: "2.52.0" })).toEqual([
      "rayVerison: unknown key; allowed keys here: role, sharedStack, environment, rayVersion, pythonTag, cudaTag, cluster, registry, pipelines, ray, api",
    ]);
  });

  it("rejects a wrong type inside a section with the --path command", () => {
    expect(problems({ registry: { ...REGISTRY, name: 42 } })).toEqual([
      "registry.name = 42: invalid input: expected string, received number; set it with `pulumi config set --path registry.name <value>`",
    ]);
  });

  it("rejects a missing required key", () => {
    expect(parseStackConfig({ ...REQUIRED, registry: {} })).toEqual({
      ok: false,
      problems: [
        "registry.resourceGroupName is missing: expected the name of the existing resource group that holds the registry (`az acr show -n <name> --query resourceGroup -o tsv`); set it with `pulumi config set --path registry.resourceGroupName <value>`",
      ],
    });
  });

  it("throws one StackConfigError naming the stack and every problem", () => {
    const attempt = () => parseStackConfigOrThrow({ ...REQUIRED, rayVersion: "latest", environment: "qa" }, "dev");
    expect(attempt).toThrow(StackConfigError);
    expect(attempt).toThrow(
      configErrorMessage("dev", [
        'environment = "qa": invalid option: expected one of "dev"|"uat"|"prod"; set it with `pulumi config set environment <value>`',
        'rayVersion = "latest": expected an exact Ray version MAJOR.MINOR.PATCH, such as "2.52.0"; set it with `pulumi config set rayVersion <value>`',
      ]),
    );
  });

  it("fails the whole program run with that message", async () => {
    await expect(runStack({ config: { rayVersion: "latest" } })).rejects.toThrow(
      'Invalid config for stack "dev":\n  - rayVersion = "latest": expected an exact Ray version MAJOR.MINOR.PATCH',
    );
  });

  it("reports a section that is not valid JSON", async () => {
    await expect(runStack({ config: { registry: "{not json" } })).rejects.toThrow(
      'registry = "{not json": expected an object; set its fields with `pulumi config set --path registry.<field> <value>`',
    );
  });
});

describe("secret config keys", () => {
  const failureOf = async (attempt: Promise<unknown>) => {
    try {
      await attempt;
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error("expected the run to fail");
  };
  const SECRET_KEYS_TEXT = "databasePassword, chromaToken, dosashopKey, registryPullPassword";

  it("refuses a declared secret key stored in clear, without echoing it", async () => {
    const message = await failureOf(runStack({ config: { databasePassword: "fake-clear-password-1" } }));
    expect(message).toBe(
      'Invalid config for stack "dev":\n' +
        "  - databasePassword is stored in clear; store it encrypted: `pulumi config rm databasePassword --stack dev`, then `pulumi config set --secret databasePassword <value> --stack dev`",
    );
  });

  it("refuses a key set with --secret that the program would write into resources in clear", async () => {
    const message = await failureOf(runStack({ secrets: { "ray.gpuWorker.env.FACE_DSN": "fake-dsn-value-2" } }));
    expect(message).toBe(
      'Invalid config for stack "dev":\n' +
        `  - ray is set as a secret, but the program writes this key's values into resources in clear (only ${SECRET_KEYS_TEXT} stay secret); set it again without --secret, and keep secret values in one of those keys`,
    );
  });

  it("masks a secret-marked value that is not valid JSON", async () => {
    const message = await failureOf(runStack({ secrets: { api: "fake-not-json-3" } }));
    expect(message).not.toContain("fake-not-json-3");
    expect(message).toContain("  - api = [secret]: expected an object; set its fields with `pulumi config set --path api.<field> <value>`");
  });

  it("accepts the declared secret keys set as secrets", async () => {
    const run = await runStack({ secrets: { databasePassword: "fake-db-4", chromaToken: "fake-chroma-5", dosashopKey: "fake-dosa-6" } });
    expect(JSON.stringify([run.outputs, ...run.resources.map((r) => r.inputs)])).not.toMatch(/fake-(db|chroma|dosa)-\d/);
  });
});

describe("StackConfigError", () => {
  // The engine prints a RunError's message alone, without a stack trace: the class must be the SDK's own RunError,
  // though config/errors.ts takes it from the SDK's errors module rather than its index.
  it("is a pulumi.RunError, so pulumi preview and up print only its message", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const err = new StackConfigError('Invalid config for stack "dev":\n  - rayVersion: bad');
    expect([err instanceof pulumi.RunError, pulumi.RunError.isInstance(err), err.name]).toEqual([true, true, "StackConfigError"]);
  });
});

describe("quantities and tags as the dev stack's overrides give them", () => {
  const configOf = (override: string) => stackConfigFor(PROJECT_DIR, "dev", [override]);
  const refusal = (override: string) => {
    try {
      configOf(override);
    } catch (err) {
      return (err as Error).message.split("\n")[1];
    }
    throw new Error(`expected ${override} to be refused`);
  };

  it.each([
    ["ray.gpuWorker.resources.requests.memory=-4Gi", "ray.gpuWorker.resources.requests.memory", "-4Gi"],
    ["ray.gpuWorker.resources.limits.cpu=-1", "ray.gpuWorker.resources.limits.cpu", "-1"],
    ["ray.modelCache.size=-1Gi", "ray.modelCache.size", "-1Gi"],
  ])("refuses a negative quantity, which Kubernetes refuses: %s", (override, key, value) => {
    expect(refusal(override)).toBe(
      `  - ${key} = "${value}": expected a quantity of at least 0, such as "6", "500m" or "12Gi"; set it with \`pulumi config set --path ${key} <value>\``,
    );
  });

  it("takes a CPU limit and a date-shaped image tag that `pulumi config set --path` stores as numbers", () => {
    expect(configOf("api.resources.limits.cpu=1").api.resources.limits.cpu).toBe("1");
    expect(configOf("ray.gpuWorker.image.tag=20250101").ray.gpuWorker.image.tag).toBe("20250101");
  });
});
