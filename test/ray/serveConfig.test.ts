// `ray.serve`, `ray.upgrade` and `ray.autoscaling`: the exact message for each refused value, and the dev stack's
// Serve applications with what they need from the pods.
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../config/parse";
import { devStackSection, EXAMPLE_CLUSTER, MINIMAL_SERVE_APP, minimalStackConfig, runStack } from "../harness";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

/** Problems for the minimal config with the `ray` section's keys replaced by these. */
function problemsFor(ray: Loose): string[] {
  const base = minimalStackConfig();
  const result = parseStackConfig({ ...base, ray: { ...base.ray, ...ray } });
  return result.ok ? [] : result.problems;
}

const app = (fields: Loose) => ({ serve: { applications: [{ ...MINIMAL_SERVE_APP, ...fields }] } });

const EMPTY_SERVE =
  "ray.serve.applications = []: a RayService needs at least one Serve application: KubeRay (v1.7.0, rayservice_controller.go) marks it ready, " +
  "creates or switches <ray.serviceName>-head-svc and promotes a new RayCluster only once its Serve applications are RUNNING, so without any " +
  "the API's RAY_ADDRESS never resolves and every upgrade holds a second set of GPU pods that is never promoted; copy the live applications " +
  "(`kubectl get rayservice rayservice -n ray -o jsonpath='{.spec.serveConfigV2}'`) into ray.serve.applications in Pulumi.<stack>.yaml, " +
  'with their ConfigMaps in ray.head.configMapMounts and ray.cpuWorker.configMapMounts (docs/ray.md, "Change the Serve applications"); ' +
  "set it with `pulumi config set --path ray.serve.applications <value>`";

describe("a RayService without Serve applications is refused", () => {
  it("an empty list and a missing one, with why and how to fill it", () => {
    expect(problemsFor({ serve: { applications: [] } })).toEqual([EMPTY_SERVE]);
    expect(problemsFor({ serve: undefined })).toEqual([EMPTY_SERVE]);
  });

  it("end to end: the program stops before registering anything", async () => {
    const failure = await runStack({ config: { ray: { ...minimalStackConfig().ray, serve: { applications: [] } } } }).then(
      () => "no error",
      (err: Error) => err.message,
    );
    expect(failure).toBe(`Invalid config for stack "dev":\n  - ${EMPTY_SERVE}`);
  });
});

describe("Serve's grammar", () => {
  it("application and deployment names", () => {
    expect(problemsFor(app({ name: "text utils", deployments: [{ name: "a#b" }] }))).toEqual([
      'ray.serve.applications[0].name = "text utils": expected an application name: up to 63 letters, digits, "_", "-" and ".", starting with a letter or digit; set it with `pulumi config set --path ray.serve.applications[0].name <value>`',
      'ray.serve.applications[0].deployments[0].name = "a#b": expected the deployment\'s class or function name: up to 63 letters, digits, "_", "-" and ".", starting with a letter or digit; set it with `pulumi config set --path ray.serve.applications[0].deployments[0].name <value>`',
    ]);
  });

  it("route prefixes: a trailing slash and a wildcard are refused, / and null are fine", () => {
    const message = (v: string) =>
      `ray.serve.applications[0].route_prefix = "${v}": expected a route such as "/ocr": starting with "/", path segments of letters, digits and "._~-", no trailing "/" and no wildcards; set it with \`pulumi config set --path ray.serve.applications[0].route_prefix <value>\``;
    expect(problemsFor(app({ route_prefix: "/ocr/" }))).toEqual([message("/ocr/")]);
    expect(problemsFor(app({ route_prefix: "/ocr/{id}" }))).toEqual([message("/ocr/{id}")]);
    expect(problemsFor(app({ route_prefix: "ocr" }))).toEqual([message("ocr")]);
    expect(problemsFor(app({ route_prefix: "/" }))).toEqual([]);
    expect(problemsFor(app({ route_prefix: null }))).toEqual([]);
  });

  it("import paths: one colon at most, Python identifiers", () => {
    const message = (v: string) =>
      `ray.serve.applications[0].import_path = "${v}": expected a Python import path module:attribute, such as "apps.text_utils:app" (one colon at most); set it with \`pulumi config set --path ray.serve.applications[0].import_path <value>\``;
    expect(problemsFor(app({ import_path: "a:b:c" }))).toEqual([message("a:b:c")]);
    expect(problemsFor(app({ import_path: "apps/ocr:app" }))).toEqual([message("apps/ocr:app")]);
    expect(problemsFor(app({ import_path: "app" }))).toEqual([message("app")]);
    expect(problemsFor(app({ import_path: "apps.ocr.app" }))).toEqual([]);
  });

  it("runtime_env: working_dir and py_modules only as remote URIs (Serve refuses local paths), no unknown keys", () => {
    expect(problemsFor(app({ runtime_env: { working_dir: "/home/ray/apps", py_modules: ["s3://bucket/m.whl", "./m"] } }))).toEqual([
      'ray.serve.applications[0].runtime_env.working_dir = "/home/ray/apps": expected a remote .zip URI such as "https://example.com/apps.zip" (Serve refuses local directories; code from a ConfigMap is found through env_vars.PYTHONPATH); set it with `pulumi config set --path ray.serve.applications[0].runtime_env.working_dir <value>`',
      'ray.serve.applications[0].runtime_env.py_modules[1] = "./m": expected a remote .zip or .whl URI such as "https://example.com/module.whl"; set it with `pulumi config set --path ray.serve.applications[0].runtime_env.py_modules[1] <value>`',
    ]);
    expect(problemsFor(app({ runtime_env: { env_var: { A: "1" } } }))).toEqual([
      "ray.serve.applications[0].runtime_env.env_var: unknown key; allowed keys here: working_dir, py_modules, env_vars, pip, excludes, config",
    ]);
  });
});

