/**
 * A minimal client of the Kubernetes REST API, for what an engine run does around Pulumi: apply the upstream CRDs,
 * create the namespaces the program expects, read objects back. Bearer token and the API server's own CA.
 */
import * as https from "https";

export interface KubeEndpoint {
  readonly server: string;
  readonly token: string;
  readonly ca: string;
}

export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status}: ${apiMessage(body)}`);
    this.name = "KubeApiError";
  }
}

/** The `message` of a Kubernetes Status body, else the body itself. */
function apiMessage(body: string): string {
  try {
    const status = JSON.parse(body) as { message?: string };
    if (status.message) return status.message;
  } catch {
    // not JSON
  }
  return body.slice(0, 500);
}

export class KubeClient {
  constructor(private readonly endpoint: KubeEndpoint) {}

  request(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<{ status: number; body: string }> {
    const url = new URL(path, this.endpoint.server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          ca: this.endpoint.ca,
          headers: {
            Authorization: `Bearer ${this.endpoint.token}`,
            Accept: "application/json",
            ...(payload === undefined ? {} : { "Content-Type": contentType, "Content-Length": Buffer.byteLength(payload) }),
          },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  async json<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const res = await this.request(method, path, body, contentType);
    if (res.status < 200 || res.status > 299) throw new KubeApiError(res.status, res.body, `${method} ${path}`);
    return JSON.parse(res.body) as T;
  }

  /** The object at `path`, or undefined if it does not exist. */
  async get<T>(path: string): Promise<T | undefined> {
    const res = await this.request("GET", path);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new KubeApiError(res.status, res.body, `GET ${path}`);
    return JSON.parse(res.body) as T;
  }

  /** Server-side apply of `object` at `path` (the object's own URL) under the given field manager. */
  apply(path: string, object: unknown, fieldManager: string): Promise<unknown> {
    return this.json("PATCH", `${path}?fieldManager=${fieldManager}&force=true`, object, "application/apply-patch+yaml");
  }
}

/** The API path of one object, from its apiVersion, kind's plural, namespace and name. */
export function objectPath(apiVersion: string, plural: string, namespace: string | undefined, name: string): string {
  const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${base}${namespace ? `/namespaces/${namespace}` : ""}/${plural}/${name}`;
}
