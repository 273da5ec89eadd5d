import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { UnknownStackReferenceError, UnmockedInvokeError } from "../../plan/mocks";
import { runProgram } from "../../plan/runProgram";
import { SECRET_MASK } from "../../plan/secrets";
import { runComponent, unwrap } from "../harness";

describe("runProgram (the mock recorder)", () => {
  it("records every registration with its parent, inputs and protect flag, in order", async () => {
    const run = await runComponent(() => {
      const ns = new k8s.core.v1.Namespace("ray", { metadata: { name: "ray" } }, { protect: true });
      new k8s.core.v1.ConfigMap("cm", { metadata: { name: "cm", namespace: ns.metadata.name }, data: { a: "1" } });
      return {};
    });
    expect(run.resources.map((r) => [r.type, r.name])).toEqual([
      ["pulumi:pulumi:Stack", "face-ocr-platform-dev"],
      ["kubernetes:core/v1:Namespace", "ray"],
      ["kubernetes:core/v1:ConfigMap", "cm"],
    ]);
    const ns = run.one("kubernetes:core/v1:Namespace");
    expect(ns.urn).toBe("urn:pulumi:dev::face-ocr-platform::kubernetes:core/v1:Namespace::ray");
    expect(ns.parent).toBe("urn:pulumi:dev::face-ocr-platform::pulumi:pulumi:Stack::face-ocr-platform-dev");
    expect(ns.protect).toBe(true);
    expect(run.one("kubernetes:core/v1:ConfigMap").inputs).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cm", namespace: "ray" },
      data: { a: "1" },
    });
    expect(run.one("kubernetes:core/v1:ConfigMap").protect).toBe(false);
  });

  it("masks secret inputs and outputs as [secret] but keeps them for validation", async () => {
    const fake = "fake-secret-value-for-tests";
    const run = await runComponent(() => {
      const secret = new k8s.core.v1.Secret("s", { metadata: { name: "s" }, stringData: { token: pulumi.secret(fake) } });
      return { token: pulumi.secret(fake), name: secret.metadata.name };
    });
    const secret = run.one("kubernetes:core/v1:Secret");
    expect(secret.inputs.stringData).toBe(SECRET_MASK);
    expect(secret.plainInputs.stringData).toEqual({ token: fake });
    expect(run.outputs).toEqual({ token: SECRET_MASK, name: "s" });
    expect(JSON.stringify(run.resources.map((r) => r.inputs))).not.toContain(fake);
  });

  it("fails an invoke that has no mock, naming the token", async () => {
    const token = "example:index/getUnmocked:getUnmocked";
    await expect(runComponent(() => pulumi.runtime.invoke(token, { name: "data-ai" }))).rejects.toThrow(
      new UnmockedInvokeError(token).message,
    );
  });

  it("fails the run when an input Output rejects, instead of dropping the resource from the plan", async () => {
    const broken = new Error("the id was not a number");
    const attempt = runComponent(() => {
      new k8s.core.v1.Namespace("ok", { metadata: { name: "ok" } });
      new k8s.core.v1.ConfigMap("cm", { metadata: { name: "cm" }, data: { id: pulumi.output(Promise.reject(broken)) } });
      return {};
    });
    await expect(attempt).rejects.toBe(broken);
  });

  it("fails the run on a URN registered twice, as the engine would", async () => {
    const attempt = runComponent(() => {
      new k8s.core.v1.Namespace("same", { metadata: { name: "a" } });
      new k8s.core.v1.Namespace("same", { metadata: { name: "b" } });
    });
    await expect(attempt).rejects.toThrow(
      'duplicate resource URN urn:pulumi:dev::face-ocr-platform::kubernetes:core/v1:Namespace::same: two resources of type kubernetes:core/v1:Namespace share the logical name "same" under the same parent',
    );
  });

  it("fails the run on a stack reference the mocks cannot answer, and leaves none of its rejections to the next run", async () => {
    // Everything derived from the reference rejects, the stack's own outputs too; a run that stopped there would
    // hand the rest to whatever runs next in this process.
    const referencing = () => {
      const shared = new pulumi.StackReference("shared-stack", { name: "shared" });
      const loginServer = shared.requireOutput("registryLoginServer");
      for (const name of ["a", "b", "c", "d"]) new k8s.core.v1.ConfigMap(name, { metadata: { name }, data: { loginServer } });
      return { loginServer };
    };
    const attempt = runProgram({ stack: "dev", config: {}, program: referencing, stackOutputs: { other: {} } });
    await expect(attempt).rejects.toThrow(new UnknownStackReferenceError("shared", ["other"]).message);
    const next = await runComponent(() => new k8s.core.v1.Namespace("next", { metadata: { name: "next" } }));
    expect(next.ofType("kubernetes:core/v1:Namespace").map((r) => r.name)).toEqual(["next"]);
  });

  it("leaves the process's own unhandled-rejection listeners in place after a run", async () => {
    const before = process.listeners("unhandledRejection");
    await runComponent(() => new k8s.core.v1.Namespace("a", { metadata: { name: "a" } }));
    expect(process.listeners("unhandledRejection")).toEqual(before);
  });

  it("gives a resource the id its output mock names, and <name>-id otherwise", async () => {
    let ids: string[] = [];
    await runComponent(
      async () => {
        const numbered = new k8s.core.v1.Namespace("numbered", { metadata: { name: "numbered" } });
        const configMap = new k8s.core.v1.ConfigMap("plain", { metadata: { name: "plain" } });
        ids = await Promise.all([unwrap(numbered.id), unwrap(configMap.id)]);
      },
      { outputs: { "kubernetes:core/v1:Namespace": () => ({ id: "4242" }) } },
    );
    expect(ids).toEqual(["4242", "plain-id"]);
  });

  it("answers mocked invokes and records them", async () => {
    const token = "example:index/getThing:getThing";
    let answer: unknown;
    const run = await runComponent(
      async () => {
        answer = await pulumi.runtime.invoke(token, { name: "x" });
        return {};
      },
      { invokes: { [token]: (args) => ({ id: `id-of-${String(args.name)}` }) } },
    );
    expect(answer).toEqual({ id: "id-of-x" });
    expect(run.invokes).toEqual([{ token, args: { name: "x" }, result: { id: "id-of-x" } }]);
  });

  it("keeps runs in one process apart", async () => {
    const first = await runComponent(() => new k8s.core.v1.Namespace("a", { metadata: { name: "a" } }));
    const second = await runComponent(() => new k8s.core.v1.Namespace("b", { metadata: { name: "b" } }), { stack: "dev" });
    expect(first.ofType("kubernetes:core/v1:Namespace").map((r) => r.name)).toEqual(["a"]);
    expect(second.ofType("kubernetes:core/v1:Namespace").map((r) => r.name)).toEqual(["b"]);
  });

  it("unwrap resolves an Output to its value", async () => {
    let value: string | undefined;
    await runComponent(async () => {
      const ns = new k8s.core.v1.Namespace("cyber", { metadata: { name: "cyber" } });
      value = await unwrap(ns.metadata.name);
    });
    expect(value).toBe("cyber");
  });
});
