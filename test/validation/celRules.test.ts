import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import { describe, expect, it } from "vitest";
import { celRuleFindings, celRulesFor, CelRule, evaluateCelRules } from "../../validation/celRules";
import { escapeCelFieldName, JsonSchema } from "../../validation/celValues";
import { crdSchema, hasCrd, validateCustomResource } from "../../validation/crdSchemas";
import { crdDir } from "../../validation/paths";
import { validateResources } from "../../validation/validateResources";
import { EXIT_SCHEMA, offlinePlan } from "../../plan/offlinePlan";
import { PROJECT_DIR, runStack } from "../harness";
import { parsedCrd } from "../sharedCrds";
import { gitRepository, helmRelease, imagePolicy, rayCluster, rayService, withSpec } from "./fixtures";

interface RuleInFile {
  readonly file: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly schemaPath: string;
  readonly rule: CelRule;
}

/**
 * Every `x-kubernetes-validations` entry of every served version in shared/crds, found by walking
 * the raw YAML (not the validator's schema), so a rule added upstream shows up here by itself.
 * Status is left out: it is not part of what the program creates.
 */
function rulesInCrdFiles(): RuleInFile[] {
  const found: RuleInFile[] = [];
  for (const file of fs.readdirSync(crdDir()).sort()) {
    const crd = parsedCrd(path.join(crdDir(), file));
    for (const version of crd.spec.versions as { name: string; served: boolean; schema: { openAPIV3Schema: JsonSchema } }[]) {
      if (!version.served) continue;
      const walk = (node: unknown, at: string): void => {
        if (!node || typeof node !== "object") return;
        for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
          if (key === "x-kubernetes-validations") {
            for (const rule of value as CelRule[]) {
              found.push({ file, group: crd.spec.group, version: version.name, kind: crd.spec.names.kind, schemaPath: at, rule });
            }
          } else if (key === "properties") {
            for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
              if (at === "" && name === "status") continue;
              walk(child, at === "" ? name : `${at}.${name}`);
            }
          } else if (key === "items") walk(value, `${at}[*]`);
          else if (key === "additionalProperties") walk(value, `${at}{*}`);
          else if (value && typeof value === "object") walk(value, `${at}<${key}>`);
        }
      };
      walk(version.schema.openAPIV3Schema, "");
    }
  }
  return found;
}

const RULES = rulesInCrdFiles();
const ruleKey = (r: { kind: string; schemaPath: string; rule: CelRule }) => `${r.kind} ${r.schemaPath}: ${r.rule.rule}`;

interface Violation {
  readonly object: { apiVersion: string; kind: string; spec: object };
  readonly path: string;
  readonly reason: string;
}

