/**
 * Contract test for the local `@pulumi/azuredevops` SDK (sdks/azuredevops) against the
 * provider schema extract: type tokens, input names and optionality, nested types,
 * function tokens/arguments and secret handling.
 *
 * Resources are constructed under Pulumi mocks with every schema input populated, so the
 * checks are on what the SDK actually sends to the engine, not on its source text. The
 * TypeScript compiler API is used only for what has no runtime trace (interface members
 * and their `?`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { azureDevOpsChecksSchemaPath, azureDevOpsSchemaPaths } from "../../validation/paths";
import { mergeSchemaExtracts, readSchemaExtracts, SchemaExtract } from "../../validation/providerSchemaExtracts";

type SdkModule = typeof import("../../sdks/azuredevops");

interface SchemaProperty {
  type?: string;
  $ref?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
  secret?: boolean;
  willReplaceOnChanges?: boolean;
}
interface SchemaObject {
  properties?: Record<string, SchemaProperty>;
  required?: string[];
  language?: { nodejs?: { requiredOutputs?: string[] } };
}
interface SchemaResource {
  properties: Record<string, SchemaProperty>;
  required?: string[];
  inputProperties: Record<string, SchemaProperty>;
  requiredInputs?: string[];
  stateInputs?: SchemaObject;
  aliases?: { type?: string }[];
}
interface SchemaFunction {
  inputs?: SchemaObject;
  outputs: SchemaObject;
}
interface Schema extends SchemaExtract {
  resources: Record<string, SchemaResource>;
  functions: Record<string, SchemaFunction>;
  types: Record<string, SchemaObject>;
}

const SDK_DIR = path.resolve(__dirname, "../../sdks/azuredevops");

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, "utf8")) as T;
}

// The shared extracts (the main one and the pipeline checks) are the SDK's contract.
const schema = mergeSchemaExtracts<Schema>(readSchemaExtracts(azureDevOpsSchemaPaths()));
const sdkPackage = readJson<{
  name: string;
  version: string;
  pulumi: { name: string; version: string };
}>(path.join(SDK_DIR, "package.json"));

const tokenName = (token: string): string => token.slice(token.lastIndexOf(":") + 1);
const tokenFile = (token: string): string => {
  const mod = token.split(":")[1];
  return mod.slice(mod.lastIndexOf("/") + 1);
};
const sortedKeys = (o: object | undefined): string[] => Object.keys(o ?? {}).sort();

type ResourceCtor = new (name: string, args: unknown, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** A value for every property of the schema type, recursing into object types. */
function sample(p: SchemaProperty, name: string): unknown {
  if (p.$ref) {
    const t = schema.types[p.$ref.replace("#/types/", "")];
    if (!t) {
      throw new Error(`dangling $ref ${p.$ref}`);
    }
    return fullObject(t.properties, name);
  }
  switch (p.type) {
    case "string":
      return `${name}-value`;
    case "integer":
    case "number":
      return 7;
    case "boolean":
      return true;
    case "array":
      return [sample(p.items!, name)];
    case "object":
      return {
        key: sample(p.additionalProperties ?? { type: "string" }, name),
      };
    default:
      throw new Error(`unexpected schema type for ${name}: ${JSON.stringify(p)}`);
  }
}

function fullObject(props: Record<string, SchemaProperty> | undefined, prefix = ""): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props ?? {}).map(([k, p]) => [k, sample(p, prefix ? `${prefix}.${k}` : k)]));
}

/** The mock monitor hands secret inputs over as `{ [specialSigKey]: specialSecretSig, value }`. */
function isWireSecret(v: unknown): boolean {
  return (
    typeof v === "object" && v !== null && (v as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
  );
}

function unwrapWireSecrets(inputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, isWireSecret(v) ? (v as { value: unknown }).value : v]));
}

async function isSecretValue(v: unknown): Promise<boolean> {
  return pulumi.Output.isInstance(v) ? pulumi.isSecret(v) : false;
}

function resolve<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((res) => o.apply((v) => res(v)));
}

// ---- Pulumi mocks: record what the SDK sends to the engine -------------------------------

const registered = new Map<string, pulumi.runtime.MockResourceArgs>();
const invoked: pulumi.runtime.MockCallArgs[] = [];
const functionResults = new Map(Object.entries(schema.functions).map(([token, f]) => [token, fullObject(f.outputs.properties)]));

let sdk: SdkModule;

function resourceCtor(name: string): ResourceCtor {
  return (sdk as unknown as Record<string, ResourceCtor>)[name];
}

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        registered.set(a.name, a);
        return { id: a.name + "-id", state: a.inputs };
      },
      call: (a) => {
        const result = functionResults.get(a.token);
        if (!result) {
          throw new Error("unmocked " + a.token);
        }
        invoked.push(a);
        return result;
      },
    },
    "project",
    "stack",
    true,
  );
  sdk = await import("../../sdks/azuredevops");
});

// ---- Helpers on the SDK's source (interface members have no runtime trace) -------------------

