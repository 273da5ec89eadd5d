// validation/coreYaml.ts reads shared/crds fast; wherever it answers, its answer must be the `yaml` package's.
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import * as YAML from "yaml";
import { readCoreYaml } from "../../validation/coreYaml";
import { crdDir } from "../../validation/paths";
import { parsedCrd } from "../sharedCrds";

/** `yaml`'s reading of one document, as the shared material is read (core schema, aliases bounded). */
function yamlReads(text: string): { value: unknown } | "refused" {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) return "refused";
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }) };
  } catch {
    return "refused";
  }
}

const SCALARS = [
  ...["0", "-0", "+0", "012", "+12", "-7", "0o17", "0o8", "0x1F", "0X1F", "0x", "-0x1", "0b101", "1_000", "9007199254740993"],
  ...["1.0", "0.", "-.5", "+.5", ".5e3", "1e3", "1E3", "1.5e-3", "-1.5E+3", "1e", "e3", "1.7976931348623157e309"],
  ...[".inf", "-.inf", "+.inf", ".Inf", "-.INF", ".nan", ".NaN", ".NAN", ".nAn"],
  ...["true", "True", "TRUE", "tRue", "yes", "no", "on", "false", "FALSE"],
  ...["null", "Null", "NULL", "nULL", "~", ""],
  ...["2001-12-14", "1:20", "'1'", '"2"', "plain text", "a,b"],
];

describe("readCoreYaml", () => {
  it("reads every CRD of shared/crds exactly as yaml does", () => {
    const files = fs.readdirSync(crdDir()).filter((f) => f.endsWith(".yaml"));
    expect(files).toHaveLength(8);
    for (const file of files) {
      const text = fs.readFileSync(path.join(crdDir(), file), "utf8");
      expect(readCoreYaml(text), file).toEqual({ value: parsedCrd(path.join(crdDir(), file)) });
    }
  });

  it("gives yaml's value for each core-schema scalar, as a value, a key and an item, or says nothing", () => {
    const answered: string[] = [];
    for (const scalar of SCALARS) {
      for (const text of [`k: ${scalar}\n`, `${scalar === "" ? "''" : scalar}: k\n`, `- ${scalar}\n`]) {
        const fast = readCoreYaml(text);
        if (fast === undefined) continue;
        expect(fast, text).toEqual(yamlReads(text));
        answered.push(text);
      }
    }
    // It says nothing only of null keys (yaml makes them "", js-yaml "null") and of the key with a comma.
    expect(SCALARS.length * 3 - answered.length).toBe(5);
  });

  it("reads the scalars where js-yaml's own core schema parts from YAML 1.2 as YAML 1.2 (and yaml) has them", () => {
    const value = (scalar: string) => (readCoreYaml(`k: ${scalar}\n`)?.value as { k: unknown }).k;
    expect([value("0b101"), value("-.5"), value("+.5"), Object.is(value("-0"), -0), value("0o17"), value("-.inf")]).toEqual([
      "0b101",
      -0.5,
      0.5,
      true,
      15,
      -Infinity,
    ]);
  });

  it("says nothing of an alias to a collection, a duplicate key, an unknown tag, several documents, an empty text or bad YAML", () => {
    const texts = [
      "a: &x {b: 1}\nc: *x\n",
      "a: &l [1, 2]\nc: *l\n",
      "a: 1\na: 2\n",
      "a: !!binary aGVsbG8=\n",
      "a: !custom x\n",
      "---\na: 1\n---\nb: 2\n",
      "",
      "a: [1, 2\n",
      "? [a, b]\n: c\n",
    ];
    expect(texts.map(readCoreYaml)).toEqual(texts.map(() => undefined));
    // An alias to a scalar cannot multiply a document: it is read.
    expect(readCoreYaml("a: &s text\nb: *s\n")).toEqual({ value: { a: "text", b: "text" } });
  });
});
