import { describe, expect, it } from "vitest";
import { noPlaintextSecrets } from "../../policies/rules/noPlaintextSecrets";
import { isSecretName, urlWithCredentials } from "../../policies/lib/secretLike";
import {
  at,
  BUILD_DEFINITION,
  buildDefinitionProps,
  CONFIG_MAP,
  DEPLOYMENT,
  HELM_RELEASE,
  helmReleaseProps,
  planResource,
  RAY_SERVICE,
  rayServiceProps,
} from "./fixtures";
import { messagesOf, violationsOf } from "./helpers";

const policy = noPlaintextSecrets();
const GPU_ENV = ["spec", "rayClusterConfig", "workerGroupSpecs", 1, "template", "spec", "containers", 0, "env"] as const;
const GPU_ENV_PATH = 'RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].env';

function helmRelease() {
  return planResource(HELM_RELEASE, "face-ocr-api", helmReleaseProps());
}
function rayService() {
  return planResource(RAY_SERVICE, "rayservice", rayServiceProps());
}

describe("no-plaintext-secrets", () => {
  it("passes the HelmRelease with secrets in valuesFrom and the RayService", async () => {
    expect(await violationsOf(policy, [helmRelease(), rayService()])).toEqual([]);
  });

  it("rejects a plaintext token in HelmRelease spec.values.env (the guide's CHROMA_TOKEN)", async () => {
    const hr = helmRelease();
    at(hr.props, "spec", "values", "env").CHROMA_TOKEN = "not-a-real-token";
    const violations = await violationsOf(policy, hr);
    expect(violations).toEqual([
      {
        policyName: "no-plaintext-secrets",
        enforcementLevel: "mandatory",
        urn: "urn:pulumi:dev::face-ocr-platform::kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease::face-ocr-api",
        message:
          'HelmRelease "face-ocr-api" spec.values.env.CHROMA_TOKEN is a token/key/password/secret-named value written in clear in the HelmRelease (deployment guide, Appendix B): ' +
          "move it to a Kubernetes Secret (created from a `pulumi config set --secret` key) and pass it to the chart with spec.valuesFrom (kind: Secret, valuesKey: <key>, targetPath: env.CHROMA_TOKEN).",
      },
    ]);
  });

  it("never repeats the secret value in the message", async () => {
    const hr = helmRelease();
    at(hr.props, "spec", "values", "env").DOSASHOP_KEY = "fake-key-for-tests";
    at(hr.props, "spec", "values", "env").DATABASE_URL =
      "postgresql://postgres:fake-password@postgres.cyber.svc.cluster.local:5432/face-ocr-db";
    const text = (await messagesOf(policy, hr)).join("\n");
    expect(text).not.toContain("fake-key-for-tests");
    expect(text).not.toContain("fake-password");
  });

  it("rejects a database URL with user:password@ in chart env (the guide's DATABASE_URL)", async () => {
    const hr = helmRelease();
    at(hr.props, "spec", "values", "env").DATABASE_URL =
      "postgresql://postgres:fake-password@postgres.cyber.svc.cluster.local:5432/face-ocr-db";
    expect(await messagesOf(policy, hr)).toEqual([
      'HelmRelease "face-ocr-api" spec.values.env.DATABASE_URL is a URL with a password in clear in the HelmRelease (postgresql://postgres:***@postgres.cyber.svc.cluster.local:5432/face-ocr-db): ' +
        "move it to a Kubernetes Secret (created from a `pulumi config set --secret` key) and pass it to the chart with spec.valuesFrom (kind: Secret, valuesKey: <key>, targetPath: env.DATABASE_URL).",
    ]);
  });

  it("rejects credentials in REDIS_URL even with an empty user", async () => {
    const hr = helmRelease();
    at(hr.props, "spec", "values", "env").REDIS_URL = "redis://:fake-password@redis-master.cyber.svc.cluster.local:6379/0";
    expect(await messagesOf(policy, hr)).toEqual([
      'HelmRelease "face-ocr-api" spec.values.env.REDIS_URL is a URL with a password in clear in the HelmRelease (redis://:***@redis-master.cyber.svc.cluster.local:6379/0): ' +
        "move it to a Kubernetes Secret (created from a `pulumi config set --secret` key) and pass it to the chart with spec.valuesFrom (kind: Secret, valuesKey: <key>, targetPath: env.REDIS_URL).",
    ]);
  });

  it("rejects a password-named key anywhere in chart values, but not a Secret's name", async () => {
    const hr = helmRelease();
    at(hr.props, "spec", "values").postgresql = { auth: { password: "fake-password", existingSecret: "pg-auth" } };
    expect(await messagesOf(policy, hr)).toEqual([
      'HelmRelease "face-ocr-api" spec.values.postgresql.auth.password is a token/key/password/secret-named value written in clear in the HelmRelease (deployment guide, Appendix B): ' +
        "move it to a Kubernetes Secret (created from a `pulumi config set --secret` key) and pass it to the chart with spec.valuesFrom (kind: Secret, valuesKey: <key>, targetPath: postgresql.auth.password).",
    ]);
  });

  it("reads chart env given as a list of name/value pairs", async () => {
    const hr = helmRelease();
    at(hr.props, "spec", "values").extraEnv = [{ name: "API_TOKEN", value: "fake-token" }];
    expect(await messagesOf(policy, hr)).toEqual([
      'HelmRelease "face-ocr-api" spec.values.extraEnv[0].value is a token/key/password/secret-named value written in clear in the HelmRelease (deployment guide, Appendix B): ' +
        "move it to a Kubernetes Secret (created from a `pulumi config set --secret` key) and pass it to the chart with spec.valuesFrom (kind: Secret, valuesKey: <key>, targetPath: extraEnv[0].value).",
    ]);
  });

  it("rejects a literal token in a Ray container's env", async () => {
    const rs = rayService();
    at(rs.props, ...GPU_ENV).push({ name: "HF_TOKEN", value: "fake-token" });
    expect(await messagesOf(policy, rs)).toEqual([
      `${GPU_ENV_PATH}[4] (HF_TOKEN) is a token/key/password/secret-named variable with a literal value, stored in clear in the pod spec and the plan: ` +
        "put the value in a Kubernetes Secret (created from a `pulumi config set --secret` key) and reference it with valueFrom.secretKeyRef.",
    ]);
  });

  it("rejects a URL with a password in a container env, whatever the variable's name", async () => {
    const rs = rayService();
    at(rs.props, ...GPU_ENV).push({ name: "RESULTS_STORE", value: "redis://worker:fake-password@redis:6379/1" });
    expect(await messagesOf(policy, rs)).toEqual([
      `${GPU_ENV_PATH}[4] (RESULTS_STORE) is a URL with a password in clear (redis://worker:***@redis:6379/1): keep the password in a Kubernetes Secret and reference it with valueFrom.secretKeyRef, ` +
        "either for the whole URL or as its own variable written as $(VAR) inside the URL.",
    ]);
  });

  it("accepts secretKeyRef, $(VAR) references inside URLs, masked values and non-secret settings", async () => {
    const rs = rayService();
    at(rs.props, ...GPU_ENV).push(
      { name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "hf", key: "token" } } },
      { name: "REDIS_URL", value: "redis://:$(REDIS_PASSWORD)@redis:6379/0" },
      { name: "CHROMA_TOKEN", value: "[secret]" },
      { name: "DOSASHOP_SAS_TTL_SECONDS", value: "1800" },
      { name: "GOOGLE_APPLICATION_CREDENTIALS", value: "/var/run/secrets/gcp/key.json" },
      { name: "TOKENIZERS_PARALLELISM", value: "false" },
    );
    expect(await violationsOf(policy, rs)).toEqual([]);
  });

  it("checks core workloads too", async () => {
    const deployment = planResource(DEPLOYMENT, "sidecar", {
      spec: { template: { spec: { containers: [{ name: "app", image: "x:1", env: [{ name: "DB_PASSWORD", value: "fake-password" }] }] } } },
    });
    expect(await messagesOf(policy, deployment)).toEqual([
      'Deployment "sidecar" spec.template.spec.containers[0].env[0] (DB_PASSWORD) is a token/key/password/secret-named variable with a literal value, stored in clear in the pod spec and the plan: ' +
        "put the value in a Kubernetes Secret (created from a `pulumi config set --secret` key) and reference it with valueFrom.secretKeyRef.",
    ]);
  });

  it("rejects a secret-named key in a ConfigMap", async () => {
    const cm = planResource(CONFIG_MAP, "api-settings", { data: { CHROMA_TOKEN: "fake-token", CHROMA_PORT: "8000" } });
    expect(await messagesOf(policy, cm)).toEqual([
      'ConfigMap "api-settings" data.CHROMA_TOKEN is a token/key/password/secret-named value in a ConfigMap, which is stored and shown in clear: ' +
        "move it to a Kubernetes Secret (created from a `pulumi config set --secret` key) and reference it from there.",
    ]);
  });

  it("rejects a non-secret pipeline variable holding a key, and accepts it once isSecret is set", async () => {
    const bd = planResource(BUILD_DEFINITION, "face-ocr-api", buildDefinitionProps("face-ocr-api"));
    at(bd.props, "variables").push({ name: "DOSASHOP_KEY", value: "fake-key" });
    expect(await messagesOf(policy, bd)).toEqual([
      'BuildDefinition "face-ocr-api" variables[2].value (DOSASHOP_KEY) is a token/key/password/secret-named literal in a pipeline variable that is not secret: ' +
        "set isSecret: true and pass the value as secretValue from a Pulumi secret (`pulumi config set --secret`).",
    ]);
    at(bd.props, "variables", 2).isSecret = true;
    expect(await violationsOf(policy, bd)).toEqual([]);
  });

  it("lets a stack allow a name that only looks secret", async () => {
    const hr = helmRelease();
    at(hr.props, "spec", "values", "env").SIGNING_KEY_ID_HINT_TOKEN = "created_at";
    expect(await messagesOf(policy, hr)).toHaveLength(1);
    expect(await violationsOf(policy, hr, { "no-plaintext-secrets": { allowNames: ["SIGNING_KEY_ID_HINT_TOKEN"] } })).toEqual([]);
  });

  it("names secrets by words, not substrings", () => {
    expect(
      ["CHROMA_TOKEN", "DOSASHOP_KEY", "DB_PASSWORD", "apiKey", "clientSecret", "AZURE_STORAGE_CONNECTION_STRING"].map(isSecretName),
    ).toEqual([true, true, true, true, true, true]);
    expect(
      ["MONKEY_MODE", "KEYBOARD", "TOKEN_TTL_SECONDS", "CHROMA_COLLECTION", "fluxPullSecretName", "MAX_UPLOAD_SIZE_MB"].map(isSecretName),
    ).toEqual([false, false, false, false, false, false]);
    expect(urlWithCredentials("ray://rayservice-head-svc.ray.svc.cluster.local:10001")).toBeUndefined();
    expect(urlWithCredentials("https://user@example.com/")).toBeUndefined();
  });

  it("rejects secrets under other common names: DB_PASS, SMTP_PW, JWT, a bearer value, an access key pair", () => {
    expect(
      ["DB_PASS", "SMTP_PW", "JWT", "SENTRY_BEARER", "AWS_SECRET_ACCESS_KEY", "STORAGE_ACCOUNT_KEY", "ACCESS_KEY"].map(isSecretName),
    ).toEqual([true, true, true, true, true, true, true]);
  });

  it("does not flag ordinary names that merely contain KEY (PRIMARY_KEY, SORT_KEY, ...) or end in a qualifier", () => {
    const valid = [
      "PRIMARY_KEY",
      "SORT_KEY",
      "PARTITION_KEY",
      "CACHE_KEY",
      "ROUTING_KEY",
      "PUBLIC_KEY",
      "ROW_KEY",
      "IDEMPOTENCY_KEY",
      "foreignKey",
      "hashKey",
      "KEY_VAULT_NAME",
      "TOKEN_TTL_SECONDS",
      "PASSWORD_MIN_LENGTH",
      "DEDUP_KEY",
    ];
    expect(valid.filter(isSecretName)).toEqual([]);
  });

  it("passes a HelmRelease whose env holds the ordinary KEY names", async () => {
    const hr = helmRelease();
    Object.assign(at(hr.props, "spec", "values", "env"), { PRIMARY_KEY: "id", SORT_KEY: "created_at", CACHE_KEY: "faces" });
    expect(await violationsOf(policy, hr)).toEqual([]);
  });

  it("rejects a secret in the Serve config's runtime_env.env_vars, of an application or a deployment", async () => {
    const rs = rayService();
    at(rs.props, "spec").serveConfigV2 = [
      "applications:",
      "  - name: ocr",
      "    import_path: apps.ocr:app",
      "    runtime_env:",
      "      env_vars: { HF_TOKEN: not-a-real-token, LOG_LEVEL: info, PRIMARY_KEY: id }",
      "    deployments:",
      "      - name: Reader",
      "        ray_actor_options:",
      "          runtime_env:",
      "            env_vars:",
      "              DATABASE_URL: postgresql://app:not-a-password@db:5432/x",
      "",
    ].join("\n");
    const tail =
      "in the Serve config's runtime_env.env_vars, which the RayService stores in clear: give the Ray containers the variable from a Kubernetes Secret (valueFrom.secretKeyRef) instead; Serve replicas inherit it.";
    expect(await messagesOf(policy, rs)).toEqual([
      `RayService "rayservice" spec.serveConfigV2 applications[0].runtime_env.env_vars.HF_TOKEN (HF_TOKEN) is a token/key/password/secret-named literal ${tail}`,
      `RayService "rayservice" spec.serveConfigV2 applications[0].deployments[0].ray_actor_options.runtime_env.env_vars.DATABASE_URL (DATABASE_URL) is a URL with a password in clear (postgresql://app:***@db:5432/x) ${tail}`,
    ]);
  });

  it("rejects a secret exported in a container's script, and not one read from the environment", async () => {
    const rs = rayService();
    const init = at(rs.props, "spec", "rayClusterConfig", "workerGroupSpecs", 1, "template", "spec", "initContainers", 0);
    init.args[0] = `export HF_TOKEN=not-a-real-token\nexport PIP_INDEX_URL=https://ci:not-a-password@pypi.example/simple\nexport GH_TOKEN=$GH_TOKEN PRIMARY_KEY=id\n${init.args[0]}`;
    const where = 'RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.initContainers[0].args[0]';
    const tail =
      "in the container's script, which is stored in clear in the pod spec and the plan: put the value in a Kubernetes Secret (created from a `pulumi config set --secret` key) and reference it with valueFrom.secretKeyRef";
    expect(await messagesOf(policy, rs)).toEqual([
      `${where} line 1 sets HF_TOKEN, a token/key/password/secret-named literal, ${tail}, and read it in the script as $HF_TOKEN.`,
      `${where} line 2 sets PIP_INDEX_URL, a URL with a password in clear (https://ci:***@pypi.example/simple), ${tail}, and read it in the script as $PIP_INDEX_URL.`,
    ]);
  });
});