/** For each rule that runs on create, an object that breaks only that rule and what the API server says about it. */
const VIOLATIONS: Record<string, Violation[]> = {
  "HelmRelease spec: (has(self.chart) && !has(self.chartRef)) || (!has(self.chart) && has(self.chartRef))": [
    {
      object: withSpec(helmRelease(), { chartRef: { kind: "OCIRepository", name: "face-ocr-api" } }),
      path: "spec",
      reason: "Invalid value: either chart or chartRef must be set",
    },
    {
      object: withSpec(helmRelease(), { chart: undefined }),
      path: "spec",
      reason: "Invalid value: either chart or chartRef must be set",
    },
  ],
  "HelmRelease spec.install.strategy: !has(self.retryInterval) || self.name != 'RemediateOnFailure'": [
    {
      object: withSpec(helmRelease(), { install: { strategy: { name: "RemediateOnFailure", retryInterval: "5m" } } }),
      path: "spec.install.strategy",
      reason: "Invalid value: .retryInterval cannot be set when .name is 'RemediateOnFailure'",
    },
  ],
  "HelmRelease spec.kubeConfig: has(self.configMapRef) || has(self.secretRef)": [
    {
      object: withSpec(helmRelease(), { kubeConfig: {} }),
      path: "spec.kubeConfig",
      reason: "Invalid value: exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified",
    },
  ],
  "HelmRelease spec.kubeConfig: !has(self.configMapRef) || !has(self.secretRef)": [
    {
      object: withSpec(helmRelease(), { kubeConfig: { configMapRef: { name: "remote" }, secretRef: { name: "remote" } } }),
      path: "spec.kubeConfig",
      reason: "Invalid value: exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified",
    },
  ],
  "HelmRelease spec.upgrade.strategy: !has(self.retryInterval) || self.name == 'RetryOnFailure'": [
    {
      object: withSpec(helmRelease(), { upgrade: { strategy: { name: "RemediateOnFailure", retryInterval: "5m" } } }),
      path: "spec.upgrade.strategy",
      reason: "Invalid value: .retryInterval can only be set when .name is 'RetryOnFailure'",
    },
  ],
  "ImagePolicy spec: !has(self.interval) || (has(self.digestReflectionPolicy) && self.digestReflectionPolicy == 'Always')": [
    {
      object: withSpec(imagePolicy(), { interval: "5m" }),
      path: "spec",
      reason: "Invalid value: spec.interval is only accepted when spec.digestReflectionPolicy is set to 'Always'",
    },
  ],
  "ImagePolicy spec: has(self.interval) || !has(self.digestReflectionPolicy) || self.digestReflectionPolicy != 'Always'": [
    {
      object: withSpec(imagePolicy(), { digestReflectionPolicy: "Always" }),
      path: "spec",
      reason: "Invalid value: spec.interval must be set when spec.digestReflectionPolicy is set to 'Always'",
    },
  ],
  "GitRepository spec: !has(self.serviceAccountName) || (has(self.provider) && (self.provider == 'azure' || self.provider == 'aws'))": [
    {
      object: withSpec(gitRepository(), { serviceAccountName: "flux-git", provider: "generic" }),
      path: "spec",
      reason: "Invalid value: serviceAccountName can only be set when provider is 'azure' or 'aws'",
    },
  ],
  "RayCluster spec.managedBy: self in ['ray.io/kuberay-operator', 'kueue.x-k8s.io/multikueue']": [
    {
      object: withSpec(rayCluster(), { managedBy: "example.com/other-operator" }),
      path: "spec.managedBy",
      reason: `Invalid value: "example.com/other-operator": the managedBy field value must be either 'ray.io/kuberay-operator' or 'kueue.x-k8s.io/multikueue'`,
    },
  ],
  "RayService spec.managedBy: self in ['ray.io/kuberay-operator', 'kueue.x-k8s.io/multikueue']": [
    {
      object: withSpec(rayService(), { managedBy: "example.com/other-operator" }),
      path: "spec.managedBy",
      reason: `Invalid value: "example.com/other-operator": the managedBy field value must be either 'ray.io/kuberay-operator' or 'kueue.x-k8s.io/multikueue'`,
    },
  ],
  "RayService spec.rayClusterConfig.managedBy: self in ['ray.io/kuberay-operator', 'kueue.x-k8s.io/multikueue']": [
    {
      object: withSpec(rayService(), { rayClusterConfig: { ...rayService().spec.rayClusterConfig, managedBy: "kueue.x-k8s.io/other" } }),
      path: "spec.rayClusterConfig.managedBy",
      reason: `Invalid value: "kueue.x-k8s.io/other": the managedBy field value must be either 'ray.io/kuberay-operator' or 'kueue.x-k8s.io/multikueue'`,
    },
  ],
};

