import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import * as YAML from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT_INVALID_INPUT, EXIT_OK, EXIT_POLICY, EXIT_SCHEMA, offlinePlan, OfflinePlanOptions } from "../../plan/offlinePlan";
import { parseOverride, PlanInputError } from "../../plan/stackConfigFile";
import { formatSummary } from "../../plan/summary";
import { loadStackConfig } from "../../config/load";
import { POLICIES } from "../../policies/pack";
import { PolicyConfigError } from "../../policies/policyConfig";
import { loadIndex, SINGLE_STACK_DIR } from "../harness";

const FAKE_SECRET = "fake-token-for-tests-0000";
let outDir: string;

beforeEach(() => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-out-"));
});
afterEach(() => {
  fs.rmSync(outDir, { recursive: true, force: true });
});

/** A small program: a namespace, a Secret from a secret config key, and a RayService. */
function smallProgram(rayReplicas: unknown = 1) {
  return () => {
    const cfg = new pulumi.Config();
    const ns = new k8s.core.v1.Namespace("ray", { metadata: { name: "ray" } }, { protect: true });
    new k8s.core.v1.Secret("token", {
      metadata: { name: "token", namespace: ns.metadata.name },
      stringData: { token: cfg.requireSecret("fakeToken") },
    });
    new k8s.apiextensions.CustomResource("rayservice", {
      apiVersion: "ray.io/v1",
      kind: "RayService",
      metadata: { name: "rayservice", namespace: ns.metadata.name },
      spec: {
        rayClusterConfig: {
          headGroupSpec: {
            rayStartParams: {},
            template: { spec: { containers: [{ name: "ray-head", image: "rayproject/ray:2.52.0-py310" }] } },
          },
          workerGroupSpecs: [
            {
              groupName: "cpu",
              replicas: rayReplicas,
              minReplicas: 0,
              maxReplicas: 2,
              template: { spec: { containers: [{ name: "w", image: "x" }] } },
            },
          ],
        },
      },
    });
    return { token: cfg.requireSecret("fakeToken") };
  };
}

/** The single-stack dev: a stack that reads no other, so the small programs here run alone. */
function options(overrides: Partial<OfflinePlanOptions> = {}): OfflinePlanOptions {
  return {
    projectDir: SINGLE_STACK_DIR,
    stack: "dev",
    overrides: [parseOverride(`fakeToken=${FAKE_SECRET}`, true)],
    outDir,
    program: smallProgram(),
    policies: [],
    ...overrides,
  };
}

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = fs.readFileSync(full, "utf8");
    }
  };
  walk(dir);
  return out;
}

