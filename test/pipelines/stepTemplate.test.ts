import { describe, expect, it } from "vitest";
import { evaluate, instantiateSteps } from "./stepTemplate";

describe("a steps template instantiated as Azure Pipelines expands it", () => {
  const template = {
    parameters: [
      { name: "stacks", type: "object", default: [] },
      { name: "gated", type: "boolean", default: false },
    ],
    steps: [
      { script: "always" },
      { "${{ if ne(length(parameters.stacks), 0) }}": [{ script: "some" }] },
      {
        "${{ each s in parameters.stacks }}": [
          { script: "x ${{ s }} ${{ upper(replace(s, '-', '_')) }}", "${{ if parameters.gated }}": { condition: "c_${{ s }}" } },
        ],
      },
    ],
  };

  it("expands loops, conditions and embedded expressions with the parameters given, defaults otherwise", () => {
    expect(instantiateSteps(template)).toEqual([{ script: "always" }]);
    expect(instantiateSteps(template, { stacks: ["dev", "eu-prod"], gated: true })).toEqual([
      { script: "always" },
      { script: "some" },
      { script: "x dev DEV", condition: "c_dev" },
      { script: "x eu-prod EU_PROD", condition: "c_eu-prod" },
    ]);
  });

  it("refuses what it does not understand instead of guessing", () => {
    expect(() => instantiateSteps(template, { other: 1 })).toThrow("unknown template parameter other");
    expect(() => instantiateSteps(template, { gated: "yes" })).toThrow("template parameter gated is not a boolean");
    expect(() => evaluate("lower('A')", {})).toThrow("expression \"lower('A')\": unknown function lower");
    expect(() => evaluate("variables.x", {})).toThrow('expression "variables.x": unknown name variables');
    expect(evaluate("and(eq('A', 'a'), not(false), or(false, 1))", {})).toBe(true);
  });
});
