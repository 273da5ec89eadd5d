/**
 * Config keys outside the project's own namespace: the providers this program
 * uses, and which of their keys are credentials. A key under any other
 * namespace (a misspelt project name such as `face-ocr:rayVersion`) would be
 * read by nobody, so the run would silently plan with the defaults; it is
 * refused instead.
 *
 * Sources (the provider versions in package.json):
 * - azure-native 3.28.0: `@pulumi/azure-native/config/vars.d.ts`; its Provider
 *   wraps clientSecret, clientCertificatePassword and clientId in `pulumi.secret`;
 *   oidcToken and oidcRequestToken are bearer tokens.
 * - kubernetes 4.25.0: the inputs of `@pulumi/kubernetes/provider.js`;
 *   `kubeconfig` may hold the whole kubeconfig with its credentials.
 * - azuredevops: `config.variables` of `shared/schemas/azuredevops.schema.json`
 *   (`"secret": true` marks the credentials).
 * - pulumi: the engine's own keys (`pulumi:disable-default-providers`, `pulumi:tags`, ...).
 */
export interface ProviderConfigNamespace {
  /** Every key the provider reads. */
  readonly keys: readonly string[];
  /** Keys holding credentials: set them with `--secret`, never in clear. */
  readonly secretKeys: readonly string[];
}

export const PROVIDER_CONFIG: Readonly<Record<string, ProviderConfigNamespace>> = {
  "azure-native": {
    keys: [
      "auxiliaryTenantIds",
      "clientCertificatePassword",
      "clientCertificatePath",
      "clientId",
      "clientSecret",
      "disableInstanceDiscovery",
      "disablePulumiPartnerId",
      "environment",
      "location",
      "metadataHost",
      "msiEndpoint",
      "oidcRequestToken",
      "oidcRequestUrl",
      "oidcToken",
      "oidcTokenFilePath",
      "partnerId",
      "subscriptionId",
      "tenantId",
      "useDefaultAzureCredential",
      "useMsi",
      "useOidc",
    ],
    secretKeys: ["clientSecret", "clientCertificatePassword", "oidcToken", "oidcRequestToken"],
  },
  kubernetes: {
    keys: [
      "cluster",
      "clusterIdentifier",
      "context",
      "deleteUnreachable",
      "enableConfigMapMutable",
      "enableSecretMutable",
      "enableServerSideApply",
      "helmReleaseSettings",
      "kubeClientSettings",
      "kubeconfig",
      "namespace",
      "renderYamlToDirectory",
      "skipUpdateUnreachable",
      "suppressDeprecationWarnings",
      "suppressHelmHookWarnings",
    ],
    secretKeys: ["kubeconfig"],
  },
  azuredevops: {
    keys: [
      "auxiliaryTenantIds",
      "clientCertificate",
      "clientCertificatePassword",
      "clientCertificatePath",
      "clientId",
      "clientIdFilePath",
      "clientSecret",
      "clientSecretPath",
      "oidcAzureServiceConnectionId",
      "oidcRequestToken",
      "oidcRequestUrl",
      "oidcToken",
      "oidcTokenFilePath",
      "orgServiceUrl",
      "personalAccessToken",
      "tenantId",
      "useCli",
      "useMsi",
      "useOidc",
    ],
    secretKeys: ["clientCertificate", "clientCertificatePassword", "clientSecret", "oidcToken", "personalAccessToken"],
  },
};

/** The engine's namespace; its keys are the CLI's business, not checked here. */
const ENGINE_NAMESPACE = "pulumi";

/** A kubeconfig given in clear is fine as a file path; its content carries credentials. */
function isKubeconfigPath(value: string): boolean {
  return !/[\n{]/.test(value) && !/apiVersion|client-key|token/i.test(value);
}

/**
 * Problems with keys outside the project namespace: unknown namespaces, unknown
 * provider keys, provider credentials stored in clear. Values are never shown.
 */
export function providerConfigProblems(
  config: Readonly<Record<string, string>>,
  project: string,
  secretKeys: ReadonlySet<string>,
  stack: string,
): string[] {
  const problems: string[] = [];
  const namespaces = [project, ...Object.keys(PROVIDER_CONFIG), ENGINE_NAMESPACE];
  for (const fullKey of Object.keys(config).sort()) {
    const colon = fullKey.indexOf(":");
    const namespace = colon < 0 ? "" : fullKey.slice(0, colon);
    const key = fullKey.slice(colon + 1);
    if (namespace === project || namespace === ENGINE_NAMESPACE) continue;
    const provider = PROVIDER_CONFIG[namespace];
    if (!provider) {
      problems.push(
        `${fullKey}: unknown config namespace "${namespace}"; allowed prefixes: ${namespaces.map((n) => `${n}:`).join(", ")} ` +
          `(a key without a prefix is ${project}:); remove it with \`pulumi config rm ${fullKey} --stack ${stack}\``,
      );
    } else if (!provider.keys.includes(key)) {
      problems.push(`${fullKey}: unknown ${namespace} provider key; allowed keys here: ${provider.keys.join(", ")}`);
    } else if (provider.secretKeys.includes(key) && !secretKeys.has(fullKey)) {
      if (fullKey === "kubernetes:kubeconfig" && isKubeconfigPath(config[fullKey])) continue;
      problems.push(
        `${fullKey} is a provider credential stored in clear; store it encrypted: ` +
          `\`pulumi config rm ${fullKey} --stack ${stack}\`, then \`pulumi config set --secret ${fullKey} <value> --stack ${stack}\``,
      );
    }
  }
  return problems;
}
