// The `api` config section: documented defaults, and one clear message per mistake, naming the key, the
// value given and what is allowed.
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../config/parse";
import { offlinePlan } from "../../plan/offlinePlan";
import { inputsOf, TYPES, MINIMAL_STACK_CONFIG } from "./fixtures";
import { loadIndex, overridesFrom, PROJECT_DIR, runStack } from "../harness";

function problems(api: Record<string, unknown>): string[] {
  const result = parseStackConfig({ ...MINIMAL_STACK_CONFIG, api });
  return result.ok ? [] : result.problems;
}

describe("api config", () => {
  it("an empty section takes the guide's values", () => {
    const result = parseStackConfig({ ...MINIMAL_STACK_CONFIG });
    if (!result.ok) throw new Error(result.problems.join("\n"));
    expect(result.config.api.releaseName).toBe("face-ocr-api");
    expect(result.config.api.env.CHROMA_PORT).toBe(8000);
    expect(result.config.api.database).toEqual({
      host: "postgres.cyber.svc.cluster.local",
      port: 5432,
      name: "face-ocr-db",
      user: "postgres",
    });
  });

  it.each([
    [
      { env: { CHROMA_PORT: 70000 } },
      "api.env.CHROMA_PORT = 70000: expected a port number between 1 and 65535; set it with `pulumi config set --path api.env.CHROMA_PORT <value>`",
    ],
    [
      { env: { CHROMA_HOSTNAME: "x" } },
      "api.env.CHROMA_HOSTNAME: unknown key; allowed keys here: ENVIRONMENT, CHROMA_HOST, CHROMA_PORT, CHROMA_COLLECTION, DOSASHOP_BASE_URL, DOSASHOP_DEFAULT_CONTAINER, DOSASHOP_UPLOAD_CONTAINER, DOSASHOP_SAS_TTL_SECONDS, MAX_UPLOAD_SIZE_MB, JOB_TTL_SECONDS, REDIS_URL",
    ],
    [
      { env: { JOB_TTL_SECONDS: "an hour" } },
      'api.env.JOB_TTL_SECONDS = "an hour": expected a whole number of seconds, at least 1; set it with `pulumi config set --path api.env.JOB_TTL_SECONDS <value>`',
    ],
    [
      { env: { REDIS_URL: "redis-master:6379" } },
      'api.env.REDIS_URL = "redis-master:6379": expected a redis:// or rediss:// URL; set it with `pulumi config set --path api.env.REDIS_URL <value>`',
    ],
    [
      { extraEnv: { CHROMA_HOST: "x" } },
      'api.env.CHROMA_HOST = "x": expected CHROMA_HOST here, under api.env (typed config), not under api.extraEnv; set it with `pulumi config set --path api.env.CHROMA_HOST <value>`',
    ],
    [
      { vpa: { updateMode: "auto" } },
      'api.vpa.updateMode = "auto": invalid option: expected one of "Auto"|"Recreate"|"Initial"|"Off"|"InPlaceOrRecreate"; set it with `pulumi config set --path api.vpa.updateMode <value>`',
    ],
    [
      { interval: "1 minute" },
      'api.interval = "1 minute": expected a Flux duration such as "30s", "1m" or "1h30m"; set it with `pulumi config set --path api.interval <value>`',
    ],
    [
      { imageAutomation: { initialTag: "dev" } },
      'api.imageAutomation.initialTag = "dev": expected a tag the policy can select: it does not match imageAutomation.tagPattern ^\\d+\\.\\d+\\.\\d+-alpha\\.\\d+$; set it with `pulumi config set --path api.imageAutomation.initialTag <value>`',
    ],
    [
      { helmRepository: { type: "oci", url: "https://charts.example.com" } },
      'api.helmRepository.url = "https://charts.example.com": expected an oci:// URL because helmRepository.type is "oci"; set it with `pulumi config set --path api.helmRepository.url <value>`',
    ],
  ])("%j", (api, message) => {
    expect(problems(api)).toEqual([message]);
  });

  it("refuses a secret's name in extraEnv: a secret must never sit in plain config", () => {
    expect(problems({ extraEnv: { DATABASE_URL: "postgresql://x" } })).toEqual([
      'api.extraEnv.DATABASE_URL = "postgresql://x": expected no value: DATABASE_URL is a secret, composed from api.database and `pulumi config set --secret databasePassword`; ' +
        "remove it with `pulumi config rm --path api.extraEnv.DATABASE_URL`",
    ]);
  });

  it("takes api.extraEnv values as `pulumi config set --path` stores them: numbers and booleans become strings", () => {
    const result = parseStackConfig({
      ...MINIMAL_STACK_CONFIG,
      api: { extraEnv: { WORKERS: 4, FLAG: true, LOG_LEVEL: "debug" } },
    });
    if (!result.ok) throw new Error(result.problems.join("\n"));
    expect(result.config.api.extraEnv).toEqual({ WORKERS: "4", FLAG: "true", LOG_LEVEL: "debug" });
  });

  it.each([
    [
      { X: { a: 1 } },
      'api.extraEnv.X = {"a":1}: expected a string, number or boolean value; set it with `pulumi config set --path api.extraEnv.X <value>`',
    ],
    [
      { X: [1] },
      "api.extraEnv.X = [1]: expected a string, number or boolean value; set it with `pulumi config set --path api.extraEnv.X <value>`",
    ],
  ])("refuses an api.extraEnv value that is not a scalar: %j", (extraEnv, message) => {
    expect(problems({ extraEnv })).toEqual([message]);
  });

  it("renders --config api.extraEnv.WORKERS=4 and api.extraEnv.FLAG=true as strings in the HelmRelease env", async () => {
    const run = await runStack({ config: { "api.extraEnv.WORKERS": 4, "api.extraEnv.FLAG": true } });
    const env = inputsOf(run.one(TYPES.helmRelease)).spec.values.env;
    expect(env.WORKERS).toBe("4");
    expect(env.FLAG).toBe("true");
  });

  it("the plan stops before registering anything and exits 2 with the message", async () => {
    const result = await offlinePlan({
      projectDir: PROJECT_DIR,
      stack: "dev",
      overrides: overridesFrom({ config: { "api.env.CHROMA_PORT": "70000" } }),
      program: await loadIndex(),
    });
    expect(result.kind).toBe("invalid-config");
    if (result.kind !== "invalid-config") return;
    expect(result.exitCode).toBe(2);
    expect(result.message).toContain(
      "  - api.env.CHROMA_PORT = 70000: expected a port number between 1 and 65535; set it with `pulumi config set --path api.env.CHROMA_PORT <value>`",
    );
  });
});