interface Member {
  optional: boolean;
}

const parsed = new Map<string, ts.SourceFile>();
function parse(file: string): ts.SourceFile {
  let source = parsed.get(file);
  if (!source) {
    source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    parsed.set(file, source);
  }
  return source;
}

function interfaceMembers(file: string, iface: string): Map<string, Member> {
  const source = parse(file);
  let found: ts.InterfaceDeclaration | undefined;
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === iface) {
      found = node;
    }
  });
  if (!found) {
    throw new Error(`interface ${iface} not found in ${file}`);
  }
  const members = new Map<string, Member>();
  for (const m of found.members) {
    if (ts.isPropertySignature(m) && ts.isIdentifier(m.name)) {
      members.set(m.name.text, { optional: m.questionToken !== undefined });
    }
  }
  return members;
}

function classOutputFields(file: string, cls: string): string[] {
  const source = parse(file);
  const names: string[] = [];
  source.forEachChild((node) => {
    if (ts.isClassDeclaration(node) && node.name?.text === cls) {
      for (const m of node.members) {
        if (!ts.isPropertyDeclaration(m) || !ts.isIdentifier(m.name)) {
          continue;
        }
        const isStatic = ts.getModifiers(m)?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
        if (!isStatic) {
          names.push(m.name.text);
        }
      }
    }
  });
  return names.sort();
}

function expectMembers(members: Map<string, Member>, props: Record<string, SchemaProperty> | undefined, required: string[]) {
  expect([...members.keys()].sort()).toEqual(sortedKeys(props));
  const optional = [...members].filter(([, m]) => m.optional).map(([n]) => n);
  expect(optional.sort()).toEqual(sortedKeys(props).filter((n) => !required.includes(n)));
}

// ---- Tests ----------------------------------------------------------------------------------