describe("the CEL rules of shared/crds", () => {
  it("are 16 rules in 11 x-kubernetes-validations lists, 5 of them transition rules", () => {
    expect(RULES).toHaveLength(16);
    expect(new Set(RULES.map((r) => `${r.file} ${r.version} ${r.schemaPath}`)).size).toBe(11);
    expect(RULES.filter((r) => r.rule.rule === "self == oldSelf").map((r) => `${r.kind} ${r.schemaPath}`)).toEqual([
      "RayCluster spec.gcsFaultToleranceOptions.backend",
      "RayCluster spec.managedBy",
      "RayService spec.managedBy",
      "RayService spec.rayClusterConfig.gcsFaultToleranceOptions.backend",
      "RayService spec.rayClusterConfig.managedBy",
    ]);
  });

  it("are each compiled from the served schema the plan validates against, at the same place", () => {
    const kinds = [...new Set(RULES.map((r) => `${r.group}|${r.version}|${r.kind}`))];
    const compiled = kinds.flatMap((k) => {
      const [group, version, kind] = k.split("|");
      return celRulesFor(crdSchema(group, version, kind) as JsonSchema).rules.map((c) => ({ kind, schemaPath: c.site.schemaPath, c }));
    });
    expect(compiled.map((c) => ruleKey({ kind: c.kind, schemaPath: c.schemaPath, rule: c.c.site.rule })).sort()).toEqual(
      RULES.map(ruleKey).sort(),
    );
    expect(compiled.filter((c) => c.c.kind === "unsupported")).toEqual([]);
    expect(compiled.filter((c) => c.c.kind === "transition")).toHaveLength(5);
    expect(compiled.filter((c) => c.c.kind === "evaluated")).toHaveLength(11);
  });

  it("compiles each schema's rules once: the same compiled rules for every object of a kind", () => {
    const schema = crdSchema("helm.toolkit.fluxcd.io", "v2", "HelmRelease") as JsonSchema;
    expect(crdSchema("helm.toolkit.fluxcd.io", "v2", "HelmRelease")).toBe(schema);
    expect(celRulesFor(schema)).toBe(celRulesFor(schema));
  });

  it("has a breaking object for every rule that runs on create", () => {
    const needed = RULES.filter((r) => !r.rule.rule.includes("oldSelf")).map(ruleKey);
    expect(Object.keys(VIOLATIONS).sort()).toEqual(needed.sort());
  });

  it("accepts the untouched objects the breaking ones start from", () => {
    for (const base of [helmRelease(), imagePolicy(), gitRepository(), rayCluster(), rayService()]) {
      expect(validateCustomResource(base)).toEqual({ known: true, errors: [] });
    }
  });

  it.each(RULES.filter((r) => !r.rule.rule.includes("oldSelf")).map((r) => [ruleKey(r), r] as const))(
    "refuses an object breaking %s with the rule's message at the rule's path",
    (key, r) => {
      const cases = VIOLATIONS[key] ?? [];
      expect(cases.length).toBeGreaterThan(0);
      for (const c of cases) {
        expect(c.reason.endsWith(`: ${r.rule.message}`)).toBe(true);
        expect(validateCustomResource(c.object)).toEqual({ known: true, errors: [{ path: c.path, reason: c.reason }] });
      }
    },
  );

  it("skips transition rules (oldSelf): an offline plan is a create, and the API server runs them only on update", () => {
    const rs = withSpec(rayService(), {
      managedBy: "ray.io/kuberay-operator",
      rayClusterConfig: { ...rayService().spec.rayClusterConfig, gcsFaultToleranceOptions: { redisAddress: "redis:6379" } },
    });
    expect(validateCustomResource(rs)).toEqual({ known: true, errors: [] });
    expect(evaluateCelRules(crdSchema("ray.io", "v1", "RayService") as JsonSchema, rs)).toEqual([
      { path: "spec.managedBy", rule: "self == oldSelf", outcome: "skipped" },
      { path: "spec.managedBy", rule: "self in ['ray.io/kuberay-operator', 'kueue.x-k8s.io/multikueue']", outcome: "passed" },
    ]);
  });

  it("runs no rule when the object has a blocking schema error, as the API server does", () => {
    const hr = withSpec(helmRelease(), { chartRef: { kind: "OCIRepository", name: "face-ocr-api" }, interval: 60 });
    expect(validateCustomResource(hr).errors).toEqual([{ path: "spec.interval", reason: "must be string" }]);
  });

  it("still runs the rules next to an unknown field, which the API server prunes", () => {
    const hr = withSpec(helmRelease(), { chartRef: { kind: "OCIRepository", name: "face-ocr-api" }, intervall: "1m" });
    expect(validateCustomResource(hr).errors).toEqual([
      { path: "spec.intervall", reason: "unknown field (not in the schema)" },
      { path: "spec", reason: "Invalid value: either chart or chartRef must be set" },
    ]);
  });
});

