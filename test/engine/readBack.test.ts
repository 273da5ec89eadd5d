// The engine run's read-back: what it compares, what it derives the cluster must already have.
import { describe, expect, it } from "vitest";
import { compareFields, namespacesExpectedToExist, RenderedObject, storageClassesExpectedToExist } from "../../scripts/engine/readBack";

const rendered = (object: Record<string, unknown>): RenderedObject => ({ file: "x.yaml", object: object as RenderedObject["object"] });

describe("comparing a rendered object with the live one", () => {
  it("ignores fields only the server has, and reports each field the program sets that differs, at its path", () => {
    const found: { path: string; expected: unknown; live: unknown }[] = [];
    compareFields(
      { spec: { replicas: 1, env: [{ name: "A", value: "1" }], text: "a: 1\nb: 2\n" } },
      { spec: { replicas: 1, env: [{ name: "A", value: "2" }], text: "b: 2\na: 1\n", defaulted: true }, status: {} },
      "",
      found,
    );
    // Text is compared as text: a reordered document is a difference (the Serve config's env_vars were one).
    expect(found).toEqual([
      { path: "spec.env[0].value", expected: "1", live: "2" },
      { path: "spec.text", expected: "a: 1\nb: 2\n", live: "b: 2\na: 1\n" },
    ]);
  });

  it("reports a list of another length whole", () => {
    const found: { path: string; expected: unknown; live: unknown }[] = [];
    compareFields({ args: ["a", "b"] }, { args: ["a"] }, "", found);
    expect(found).toEqual([{ path: "args", expected: ["a", "b"], live: ["a"] }]);
  });
});

describe("what the cluster must already have", () => {
  const objects = [
    rendered({ apiVersion: "v1", kind: "Namespace", metadata: { name: "ray" } }),
    rendered({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "m", namespace: "ray" },
      spec: { storageClassName: "azurefile" },
    }),
    rendered({ apiVersion: "image.toolkit.fluxcd.io/v1", kind: "ImagePolicy", metadata: { name: "p", namespace: "flux-system" } }),
    rendered({
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "r", namespace: "default" },
      spec: { targetNamespace: "cyber" },
    }),
  ];

  it("namespaces the objects use or target that the program does not create, besides default", () => {
    expect(namespacesExpectedToExist(objects)).toEqual(["cyber", "flux-system"]);
  });

  it("storage classes the claims name", () => {
    expect(storageClassesExpectedToExist(objects)).toEqual(["azurefile"]);
  });
});