describe("@pulumi/azuredevops local SDK", () => {
  it("targets the provider plugin declared in package.json", () => {
    expect(sdkPackage.name).toBe("@pulumi/azuredevops");
    expect(sdkPackage.pulumi).toEqual({
      resource: true,
      name: "azuredevops",
      version: sdkPackage.version,
    });
  });

  it("reads the pipeline checks' supplement as part of its contract", () => {
    const checks = readJson<{ resources: Record<string, unknown> }>(azureDevOpsChecksSchemaPath());
    expect(Object.keys(checks.resources).sort()).toEqual([
      "azuredevops:index/checkApproval:CheckApproval",
      "azuredevops:index/checkBranchControl:CheckBranchControl",
      "azuredevops:index/checkExclusiveLock:CheckExclusiveLock",
    ]);
    // Each token of the supplement is registered by the SDK class of that name.
    const registered = [sdk.CheckApproval, sdk.CheckBranchControl, sdk.CheckExclusiveLock].map(
      (c) => (c as unknown as { __pulumiType: string }).__pulumiType,
    );
    expect(registered).toEqual(Object.keys(checks.resources).sort());
  });

  it("exports exactly the schema's resources and functions", () => {
    const exported = Object.entries(sdk).filter(([, v]) => typeof v === "function");
    const resources = exported.filter(([, v]) => (v as { prototype?: unknown }).prototype instanceof pulumi.CustomResource);
    expect(resources.map(([n]) => n).sort()).toEqual(Object.keys(schema.resources).map(tokenName).sort());
    const functions = exported.filter(([, v]) => !((v as { prototype?: unknown }).prototype instanceof pulumi.Resource));
    expect(functions.map(([n]) => n).sort()).toEqual(
      Object.keys(schema.functions)
        .flatMap((t) => [tokenName(t), tokenName(t) + "Output"])
        .sort(),
    );
    expect(Object.keys(sdk.types).sort()).toEqual(["input", "output"]);
  });

  describe.each(Object.entries(schema.resources))("resource %s", (token, res) => {
    const name = tokenName(token);
    const file = path.join(SDK_DIR, `${tokenFile(token)}.ts`);
    const required = res.requiredInputs ?? [];

    it("registers with the schema token and forwards every schema input", async () => {
      const Ctor = resourceCtor(name);
      expect((Ctor as unknown as { __pulumiType: string }).__pulumiType).toBe(token);

      const args = fullObject(res.inputProperties);
      let seenProps: Record<string, unknown> = {};
      let seenOpts: pulumi.CustomResourceOptions = {};
      const resource = new Ctor(`full-${name}`, args, {
        transformations: [
          ({ props, opts }) => {
            seenProps = props;
            seenOpts = opts;
            return undefined;
          },
        ],
      });
      await resolve(resource.urn);
      const sent = registered.get(`full-${name}`)!;

      expect(sent.type).toBe(token);
      expect(sortedKeys(sent.inputs)).toEqual(sortedKeys(res.inputProperties));
      expect(unwrapWireSecrets(sent.inputs)).toEqual(args);

      // Secret inputs leave the SDK wrapped in pulumi.secret, reach the engine as secrets,
      // come back as secret outputs, and are flagged via additionalSecretOutputs.
      const isSecretInput = (k: string): boolean => res.inputProperties[k].secret === true;
      for (const k of Object.keys(res.inputProperties)) {
        expect(await isSecretValue(seenProps[k]), `${k} wrapped in pulumi.secret`).toBe(isSecretInput(k));
        expect(isWireSecret(sent.inputs[k]), `${k} sent as secret`).toBe(isSecretInput(k));
      }
      const outputs = resource as unknown as Record<string, pulumi.Output<unknown>>;
      // Every schema output is an Output on the instance (class fields must not shadow what
      // CustomResource assigned), and inputs come back as the engine returned them.
      for (const k of Object.keys(res.properties)) {
        expect(pulumi.Output.isInstance(outputs[k]), `${k} is an Output`).toBe(true);
      }
      for (const k of Object.keys(res.inputProperties)) {
        expect(await resolve(outputs[k]), `${k} round-trips`).toEqual(args[k]);
      }
      for (const k of Object.keys(res.inputProperties).filter(isSecretInput)) {
        expect(await pulumi.isSecret(outputs[k]), `${k} output secret`).toBe(true);
      }
      const secretOutputs = Object.keys(res.properties).filter((k) => res.properties[k].secret);
      expect([...(seenOpts.additionalSecretOutputs ?? [])].sort()).toEqual(secretOutputs.sort());

      // Options the published SDK derives from the schema.
      expect(seenOpts.version).toBe(sdkPackage.pulumi.version);
      expect([...(seenOpts.replaceOnChanges ?? [])].sort()).toEqual(
        Object.keys(res.inputProperties)
          .filter((k) => res.inputProperties[k].willReplaceOnChanges)
          .sort(),
      );
      expect((seenOpts.aliases ?? []).map((a) => (a as { type?: string }).type)).toEqual((res.aliases ?? []).map((a) => a.type));
    });

    it("rejects a missing required input and accepts only the required ones", async () => {
      for (const missing of required) {
        const args = fullObject(res.inputProperties);
        delete args[missing];
        expect(() => new (resourceCtor(name))(`missing-${missing}-${name}`, args)).toThrow(`Missing required property '${missing}'`);
      }
      const minimal = Object.fromEntries(required.map((k) => [k, sample(res.inputProperties[k], k)]));
      const resource = new (resourceCtor(name))(`minimal-${name}`, minimal) as pulumi.CustomResource;
      await resolve(resource.urn);
      expect(sortedKeys(registered.get(`minimal-${name}`)!.inputs)).toEqual([...required].sort());
    });

    it("declares Args/State interfaces and output fields as in the schema", () => {
      expectMembers(interfaceMembers(file, `${name}Args`), res.inputProperties, required);
      expectMembers(interfaceMembers(file, `${name}State`), res.stateInputs?.properties, []);
      expect(classOutputFields(file, name)).toEqual(sortedKeys(res.properties));
    });
  });

  describe.each(Object.entries(schema.functions))("function %s", (token, fn) => {
    const name = tokenName(token);
    const title = name[0].toUpperCase() + name.slice(1);
    const file = path.join(SDK_DIR, `${tokenFile(token)}.ts`);

    it("invokes the schema token with every schema argument (promise and Output forms)", async () => {
      const args = fullObject(fn.inputs?.properties);
      const fns = sdk as unknown as Record<string, (a: unknown) => unknown>;

      invoked.length = 0;
      const viaPromise = await (fns[name](args) as Promise<unknown>);
      const viaOutput = await resolve(fns[`${name}Output`](args) as pulumi.Output<unknown>);
      expect(viaPromise).toEqual(functionResults.get(token));
      expect(viaOutput).toEqual(functionResults.get(token));
      expect(invoked.map((c) => c.token)).toEqual([token, token]);
      for (const call of invoked) {
        expect(sortedKeys(call.inputs)).toEqual(sortedKeys(fn.inputs?.properties));
        expect(call.inputs).toEqual(args);
      }
    });

    it("declares Args/OutputArgs/Result interfaces as in the schema", () => {
      const required = fn.inputs?.required ?? [];
      expectMembers(interfaceMembers(file, `${title}Args`), fn.inputs?.properties, required);
      expectMembers(interfaceMembers(file, `${title}OutputArgs`), fn.inputs?.properties, required);
      expectMembers(interfaceMembers(file, `${title}Result`), fn.outputs.properties, fn.outputs.required ?? []);
    });
  });

  it("declares every schema object type in types/input.ts and types/output.ts", () => {
    for (const [token, t] of Object.entries(schema.types)) {
      const name = tokenName(token);
      expectMembers(interfaceMembers(path.join(SDK_DIR, "types/input.ts"), name), t.properties, t.required ?? []);
      expectMembers(
        interfaceMembers(path.join(SDK_DIR, "types/output.ts"), name),
        t.properties,
        t.language?.nodejs?.requiredOutputs ?? t.required ?? [],
      );
    }
  });
});