describe("no secrets in runtime_env", () => {
  const SECRET =
    "looks like a secret: runtime_env is part of serveConfigV2, stored in clear in the RayService and shown by the Ray dashboard; " +
    "keep secrets out of the Serve config (read them in the application from a Kubernetes Secret) and remove this entry";

  it("a secret-named value and a URL with a password are refused without echoing them", () => {
    const problems = problemsFor(
      app({
        runtime_env: { env_vars: { DB_PASSWORD: "fake-db-password", CACHE_URL: "redis://user:fake-pw@cache:6379/0", LOG_LEVEL: "info" } },
      }),
    );
    expect(problems).toEqual([
      `ray.serve.applications[0].runtime_env.env_vars.DB_PASSWORD = "[secret]": ${SECRET}; set it with \`pulumi config set --path ray.serve.applications[0].runtime_env.env_vars.DB_PASSWORD <value>\``,
      `ray.serve.applications[0].runtime_env.env_vars.CACHE_URL = "[secret]": ${SECRET}; set it with \`pulumi config set --path ray.serve.applications[0].runtime_env.env_vars.CACHE_URL <value>\``,
    ]);
    expect(problems.join("\n")).not.toContain("fake-db-password");
    expect(problems.join("\n")).not.toContain("fake-pw");
  });

  it("in a deployment's ray_actor_options too; a name about a secret (a path, a TTL) is fine", () => {
    const deployments = [
      { name: "Ocr", ray_actor_options: { runtime_env: { env_vars: { API_TOKEN: "fake-token", TOKEN_TTL_SECONDS: "60" } } } },
    ];
    expect(problemsFor(app({ deployments }))).toEqual([
      `ray.serve.applications[0].deployments[0].ray_actor_options.runtime_env.env_vars.API_TOKEN = "[secret]": ${SECRET}; set it with \`pulumi config set --path ray.serve.applications[0].deployments[0].ray_actor_options.runtime_env.env_vars.API_TOKEN <value>\``,
    ]);
    expect(problemsFor(app({ runtime_env: { env_vars: { KEY_PATH: "/etc/keys/app.pem" } } }))).toEqual([]);
  });
});

describe("ConfigMap apps need their mount on the head and the CPU worker", () => {
  it("a PYTHONPATH entry mounted on neither, or on one only", () => {
    const pythonPath = { runtime_env: { env_vars: { PYTHONPATH: "/home/ray/apps/ocr" } } };
    const mounts = [{ configMap: "ocr-app", mountPath: "/home/ray/apps" }];
    expect(problemsFor({ ...app(pythonPath), head: { configMapMounts: mounts } })).toEqual([
      "ray.serve.applications[0].runtime_env.env_vars.PYTHONPATH = \"/home/ray/apps/ocr\": /home/ray/apps/ocr is not a ConfigMap mount on ray.cpuWorker: Serve runs the app's code on the head and the CPU workers, so mount the app's ConfigMap there (ray.cpuWorker.configMapMounts: { configMap, mountPath: /home/ray/apps/ocr }); set it with `pulumi config set --path ray.serve.applications[0].runtime_env.env_vars.PYTHONPATH <value>`",
    ]);
    expect(problemsFor(app(pythonPath))).toHaveLength(1);
    expect(problemsFor(app(pythonPath))[0]).toContain("is not a ConfigMap mount on ray.head and ray.cpuWorker");
    expect(problemsFor({ ...app(pythonPath), head: { configMapMounts: mounts }, cpuWorker: { configMapMounts: mounts } })).toEqual([]);
  });

  it("the dev stack's applications validate, with their ConfigMap on both groups", () => {
    const ray = devStackSection("ray") as Loose;
    expect(ray.serve.applications.map((a: Loose) => [a.name, a.route_prefix, a.import_path])).toEqual([
      ["text-utils", "/text-utils", "text_utils.app:app"],
    ]);
    const mount = [{ configMap: "serve-app-text-utils", mountPath: "/home/ray/serve-apps/text-utils" }];
    expect([ray.head.configMapMounts, ray.cpuWorker.configMapMounts]).toEqual([mount, mount]);
    const result = parseStackConfig({ cluster: EXAMPLE_CLUSTER, registry: { resourceGroupName: "rg-example" }, ray });
    expect(result.ok ? [] : result.problems).toEqual([]);
  });
});

