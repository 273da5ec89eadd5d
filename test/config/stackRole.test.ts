// What a stack's role decides before and inside the schema: the keys it refuses (config/stackRole.ts), the defaults
// it fills in, and what each role needs (a cluster, Serve applications, a worker image, its kind of registry, secrets).
import { describe, expect, it } from "vitest";
import { REMOVE_KEY } from "../../config/issues";
import { parseStackConfig, stackConfigFromStrings } from "../../config/parse";
import { requiredSecretKeyNames, SECRET_CONFIG_KEYS } from "../../config/secrets";
import { EMPTY_SERVE_MESSAGE, MISSING_WORKER_IMAGE_MESSAGE } from "../../config/sections/ray";
import { aStack, DEFAULT_SHARED_STACK, roleKeyProblems, roleOf, withRoleDefaults } from "../../config/stackRole";
import { EXAMPLE_CLUSTER, MINIMAL_SERVE_APP } from "../harness";

const SERVE = { serve: { applications: [{ ...MINIMAL_SERVE_APP }] } };

describe("roleOf", () => {
  it("reads the role, and takes anything but a known one as standalone (the schema reports a bad value)", () => {
    expect([{ role: "shared" }, { role: "environment" }, { role: "standalone" }, {}, { role: "prod" }, { role: 1 }].map(roleOf)).toEqual([
      "shared",
      "environment",
      "standalone",
      "standalone",
      "standalone",
      "standalone",
    ]);
  });

  it("names a stack of each role with its article", () => {
    expect((["shared", "environment", "standalone"] as const).map(aStack)).toEqual([
      "a shared stack",
      "an environment stack",
      "a standalone stack",
    ]);
  });
});

describe("roleKeyProblems", () => {
  it("is empty for a config that fits its role", () => {
    expect(
      roleKeyProblems({
        role: "shared",
        registry: { name: "cybersmartstg" },
        ray: { gpuWorker: { heavyDependencies: { mode: "baseImage" } } },
      }),
    ).toEqual([]);
    expect(roleKeyProblems({ role: "environment", cluster: { ...EXAMPLE_CLUSTER }, sharedStack: "shared" })).toEqual([]);
  });

  it("reports each refused key at its path with its value, asking for its removal", () => {
    expect(roleKeyProblems({ role: "shared", cluster: { context: "x" }, registry: { kubeletAcrPull: false } })).toEqual([
      {
        path: ["cluster"],
        input: { context: "x" },
        message:
          "expected no value in a shared stack: the shared stack applies nothing to a cluster; it describes a cluster's objects, which the environment stacks (dev, uat, prod) own",
        params: REMOVE_KEY,
      },
      {
        path: ["registry", "kubeletAcrPull"],
        input: false,
        message:
          "expected no value in a shared stack: each environment stack grants its own cluster's kubelet identity AcrPull on the shared registry",
        params: REMOVE_KEY,
      },
    ]);
  });

  it("walks the shared stack's ray down to the one key it reads, refusing its siblings at every level", () => {
    const problems = roleKeyProblems({
      role: "shared",
      ray: { namespace: "ray", gpuWorker: { gpus: 2, heavyDependencies: { mode: "baseImage", pins: { easyocr: "1.7.2" } } } },
    });
    expect(problems.map((p) => [p.path.join("."), p.input])).toEqual([
      ["ray.namespace", "ray"],
      ["ray.gpuWorker.gpus", 2],
    ]);
  });

  it("refuses a shared stack's gpuWorker that is not an object as a whole", () => {
    expect(roleKeyProblems({ role: "shared", ray: { gpuWorker: "big" } }).map((p) => [p.path.join("."), p.input])).toEqual([
      ["ray.gpuWorker", "big"],
    ]);
  });
});

describe("withRoleDefaults", () => {
  it("gives an environment stack the shared stack's registry, no pipelines, and the shared stack's name", () => {
    expect(withRoleDefaults({ role: "environment" })).toEqual({
      role: "environment",
      registry: { mode: "shared-stack" },
      pipelines: { enabled: false },
      sharedStack: DEFAULT_SHARED_STACK,
    });
    expect(DEFAULT_SHARED_STACK).toBe("shared");
  });

  it("keeps an environment stack's own registry mode and shared stack name", () => {
    const raw = {
      role: "environment",
      registry: { mode: "reference", loginServer: "x.azurecr.io" },
      sharedStack: "acme/face-ocr-platform/shared",
    };
    expect(withRoleDefaults(raw)).toEqual({ ...raw, pipelines: { enabled: false } });
  });

  it("grants no kubelet AcrPull in the shared stack unless its file says so (which the role then refuses)", () => {
    expect(withRoleDefaults({ role: "shared", registry: { name: "cybersmartstg" } })).toEqual({
      role: "shared",
      registry: { name: "cybersmartstg", kubeletAcrPull: false, mode: "manage" },
    });
    expect(withRoleDefaults({ role: "shared", registry: { kubeletAcrPull: true } }).registry).toEqual({
      kubeletAcrPull: true,
      mode: "manage",
    });
  });

  it("changes nothing in a standalone stack, and leaves a registry that is not an object to the schema", () => {
    expect(withRoleDefaults({ rayVersion: "2.52.0" })).toEqual({ rayVersion: "2.52.0" });
    expect(withRoleDefaults({ role: "environment", registry: "cybersmartstg" }).registry).toBe("cybersmartstg");
  });
});

