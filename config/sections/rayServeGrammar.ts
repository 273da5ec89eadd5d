/*
 * The grammar of `ray.serve.applications`: what Ray Serve itself accepts in a Serve config file
 * (application names, route prefixes, import paths, runtime_env), checked before KubeRay submits the
 * config, plus what the ConfigMap apps need from the pods they run in.
 *
 * Ray Serve's own checks are in ray/serve/schema.py (`ServeApplicationSchema`): at most one colon in
 * an import path; route prefixes start with "/", do not end with "/" (except "/") and hold no
 * wildcards; runtime_env `working_dir` and `py_modules` only as remote URIs (a local directory is
 * refused at submission, after the RayService was applied).
 */
import { z } from "zod";
import { isSecretName, isSecretValue, urlWithCredentials } from "../../policies/lib/secretLike";
import { stringish } from "./stringish";

/** What a live system's Serve apps are called: letters, digits, `_`, `-`, `.`. Serve puts the name in URLs and metrics. */
export const SERVE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
/** `/` or one or more path segments without a trailing slash or wildcards. */
export const ROUTE_PREFIX = /^\/$|^(\/[A-Za-z0-9._~-]+)+$/;
const PY_DOTTED = String.raw`[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*`;
/** `module.sub:attribute` (Serve's form) or `module.sub.attribute`. */
export const IMPORT_PATH = new RegExp(`^(?:${PY_DOTTED}:${PY_DOTTED}|[A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)+)$`);
/** A remote URI Ray's runtime_env packaging can fetch (`parse_uri`): a `.zip` (working_dir, py_modules) or a `.whl` (py_modules). */
const REMOTE_ZIP = /^(https|s3|gs|azure|abfss|file):\/\/\S+\.zip$/;
const REMOTE_MODULE = /^(https|s3|gs|azure|abfss|file):\/\/\S+\.(zip|whl)$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const serveName = (what: string) =>
  z.string().regex(SERVE_NAME, { error: `expected ${what}: up to 63 letters, digits, "_", "-" and ".", starting with a letter or digit` });

export const routePrefix = z.string().regex(ROUTE_PREFIX, {
  error:
    'expected a route such as "/ocr": starting with "/", path segments of letters, digits and "._~-", no trailing "/" and no wildcards',
});

export const importPath = z.string().regex(IMPORT_PATH, {
  error: 'expected a Python import path module:attribute, such as "apps.text_utils:app" (one colon at most)',
});

/** Why a runtime_env value stays out of the Serve config, and where it goes instead. */
const SECRET_IN_RUNTIME_ENV =
  "looks like a secret: runtime_env is part of serveConfigV2, stored in clear in the RayService and shown by the Ray dashboard; " +
  "keep secrets out of the Serve config (read them in the application from a Kubernetes Secret) and remove this entry";

/** The value shown instead of a refused secret-looking value, as the config loader shows secret keys. */
const MASKED = "[secret]";

const envVars = z.record(
  z.string().regex(ENV_NAME, { error: "expected an environment variable name: letters, digits and _, not starting with a digit" }),
  stringish,
);

/**
 * Ray's runtime_env, the parts a Serve config file uses. Strict, so a misspelt key (`env_var`) is an error here and not
 * a silently ignored option in the cluster.
 */
export const runtimeEnvSchema = z
  .object({
    /** A remote `.zip` with the app's code (a local path is refused by Serve). */
    working_dir: z
      .string()
      .regex(REMOTE_ZIP, {
        error:
          'expected a remote .zip URI such as "https://example.com/apps.zip" (Serve refuses local directories; code from a ConfigMap is found through env_vars.PYTHONPATH)',
      })
      .optional(),
    /** Remote `.zip` or `.whl` modules. */
    py_modules: z
      .array(z.string().regex(REMOTE_MODULE, { error: 'expected a remote .zip or .whl URI such as "https://example.com/module.whl"' }))
      .optional(),
    /** Environment of the app's Ray workers; PYTHONPATH here is how an app imports code mounted from a ConfigMap. */
    env_vars: envVars.optional(),
    pip: z.union([z.array(z.string()), z.object({ packages: z.array(z.string()) }).loose()]).optional(),
    excludes: z.array(z.string()).optional(),
    config: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((env, ctx) => {
    for (const [name, value] of Object.entries(env.env_vars ?? {})) {
      const secretByName = isSecretName(name) && isSecretValue(value);
      if (secretByName || urlWithCredentials(value) !== undefined) {
        ctx.addIssue({ code: "custom", path: ["env_vars", name], input: MASKED, message: SECRET_IN_RUNTIME_ENV });
      }
    }
  });

export type RuntimeEnvConfig = z.infer<typeof runtimeEnvSchema>;

interface MountLike {
  readonly mountPath: string;
}

interface AppLike {
  readonly runtime_env?: RuntimeEnvConfig;
}

const under = (dir: string, mount: string) => dir === mount || dir.startsWith(mount.endsWith("/") ? mount : `${mount}/`);

/**
 * A ConfigMap app imports its code through `runtime_env.env_vars.PYTHONPATH`. Serve may start its build task and its
 * replicas on the head or on a CPU worker, so every absolute PYTHONPATH entry must be a ConfigMap mount (or inside
 * one) on both; otherwise the app is DEPLOY_FAILED on whichever pod lacks it, and KubeRay never marks the service ready.
 */
export function checkServeCodeMounts(
  applications: readonly AppLike[],
  mounts: { readonly head: readonly MountLike[]; readonly cpuWorker: readonly MountLike[] },
  ctx: z.RefinementCtx,
): void {
  applications.forEach((app, i) => {
    const pythonPath = app.runtime_env?.env_vars?.PYTHONPATH;
    if (pythonPath === undefined) return;
    for (const dir of pythonPath.split(":").filter((d) => d.startsWith("/"))) {
      const missing = (["head", "cpuWorker"] as const).filter((group) => !mounts[group].some((m) => under(dir, m.mountPath)));
      if (missing.length === 0) continue;
      ctx.addIssue({
        code: "custom",
        path: ["serve", "applications", i, "runtime_env", "env_vars", "PYTHONPATH"],
        input: pythonPath,
        message:
          `${dir} is not a ConfigMap mount on ${missing.map((g) => `ray.${g}`).join(" and ")}: Serve runs the app's code on the head and the CPU workers, ` +
          `so mount the app's ConfigMap there (${missing.map((g) => `ray.${g}.configMapMounts`).join(", ")}: { configMap, mountPath: ${dir} })`,
      });
    }
  });
}