describe("Kubernetes CEL semantics", () => {
  const schema = (spec: JsonSchema): JsonSchema => ({
    type: "object",
    properties: { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, spec },
  });
  const object = (spec: unknown, metadata: Record<string, unknown> = { name: "face-ocr" }) => ({
    apiVersion: "example.com/v1",
    kind: "Widget",
    metadata,
    spec,
  });
  const rules = (...r: CelRule[]) => ({ "x-kubernetes-validations": r });
  const findings = (s: JsonSchema, o: unknown) => celRuleFindings(s, o, []);

  it("applies a rule under items to each element and under additionalProperties to each value, naming the element", () => {
    const element = {
      type: "object",
      properties: { port: { type: "integer" } },
      ...rules({ rule: "self.port > 1024", message: "use an unprivileged port" }),
    };
    const s = schema({
      type: "object",
      properties: { list: { type: "array", items: element }, byName: { type: "object", additionalProperties: element } },
    });
    expect(findings(s, object({ list: [{ port: 8000 }, { port: 80 }], byName: { a: { port: 9000 }, b: { port: 443 } } }))).toEqual([
      { path: "spec.list[1]", reason: "Invalid value: use an unprivileged port" },
      { path: "spec.byName[b]", reason: "Invalid value: use an unprivileged port" },
    ]);
  });

  it("runs a rule only where its node is present and not null", () => {
    const s = schema({ type: "object", properties: { opt: { type: "string", nullable: true, ...rules({ rule: "self == 'on'" }) } } });
    expect(evaluateCelRules(s, object({}))).toEqual([]);
    expect(evaluateCelRules(s, object({ opt: null }))).toEqual([]);
    expect(findings(s, object({ opt: "off" }))).toEqual([{ path: "spec.opt", reason: `Invalid value: "off": failed rule: self == 'on'` }]);
  });

  it("types integers as CEL int and int-or-string by its value", () => {
    const s = schema({
      type: "object",
      properties: { replicas: { type: "integer" }, port: { "x-kubernetes-int-or-string": true }, ratio: { type: "number" } },
      ...rules(
        { rule: "type(self.replicas) == int && self.replicas / 2 == 1" },
        { rule: "type(self.port) == string", message: "port must be named" },
        { rule: "type(self.ratio) == double" },
      ),
    });
    expect(findings(s, object({ replicas: 3, port: "http", ratio: 1 }))).toEqual([]);
    expect(findings(s, object({ replicas: 3, port: 8000, ratio: 1 }))).toEqual([
      { path: "spec", reason: "Invalid value: port must be named" },
    ]);
  });

  it("reaches declared fields under their escaped names", () => {
    expect(["namespace", "foo-bar", "a.b", "x/y", "a__b", "ok_name", "9lives", "sp ace"].map(escapeCelFieldName)).toEqual([
      "__namespace__",
      "foo__dash__bar",
      "a__dot__b",
      "x__slash__y",
      "a__underscores__b",
      "ok_name",
      undefined,
      undefined,
    ]);
    const s = schema({
      type: "object",
      properties: { namespace: { type: "string" }, "max-surge": { type: "integer" } },
      ...rules({ rule: "self.__namespace__ == 'cyber' && self.max__dash__surge == 1" }),
    });
    expect(findings(s, object({ namespace: "cyber", "max-surge": 1 }))).toEqual([]);
  });

  it("shows a root rule only apiVersion, kind, metadata.name and metadata.generateName of the header", () => {
    const s: JsonSchema = {
      ...schema({ type: "object" }),
      ...rules({ rule: "self.metadata.name.startsWith('face-') && !has(self.metadata.labels) && self.kind == 'Widget'" }),
    };
    expect(findings(s, object({}, { name: "face-ocr", labels: { app: "x" } }))).toEqual([]);
    expect(findings(s, object({}, { name: "other" }))).toEqual([
      {
        path: "",
        reason: "Invalid value: failed rule: self.metadata.name.startsWith('face-') && !has(self.metadata.labels) && self.kind == 'Widget'",
      },
    ]);
  });

  it("sees the CRD's defaults, and runs a rule on a node that only a default creates", () => {
    const s = schema({
      type: "object",
      properties: {
        mode: { type: "string", default: "Auto" },
        strategy: {
          type: "object",
          default: { name: "Fixed" },
          properties: { name: { type: "string" } },
          ...rules({ rule: "self.name == 'Rolling'" }),
        },
      },
      ...rules({ rule: "self.mode == 'Auto' || has(self.replicas)", message: "replicas are required unless mode is Auto" }),
    });
    expect(findings(s, object({}))).toEqual([{ path: "spec.strategy", reason: "Invalid value: failed rule: self.name == 'Rolling'" }]);
    expect(findings(s, object({ mode: "Manual", strategy: { name: "Rolling" } }))).toEqual([
      { path: "spec", reason: "Invalid value: replicas are required unless mode is Auto" },
    ]);
  });

  it("takes the message from messageExpression, and falls back to message when it fails", () => {
    const s = schema({
      type: "object",
      properties: { replicas: { type: "integer" }, max: { type: "integer" } },
      ...rules(
        { rule: "self.replicas <= 3", messageExpression: "'replicas ' + string(self.replicas) + ' is above 3'" },
        { rule: "self.replicas <= 4", messageExpression: "'at most ' + string(self.max)", message: "replicas are above 4" },
      ),
    });
    expect(findings(s, object({ replicas: 5 }))).toEqual([
      { path: "spec", reason: "Invalid value: replicas 5 is above 3" },
      { path: "spec", reason: "Invalid value: replicas are above 4" },
    ]);
  });

  it("reports at fieldPath with the rule's reason", () => {
    const s = schema({
      type: "object",
      properties: { replicas: { type: "integer" }, paused: { type: "boolean" } },
      ...rules({
        rule: "!self.paused || self.replicas == 0",
        message: "a paused group has no replicas",
        fieldPath: ".replicas",
        reason: "FieldValueForbidden",
      }),
    });
    expect(findings(s, object({ replicas: 2, paused: true }))).toEqual([
      { path: "spec.replicas", reason: "Forbidden: a paused group has no replicas" },
    ]);
  });

  it("reports a rule that fails to evaluate with the error, like the API server", () => {
    const s = schema({
      type: "object",
      properties: { name: { type: "string" } },
      ...rules({ rule: "self.name == 'x'", message: "name must be x" }),
    });
    expect(findings(s, object({}))).toEqual([
      { path: "spec", reason: `Invalid value: "object": field not found: name evaluating rule: name must be x` },
    ]);
  });

  it("refuses, never passes, a rule that calls a Kubernetes CEL library function this evaluator lacks", () => {
    const s = schema({
      type: "object",
      properties: {
        url: { type: "string", ...rules({ rule: "isURL(self)", message: "url must be a URL" }) },
        memory: { type: "string", ...rules({ rule: "quantity(self).isLessThan(quantity('1Gi'))" }) },
        host: { type: "string", ...rules({ rule: "format.dns1123Subdomain().validate(self).hasValue() == false" }) },
      },
    });
    expect(celRulesFor(s).rules.map((r) => (r.kind === "unsupported" ? r.reason : r.kind))).toEqual([
      "rule calls isURL, a Kubernetes CEL function the offline evaluator does not implement",
      "rule calls isLessThan, quantity, a Kubernetes CEL function the offline evaluator does not implement",
      "rule calls format.dns1123Subdomain, hasValue, validate, a Kubernetes CEL function the offline evaluator does not implement",
    ]);
    expect(evaluateCelRules(s, object({}))).toEqual([]);
    expect(findings(s, object({ url: "https://example.com", memory: "512Mi", host: "face-ocr" }))).toEqual([
      {
        path: "spec.url",
        reason:
          'Invalid value: "string": cannot be evaluated offline (rule calls isURL, a Kubernetes CEL function the offline evaluator does not implement): url must be a URL',
      },
      {
        path: "spec.memory",
        reason:
          'Invalid value: "string": cannot be evaluated offline (rule calls isLessThan, quantity, a Kubernetes CEL function the offline evaluator does not implement): ' +
          "quantity(self).isLessThan(quantity('1Gi'))",
      },
      {
        path: "spec.host",
        reason:
          'Invalid value: "string": cannot be evaluated offline (rule calls format.dns1123Subdomain, hasValue, validate, a Kubernetes CEL function the offline evaluator does not implement): ' +
          "format.dns1123Subdomain().validate(self).hasValue() == false",
      },
    ]);
  });

  it("evaluates the strings extension Kubernetes includes", () => {
    const s = schema({
      type: "object",
      properties: { name: { type: "string" } },
      ...rules({ rule: "self.name.lowerAscii() == self.name" }),
    });
    expect(findings(s, object({ name: "face-ocr" }))).toEqual([]);
    expect(findings(s, object({ name: "Face-OCR" }))).toEqual([
      { path: "spec", reason: "Invalid value: failed rule: self.name.lowerAscii() == self.name" },
    ]);
  });
});

