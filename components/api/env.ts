import type { ApiConfig } from "../../config/sections/api";

/**
 * The env vars whose values are secrets. They never appear in the
 * HelmRelease: they sit in a Kubernetes Secret and reach the chart's `env`
 * map through `valuesFrom` (`targetPath: env.<NAME>`).
 */
export const SECRET_ENV_NAMES = ["DATABASE_URL", "CHROMA_TOKEN", "DOSASHOP_KEY"] as const;
export type SecretEnvName = (typeof SECRET_ENV_NAMES)[number];

/** What the API needs from the Ray component. */
export interface RayConnection {
  /** e.g. `ray://rayservice-head-svc.ray.svc.cluster.local:10001`. */
  readonly address: string;
  /** Ray namespace of the actors, e.g. `face-ocr`. */
  readonly namespace: string;
}

/**
 * The plain env map of the chart, in the order of the guide's Appendix B
 * (secret variables left out; extra variables last). Every value is a
 * string: the chart writes them into `env[].value`, which must be one.
 */
export function plainEnv(config: ApiConfig, ray: RayConnection): Record<string, string> {
  const e = config.env;
  const env: Record<string, string> = {
    ENVIRONMENT: e.ENVIRONMENT,
    APP_PORT: String(config.containerPort),
    RAY_ADDRESS: ray.address,
    RAY_NAMESPACE: ray.namespace,
    CHROMA_HOST: e.CHROMA_HOST,
    CHROMA_PORT: String(e.CHROMA_PORT),
    CHROMA_COLLECTION: e.CHROMA_COLLECTION,
    DOSASHOP_BASE_URL: e.DOSASHOP_BASE_URL,
    DOSASHOP_DEFAULT_CONTAINER: e.DOSASHOP_DEFAULT_CONTAINER,
    DOSASHOP_UPLOAD_CONTAINER: e.DOSASHOP_UPLOAD_CONTAINER,
    DOSASHOP_SAS_TTL_SECONDS: String(e.DOSASHOP_SAS_TTL_SECONDS),
    MAX_UPLOAD_SIZE_MB: String(e.MAX_UPLOAD_SIZE_MB),
    JOB_TTL_SECONDS: String(e.JOB_TTL_SECONDS),
    REDIS_URL: e.REDIS_URL,
  };
  for (const name of Object.keys(config.extraEnv).sort()) env[name] = config.extraEnv[name];
  return env;
}

/**
 * `postgresql://<user>:<password>@<host>:<port>/<database>` with user and
 * password percent-encoded, so a password holding `@`, `:` or `/` still
 * parses. Call it inside an `apply` of the secret password: the result is
 * as secret as its input.
 */
export function databaseUrl(database: ApiConfig["database"], password: string): string {
  const user = encodeURIComponent(database.user);
  return `postgresql://${user}:${encodeURIComponent(password)}@${database.host}:${database.port}/${encodeURIComponent(database.name)}`;
}