describe("offline plan output", () => {
  it("writes preview.json in the shape of pulumi preview --json, with secrets as [secret]", async () => {
    const result = await offlinePlan(options());
    expect(result.exitCode).toBe(EXIT_OK);
    const preview = JSON.parse(fs.readFileSync(path.join(outDir, "dev", "preview.json"), "utf8"));
    expect(Object.keys(preview)).toEqual(["config", "steps", "diagnostics", "changeSummary"]);
    expect(preview.changeSummary).toEqual({ create: 4 });
    expect(preview.config["face-ocr-platform:fakeToken"]).toBe("[secret]");
    const stack = "urn:pulumi:dev::face-ocr-platform::pulumi:pulumi:Stack::face-ocr-platform-dev";
    const secretStep = preview.steps.find((s: { urn: string }) => s.urn.endsWith("kubernetes:core/v1:Secret::token"));
    expect(secretStep).toEqual({
      op: "create",
      urn: "urn:pulumi:dev::face-ocr-platform::kubernetes:core/v1:Secret::token",
      newState: {
        urn: "urn:pulumi:dev::face-ocr-platform::kubernetes:core/v1:Secret::token",
        custom: true,
        type: "kubernetes:core/v1:Secret",
        parent: stack,
        dependencies: ["urn:pulumi:dev::face-ocr-platform::kubernetes:core/v1:Namespace::ray"],
        inputs: { apiVersion: "v1", kind: "Secret", metadata: { name: "token", namespace: "ray" }, stringData: "[secret]" },
      },
    });
    const nsStep = preview.steps.find((s: { urn: string }) => s.urn.endsWith("Namespace::ray"));
    expect(nsStep.newState.protect).toBe(true);
    const stackStep = preview.steps.find((s: { urn: string }) => s.urn === stack);
    expect(stackStep.newState.outputs).toEqual({ token: "[secret]" });
  });

  it("never writes a secret value anywhere under out/", async () => {
    await offlinePlan(options());
    const files = readTree(outDir);
    expect(Object.keys(files).length).toBeGreaterThan(1);
    for (const [file, content] of Object.entries(files)) expect(content, file).not.toContain(FAKE_SECRET);
  });

  it("writes each Kubernetes object as YAML under its namespace, cluster-scoped ones under _cluster", async () => {
    await offlinePlan(options());
    const manifests = readTree(path.join(outDir, "dev", "manifests"));
    expect(Object.keys(manifests)).toEqual(["_cluster/namespace-ray.yaml", "ray/rayservice-rayservice.yaml", "ray/secret-token.yaml"]);
    expect(YAML.parse(manifests["_cluster/namespace-ray.yaml"])).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "ray" },
    });
    expect(YAML.parse(manifests["ray/secret-token.yaml"]).stringData).toBe("[secret]");
  });

  it("writes the files of the generatedFiles stack output beside the plan", async () => {
    const withFiles = () => ({
      ...(smallProgram()() as object),
      generatedFiles: { "app-repos/x/azure-pipelines.yaml": "trigger: [main]\n" },
    });
    await offlinePlan(options({ program: withFiles }));
    expect(fs.readFileSync(path.join(outDir, "dev", "app-repos", "x", "azure-pipelines.yaml"), "utf8")).toBe("trigger: [main]\n");
  });

  it("refuses generated files that would leave out/<stack>/", async () => {
    const escaping = () => ({ generatedFiles: { "../../etc/x": "no" } });
    await expect(offlinePlan(options({ program: escaping }))).rejects.toThrow(
      'stack output generatedFiles: path "../../etc/x" must stay inside out/<stack>/ and not replace the plan\'s own files',
    );
  });

  it("is deterministic: two runs write byte-identical files", async () => {
    const program = await loadIndex();
    const second = fs.mkdtempSync(path.join(os.tmpdir(), "plan-out-"));
    try {
      await offlinePlan(options({ program, overrides: [] }));
      await offlinePlan(options({ program, overrides: [], outDir: second }));
      expect(readTree(second)).toEqual(readTree(outDir));
    } finally {
      fs.rmSync(second, { recursive: true, force: true });
    }
  });

  it("exits 3 and names resource, path and reason when a resource fails its schema", async () => {
    const result = await offlinePlan(options({ program: smallProgram("two") }));
    expect(result.exitCode).toBe(EXIT_SCHEMA);
    expect(fs.readdirSync(outDir)).toEqual([]);
    expect(result.kind === "planned" && result.preview.diagnostics).toEqual([
      {
        severity: "error",
        message:
          'schema: kubernetes:ray.io/v1:RayService "rayservice" at spec.rayClusterConfig.workerGroupSpecs[0].replicas: must be integer',
      },
    ]);
  });

  it("exits 1 on a mandatory policy violation and 0 when the same policy is advisory", async () => {
    const noNamespaceRay: ResourceValidationPolicy = {
      name: "no-namespace-named-ray",
      description: "test policy",
      validateResource: (args, report) => {
        if (args.type === "kubernetes:core/v1:Namespace" && args.props.metadata?.name === "ray") report("namespace ray is not allowed");
      },
    };
    const mandatory = await offlinePlan(options({ policies: [{ ...noNamespaceRay, enforcementLevel: "mandatory" }] }));
    expect(mandatory.exitCode).toBe(EXIT_POLICY);
    const advisory = await offlinePlan(options({ policies: [{ ...noNamespaceRay, enforcementLevel: "advisory" }] }));
    expect(advisory.exitCode).toBe(EXIT_OK);
    expect(advisory.kind === "planned" && advisory.policy.violations).toEqual([
      {
        policyName: "no-namespace-named-ray",
        enforcementLevel: "advisory",
        message: "namespace ray is not allowed",
        urn: "urn:pulumi:dev::face-ocr-platform::kubernetes:core/v1:Namespace::ray",
      },
    ]);
  });

  it("refuses a policy config that names a policy the pack does not have, before running anything", async () => {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-project-"));
    try {
      fs.copyFileSync(path.join(SINGLE_STACK_DIR, "Pulumi.dev.yaml"), path.join(projectDir, "Pulumi.dev.yaml"));
      fs.mkdirSync(path.join(projectDir, "policies", "config"), { recursive: true });
      const file = path.join(projectDir, "policies", "config", "dev.json");
      fs.writeFileSync(file, JSON.stringify({ "no-mutable-image": { environment: "dev" } }));
      let ran = false;
      const attempt = offlinePlan(options({ projectDir, program: () => (ran = true) }));
      await expect(attempt).rejects.toThrow(
        new PolicyConfigError(
          `policy config ${file}: "no-mutable-image" is not a policy of this pack; known: ${POLICIES.map((p) => p.name).join(", ")}`,
        ),
      );
      expect(ran).toBe(false);
      expect(fs.readdirSync(outDir)).toEqual([]);
    } finally {
      fs.rmSync(projectDir, { recursive: true, force: true });
    }
  });

  it("leaves out/ byte-identical after a refused run (exit 3 or 1)", async () => {
    await offlinePlan(options());
    const before = readTree(outDir);
    expect((await offlinePlan(options({ program: smallProgram("two") }))).exitCode).toBe(EXIT_SCHEMA);
    const refuseAll: ResourceValidationPolicy = {
      name: "refuse-all",
      description: "test policy",
      enforcementLevel: "mandatory",
      validateResource: (_, report) => report("no"),
    };
    expect((await offlinePlan(options({ policies: [refuseAll] }))).exitCode).toBe(EXIT_POLICY);
    expect(readTree(outDir)).toEqual(before);
  });

  it("refuses to replace a folder under --out that a plan did not write", async () => {
    const theirs = path.join(outDir, "dev");
    fs.mkdirSync(theirs);
    fs.writeFileSync(path.join(theirs, "keep.txt"), "not the plan's\n");
    await expect(offlinePlan(options())).rejects.toThrow(
      new PlanInputError(
        `refusing to replace ${theirs} (--out): it was not written by npm run plan (no .face-ocr-plan file in it); ` +
          "choose another --out, or move that folder away yourself",
      ),
    );
    expect(readTree(outDir)).toEqual({ "dev/keep.txt": "not the plan's\n" });
  });

  it("exits 3 naming both resources when two render the same Kubernetes object", async () => {
    const twice = () => {
      smallProgram()();
      new k8s.core.v1.Namespace("ray-again", { metadata: { name: "ray" } });
      new k8s.core.v1.Secret("token-again", { metadata: { name: "token", namespace: "ray" } });
      new k8s.core.v1.Secret("other-namespace", { metadata: { name: "token", namespace: "cyber" } });
      return {};
    };
    const result = await offlinePlan(options({ program: twice }));
    expect(result.exitCode).toBe(EXIT_SCHEMA);
    expect(result.kind === "planned" && result.schema.findings).toEqual([
      {
        type: "kubernetes:core/v1:Namespace",
        name: "ray-again",
        path: "metadata",
        reason:
          "duplicate object: Namespace ray is also rendered by urn:pulumi:dev::face-ocr-platform::kubernetes:core/v1:Namespace::ray; " +
          "two resources may not own one Kubernetes object, so give one of them another name or namespace in config",
      },
      {
        type: "kubernetes:core/v1:Secret",
        name: "token-again",
        path: "metadata",
        reason:
          "duplicate object: Secret ray/token is also rendered by urn:pulumi:dev::face-ocr-platform::kubernetes:core/v1:Secret::token; " +
          "two resources may not own one Kubernetes object, so give one of them another name or namespace in config",
      },
    ]);
    expect(fs.readdirSync(outDir)).toEqual([]);
  });

  it("reports an --out that cannot be written as a user error naming --out", async () => {
    const file = path.join(outDir, "a-file");
    fs.writeFileSync(file, "");
    await expect(offlinePlan(options({ outDir: file }))).rejects.toThrow(
      new PlanInputError(`cannot write the plan under ${path.join(file, "dev")} (--out): ENOTDIR at ${path.join(file, "dev")}`),
    );
  });

  it("exits 2 with the config message and writes nothing when config is invalid", async () => {
    const result = await offlinePlan(
      options({
        overrides: [parseOverride("rayVersion=latest", false)],
        program: () => {
          loadStackConfig();
          return smallProgram()();
        },
      }),
    );
    expect(result).toEqual({
      kind: "invalid-config",
      exitCode: EXIT_INVALID_INPUT,
      message:
        'Invalid config for stack "dev":\n  - rayVersion = "latest": expected an exact Ray version MAJOR.MINOR.PATCH, such as "2.52.0"; set it with `pulumi config set rayVersion <value>`',
    });
    expect(fs.readdirSync(outDir)).toEqual([]);
  });
});

describe("the plan summary", () => {
  it("names the cluster the stack applies to, from cluster.context", async () => {
    const result = await offlinePlan(
      options({ program: await loadIndex(), overrides: [parseOverride("cluster.context=aks-data-ai-uat", false)], policies: undefined }),
    );
    if (result.kind !== "planned") throw new Error(`expected a plan, got ${result.kind}`);
    expect(formatSummary(result).split("\n").slice(0, 2)).toEqual([
      'Offline plan of stack "dev" (project face-ocr-platform)',
      'Cluster: kubeconfig context "aks-data-ai-uat" (cluster.context)',
    ]);
  });
});
