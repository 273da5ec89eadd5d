import { describe, expect, it } from "vitest";
import { validateAzureDevOpsInputs } from "../../validation/azureDevOpsSchema";
import { mergeSchemaExtracts } from "../../validation/providerSchemaExtracts";
import { sharedDir } from "../../validation/paths";

const CHECK_APPROVAL = "azuredevops:index/checkApproval:CheckApproval";
const CHECK_BRANCH_CONTROL = "azuredevops:index/checkBranchControl:CheckBranchControl";

const main = {
  file: "/s/main.json",
  text: JSON.stringify({ name: "azuredevops", resources: { a: 1 }, functions: { f: 2 }, types: { t: 3 } }),
};
const notice = (file: string, problem: string) =>
  `${file}: ${problem}. The plan validates against the upstream schemas in ${sharedDir()} ` +
  "(the shared folder beside the project, or FACE_OCR_SHARED_DIR); restore it from the shared copy.";

describe("the azuredevops provider schema extracts", () => {
  it("are read as one schema: the main extract's fields and every extract's tokens", () => {
    const supplement = { file: "/s/checks.json", text: JSON.stringify({ name: "azuredevops", resources: { b: 4 }, types: {} }) };
    expect(mergeSchemaExtracts([main, supplement])).toEqual({
      name: "azuredevops",
      resources: { a: 1, b: 4 },
      functions: { f: 2 },
      types: { t: 3 },
    });
  });

  it("refuse a token defined twice, naming both files", () => {
    const twice = { file: "/s/checks.json", text: JSON.stringify({ resources: { a: 5 } }) };
    expect(() => mergeSchemaExtracts([main, twice])).toThrow(notice("/s/checks.json", "resources token a is also defined in /s/main.json"));
  });

  it("refuse a supplement without resources and a main extract without functions", () => {
    const empty = { file: "/s/checks.json", text: "{}" };
    expect(() => mergeSchemaExtracts([main, empty])).toThrow(
      notice("/s/checks.json", 'no "resources" object (truncated, or not a Pulumi provider schema)'),
    );
    const noFunctions = { file: "/s/main.json", text: JSON.stringify({ resources: {}, types: {} }) };
    expect(() => mergeSchemaExtracts([noFunctions])).toThrow(
      notice("/s/main.json", 'no "functions" object (truncated, or not a Pulumi provider schema)'),
    );
  });

  it("let the plan's schema check validate the pipeline checks", () => {
    const approval = { projectId: "p", targetResourceId: "1", targetResourceType: "environment", approvers: ["a"] };
    expect(validateAzureDevOpsInputs(CHECK_APPROVAL, approval)).toEqual({ known: true, errors: [] });
    expect(validateAzureDevOpsInputs(CHECK_APPROVAL, { ...approval, approvers: "a" }).errors).toEqual([
      { path: "approvers", reason: "must be array" },
    ]);
    expect(validateAzureDevOpsInputs(CHECK_BRANCH_CONTROL, { projectId: "p", targetResourceId: "1" }).errors).toEqual([
      { path: "targetResourceType", reason: "required field is missing" },
    ]);
  });
});
