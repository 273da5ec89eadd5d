import { describe, expect, it } from "vitest";
import { stackConfigFromStrings } from "../../config/parse";
import { PROVIDER_CONFIG } from "../../config/providerConfig";
import { minimalStackConfig } from "../harness";

const PROJECT = "face-ocr-platform";
const SECRETS = ["databasePassword", "chromaToken", "dosashopKey"].map((k) => `${PROJECT}:${k}`);

/** The minimal valid stack as the CLI hands it over, plus the given keys. */
function problemsWith(extra: Record<string, string>, extraSecret: string[] = []): string[] {
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(minimalStackConfig())) config[`${PROJECT}:${key}`] = JSON.stringify(value);
  for (const key of SECRETS) config[key] = "fake-secret-value";
  const result = stackConfigFromStrings({ ...config, ...extra }, PROJECT, [...SECRETS, ...extraSecret], "dev");
  return result.ok ? [] : result.problems;
}

describe("config outside the project namespace", () => {
  it("accepts the providers' own keys", () => {
    expect(
      problemsWith({ "azure-native:location": "westeurope", "kubernetes:context": "dev-aks", "pulumi:disable-default-providers": '["*"]' }),
    ).toEqual([]);
  });

  it.each(["face-ocr:rayVersion", "face-ocr-plaform:environment", "azure:location"])("refuses %s, a namespace nobody reads", (key) => {
    const namespace = key.slice(0, key.indexOf(":"));
    expect(problemsWith({ [key]: "2.40.0" })).toEqual([
      `${key}: unknown config namespace "${namespace}"; allowed prefixes: face-ocr-platform:, azure-native:, kubernetes:, azuredevops:, pulumi: ` +
        `(a key without a prefix is face-ocr-platform:); remove it with \`pulumi config rm ${key} --stack dev\``,
    ]);
  });

  it("refuses a misspelt provider key, listing the provider's keys", () => {
    expect(problemsWith({ "kubernetes:kubeContext": "dev" })).toEqual([
      `kubernetes:kubeContext: unknown kubernetes provider key; allowed keys here: ${PROVIDER_CONFIG.kubernetes.keys.join(", ")}`,
    ]);
  });

  it.each([
    "azure-native:clientSecret",
    "azure-native:clientCertificatePassword",
    "azuredevops:personalAccessToken",
    "azuredevops:clientSecret",
  ])("refuses the credential %s in clear, without showing it, and accepts it as a secret", (key) => {
    const problems = problemsWith({ [key]: "fake-credential-S3CRET" });
    expect(problems).toEqual([
      `${key} is a provider credential stored in clear; store it encrypted: \`pulumi config rm ${key} --stack dev\`, then \`pulumi config set --secret ${key} <value> --stack dev\``,
    ]);
    expect(problemsWith({ [key]: "fake-credential-S3CRET" }, [key])).toEqual([]);
  });

  it("takes a kubeconfig path in clear but not kubeconfig content", () => {
    expect(problemsWith({ "kubernetes:kubeconfig": "/home/me/.kube/dev-config" })).toEqual([]);
    expect(problemsWith({ "kubernetes:kubeconfig": "apiVersion: v1\nusers:\n- user:\n    token: fake\n" })).toEqual([
      "kubernetes:kubeconfig is a provider credential stored in clear; store it encrypted: `pulumi config rm kubernetes:kubeconfig --stack dev`, then `pulumi config set --secret kubernetes:kubeconfig <value> --stack dev`",
    ]);
  });
});