describe("ray.upgrade and ray.autoscaling", () => {
  it("defaults: NewCluster, KubeRay's 60 s delay, a 1h initializing timeout, autoscaling off", () => {
    const result = parseStackConfig(minimalStackConfig());
    if (!result.ok) throw new Error(result.problems.join("\n"));
    expect(result.config.ray.upgrade).toEqual({ type: "NewCluster", rayClusterDeletionDelaySeconds: 60, initializingTimeout: "1h" });
    expect(result.config.ray.autoscaling).toEqual({ enabled: false, idleTimeoutSeconds: 60, upscalingMode: "Default" });
  });

  it("an unknown type, a negative delay and timeouts KubeRay refuses", () => {
    expect(problemsFor({ upgrade: { type: "Recreate", rayClusterDeletionDelaySeconds: -1, initializingTimeout: "0s" } })).toEqual([
      'ray.upgrade.type = "Recreate": expected one of NewCluster, NewClusterWithIncrementalUpgrade, None (KubeRay v1.7.0\'s upgrade types); set it with `pulumi config set --path ray.upgrade.type <value>`',
      "ray.upgrade.rayClusterDeletionDelaySeconds = -1: expected 0 or more seconds; set it with `pulumi config set --path ray.upgrade.rayClusterDeletionDelaySeconds <value>`",
      'ray.upgrade.initializingTimeout = "0s": expected a positive Go duration such as "30m" or "1h", or whole seconds such as "1800"; set it with `pulumi config set --path ray.upgrade.initializingTimeout <value>`',
    ]);
    expect(problemsFor({ upgrade: { initializingTimeout: "1800" } })).toEqual([]);
    expect(problemsFor({ upgrade: { initializingTimeout: "1h30m" } })).toEqual([]);
    expect(problemsFor({ upgrade: { initializingTimeout: "soon" } })).toHaveLength(1);
  });

  it("the incremental upgrade needs the autoscaler and its options; the options need the incremental upgrade", () => {
    expect(problemsFor({ upgrade: { type: "NewClusterWithIncrementalUpgrade" } })).toEqual([
      'ray.upgrade.type = "NewClusterWithIncrementalUpgrade": the Ray autoscaler is required for NewClusterWithIncrementalUpgrade (KubeRay refuses the RayService without it); set ray.autoscaling.enabled to true, or use NewCluster; set it with `pulumi config set --path ray.upgrade.type <value>`',
      "ray.upgrade.clusterUpgradeOptions is missing: the type NewClusterWithIncrementalUpgrade needs { stepSizePercent, intervalSeconds, gatewayClassName } (KubeRay refuses the RayService without them); set it with `pulumi config set --path ray.upgrade.clusterUpgradeOptions <value>`",
    ]);
    const options = { stepSizePercent: 50, maxSurgePercent: 25, intervalSeconds: 30, gatewayClassName: "istio" };
    expect(problemsFor({ upgrade: { clusterUpgradeOptions: options } })).toEqual([
      "ray.upgrade.clusterUpgradeOptions.stepSizePercent = 50: stepSizePercent must not exceed maxSurgePercent (25); set it with `pulumi config set --path ray.upgrade.clusterUpgradeOptions.stepSizePercent <value>`",
      'ray.upgrade.clusterUpgradeOptions = {"maxSurgePercent":25,"stepSizePercent":50,"intervalSeconds":30,"gatewayClass...: only read with type NewClusterWithIncrementalUpgrade (ray.upgrade.type is NewCluster); remove it, or change the type; remove it with `pulumi config rm --path ray.upgrade.clusterUpgradeOptions`',
    ]);
  });
});