describe("what each role needs (parseStackConfig)", () => {
  it("refuses an unknown role, listing the roles", () => {
    expect(
      parseStackConfig({
        role: "prod",
        cluster: { ...EXAMPLE_CLUSTER },
        registry: { resourceGroupName: "rg-example" },
        ray: { ...SERVE, gpuWorker: { image: { tag: "dev" } } },
      }),
    ).toEqual({
      ok: false,
      problems: ['role = "prod": expected standalone, shared, environment; set it with `pulumi config set role <value>`'],
    });
  });

  it("asks an environment or standalone stack for its cluster, its Serve applications and its worker image; the shared stack for none", () => {
    const missing = [
      'cluster.context is missing: CLUSTER applies to one cluster: expected its kubeconfig context, such as "aks-data-ai-dev"; set it with `pulumi config set --path cluster.context <value>`',
      `ray.serve.applications = []: ${EMPTY_SERVE_MESSAGE.charAt(0).toLowerCase()}${EMPTY_SERVE_MESSAGE.slice(1)}; set it with \`pulumi config set --path ray.serve.applications <value>\``,
      `ray.gpuWorker.image.digest is missing: ${MISSING_WORKER_IMAGE_MESSAGE}; set it with \`pulumi config set --path ray.gpuWorker.image.digest <value>\``,
    ];
    expect(parseStackConfig({ role: "environment" })).toEqual({
      ok: false,
      problems: missing.map((p) => p.replace("CLUSTER", "an environment stack")),
    });
    expect(parseStackConfig({ registry: { resourceGroupName: "rg-example" } })).toEqual({
      ok: false,
      problems: missing.map((p) => p.replace("CLUSTER", "a standalone stack")),
    });
    expect(parseStackConfig({ role: "shared", registry: { resourceGroupName: "rg-example" } }).ok).toBe(true);
  });

  it("allows each role its kinds of registry only", () => {
    const environment = { role: "environment", cluster: { ...EXAMPLE_CLUSTER }, ray: { ...SERVE, gpuWorker: { image: { tag: "dev" } } } };
    expect(parseStackConfig({ ...environment, registry: { mode: "manage", resourceGroupName: "rg-example" } })).toEqual({
      ok: false,
      problems: [
        'registry.mode = "manage": expected shared-stack or reference in an environment stack (the shared stack manages the registry); set it with `pulumi config set --path registry.mode <value>`',
        // The role's own mode stands in for the refused one, so the registry's settings are refused as the shared stack's.
        'registry.resourceGroupName = "rg-example": expected no value: the registry comes from the shared stack (registry.mode shared-stack), so its settings are set in Pulumi.shared.yaml; remove it with `pulumi config rm --path registry.resourceGroupName`',
      ],
    });
    expect(parseStackConfig({ role: "shared", registry: { mode: "reference", loginServer: "cybersmartstg.azurecr.io" } })).toEqual({
      ok: false,
      problems: [
        'registry.mode = "reference": expected manage in a shared stack; set it with `pulumi config set --path registry.mode <value>`',
        // The shared stack manages the registry whatever the file says, so what managing needs is asked for too.
        'registry.loginServer = "cybersmartstg.azurecr.io": expected no value: registry.mode is manage, so the login server is derived from registry.name; remove it with `pulumi config rm --path registry.loginServer`',
        "registry.resourceGroupName is missing: expected the name of the existing resource group that holds the registry (`az acr show -n <name> --query resourceGroup -o tsv`); set it with `pulumi config set --path registry.resourceGroupName <value>`",
      ],
    });
    expect(
      parseStackConfig({ ...environment, registry: { mode: "reference", loginServer: "cybersmartstg.azurecr.io", kubeletAcrPull: false } })
        .ok,
    ).toBe(true);
  });

  it("refuses a shared-stack name that is not a stack name", () => {
    const environment = { role: "environment", cluster: { ...EXAMPLE_CLUSTER }, ray: { ...SERVE, gpuWorker: { image: { tag: "dev" } } } };
    expect(parseStackConfig({ ...environment, sharedStack: "a/b/c/d" })).toEqual({
      ok: false,
      problems: [
        'sharedStack = "a/b/c/d": expected a stack name such as "shared" or "<organization>/face-ocr-platform/shared"; set it with `pulumi config set sharedStack <value>`',
      ],
    });
  });
});

describe("secrets by role", () => {
  const PROJECT = "face-ocr-platform";
  const sharedConfig = { [`${PROJECT}:role`]: "shared", [`${PROJECT}:registry`]: JSON.stringify({ resourceGroupName: "rg-example" }) };

  it("requires none in the shared stack, every required one elsewhere", () => {
    expect(requiredSecretKeyNames("shared")).toEqual([]);
    expect(requiredSecretKeyNames("environment")).toEqual(requiredSecretKeyNames("standalone"));
    expect(requiredSecretKeyNames("environment")).toEqual(["databasePassword", "chromaToken", "dosashopKey"]);
    expect(stackConfigFromStrings(sharedConfig, PROJECT, [], "shared").ok).toBe(true);
  });

  it("refuses one set in the shared stack without echoing it, saying where it belongs", () => {
    const config = { ...sharedConfig, [`${PROJECT}:chromaToken`]: "fake-token-for-tests" };
    const result = stackConfigFromStrings(config, PROJECT, [`${PROJECT}:chromaToken`], "shared");
    const { description } = SECRET_CONFIG_KEYS.find((k) => k.key === "chromaToken") as { description: string };
    expect(result.ok ? [] : result.problems).toEqual([
      `chromaToken is set, but a shared stack has no cluster, and chromaToken belongs to a cluster's objects (${description}); ` +
        "remove it with `pulumi config rm chromaToken --stack shared`, and set it in the environment stacks",
    ]);
    expect(JSON.stringify(result)).not.toContain("fake-token-for-tests");
  });
});