describe("CEL rules in the offline plan", () => {
  it("refuses a HelmRelease with both chart and chartRef with the CRD's message (exit 3)", async () => {
    const result = await offlinePlan({
      projectDir: PROJECT_DIR,
      stack: "dev",
      overrides: [],
      policies: [],
      program: () => {
        new k8s.apiextensions.CustomResource(
          "face-ocr-api",
          withSpec(helmRelease(), { chartRef: { kind: "OCIRepository", name: "face-ocr-api" } }),
        );
        return {};
      },
    });
    expect(result.kind).toBe("planned");
    if (result.kind !== "planned") return;
    expect(result.exitCode).toBe(EXIT_SCHEMA);
    expect(result.schema.findings).toEqual([
      {
        type: "kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease",
        name: "face-ocr-api",
        path: "spec",
        reason: "Invalid value: either chart or chartRef must be set",
      },
    ]);
  });

  it("passes the dev stack's custom resources, after running every rule that applies to them", async () => {
    const run = await runStack();
    const outcomes = run.resources.flatMap((r) => {
      const match = /^kubernetes:([^:/]+)\/([^:]+):(\w+)$/.exec(r.type);
      if (!match || !hasCrd(match[1], match[3])) return [];
      const schema = crdSchema(match[1], match[2], match[3]);
      return schema ? evaluateCelRules(schema, r.plainInputs).map((o) => `${r.type} ${r.name} ${o.path}: ${o.outcome} ${o.rule}`) : [];
    });
    expect(outcomes).toEqual([
      "kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy api-image-policy spec: passed !has(self.interval) || (has(self.digestReflectionPolicy) && self.digestReflectionPolicy == 'Always')",
      "kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy api-image-policy spec: passed has(self.interval) || !has(self.digestReflectionPolicy) || self.digestReflectionPolicy != 'Always'",
      "kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease api-helm-release spec: passed (has(self.chart) && !has(self.chartRef)) || (!has(self.chart) && has(self.chartRef))",
    ]);
    expect(validateResources(run.resources).findings).toEqual([]);
  });
});
