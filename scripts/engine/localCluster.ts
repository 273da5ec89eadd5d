/**
 * A throwaway Kubernetes API server on loopback: etcd and kube-apiserver from the pinned tool build, random free
 * ports, a data folder inside the run folder, a self-signed serving certificate, a static bearer token (generated per
 * run) and service-account keys generated per run. Of the controllers only the garbage collector and the namespace
 * controller run (kube-controller-manager): the Kubernetes provider deletes in the foreground, which the garbage
 * collector completes. Objects are stored, validated and defaulted by the API server, exactly what `pulumi up`
 * depends on; nothing else reconciles them (no kubelet, no scheduler, no KubeRay or Flux).
 */
import { generateKeyPairSync, randomBytes } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import * as YAML from "yaml";
import { KubeClient, KubeEndpoint } from "./kubeClient";
import { logTail, startProcess } from "./processes";

export const ENGINE_CONTEXT = "face-ocr-engine";

export interface LocalCluster extends KubeEndpoint {
  readonly kubeconfig: string;
  readonly context: string;
  readonly client: KubeClient;
}

export class ClusterStartError extends Error {}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, log: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(250);
  }
  throw new ClusterStartError(`${what} did not become ready in ${timeoutMs / 1000} s; last lines of ${log}:\n${logTail(log)}`);
}

function writeKeys(dir: string): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const pub = path.join(dir, "service-account.pub");
  const key = path.join(dir, "service-account.key");
  fs.writeFileSync(pub, publicKey);
  fs.writeFileSync(key, privateKey, { mode: 0o600 });
  return { publicKey: pub, privateKey: key };
}

export async function startLocalCluster(binDir: string, runDir: string): Promise<LocalCluster> {
  const etcdDir = path.join(runDir, "etcd");
  const certDir = path.join(runDir, "apiserver-certs");
  fs.mkdirSync(etcdDir, { recursive: true });
  fs.mkdirSync(certDir, { recursive: true });
  const [clientPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];

  const etcdLog = path.join(runDir, "etcd.log");
  startProcess(
    "etcd",
    path.join(binDir, "etcd"),
    [
      "--name=engine",
      `--data-dir=${etcdDir}`,
      `--listen-client-urls=http://127.0.0.1:${clientPort}`,
      `--advertise-client-urls=http://127.0.0.1:${clientPort}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=engine=http://127.0.0.1:${peerPort}`,
      "--log-level=warn",
    ],
    etcdLog,
  );
  await waitFor("etcd", etcdLog, 30_000, async () => (await fetch(`http://127.0.0.1:${clientPort}/health`)).ok);

  // Generated per run and never written outside the run folder.
  const token = randomBytes(24).toString("hex");
  const tokenFile = path.join(runDir, "tokens.csv");
  fs.writeFileSync(tokenFile, `${token},engine-admin,engine-admin,"system:masters"\n`, { mode: 0o600 });
  const keys = writeKeys(runDir);
  const apiLog = path.join(runDir, "kube-apiserver.log");
  startProcess(
    "kube-apiserver",
    path.join(binDir, "kube-apiserver"),
    [
      `--etcd-servers=http://127.0.0.1:${clientPort}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      `--cert-dir=${certDir}`,
      `--token-auth-file=${tokenFile}`,
      "--authorization-mode=RBAC",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${keys.publicKey}`,
      `--service-account-signing-key-file=${keys.privateKey}`,
      "--service-cluster-ip-range=10.96.0.0/16",
      "--allow-privileged=true",
      "--profiling=false",
    ],
    apiLog,
  );
  const caFile = path.join(certDir, "apiserver.crt");
  await waitFor("kube-apiserver's serving certificate", apiLog, 60_000, async () => fs.existsSync(caFile));
  const endpoint = { server: `https://127.0.0.1:${apiPort}`, token, ca: fs.readFileSync(caFile, "utf8") };
  const client = new KubeClient(endpoint);
  await waitFor("kube-apiserver", apiLog, 120_000, async () => (await client.request("GET", "/readyz")).status === 200);

  const kubeconfig = path.join(runDir, "kubeconfig");
  fs.writeFileSync(
    kubeconfig,
    YAML.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: ENGINE_CONTEXT, cluster: { server: endpoint.server, "certificate-authority": caFile } }],
      users: [{ name: "engine-admin", user: { token } }],
      contexts: [{ name: ENGINE_CONTEXT, context: { cluster: ENGINE_CONTEXT, user: "engine-admin" } }],
      "current-context": ENGINE_CONTEXT,
    }),
    { mode: 0o600 },
  );
  const kcmLog = path.join(runDir, "kube-controller-manager.log");
  startProcess(
    "kube-controller-manager",
    path.join(binDir, "kube-controller-manager"),
    [
      `--kubeconfig=${kubeconfig}`,
      "--controllers=garbage-collector-controller,namespace-controller",
      "--leader-elect=false",
      "--use-service-account-credentials=false",
      "--bind-address=127.0.0.1",
      `--secure-port=${await freePort()}`,
      `--cert-dir=${path.join(runDir, "controller-manager-certs")}`,
    ],
    kcmLog,
  );
  return { ...endpoint, kubeconfig, context: ENGINE_CONTEXT, client };
}

interface Crd {
  metadata: { name: string };
  status?: { conditions?: { type: string; status: string }[] };
}

/** Creates every CRD in `crdDir` (the upstream files, unmodified) and waits until each is Established. */
export async function applyCrds(client: KubeClient, crdDir: string): Promise<string[]> {
  const names: string[] = [];
  for (const file of fs
    .readdirSync(crdDir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(crdDir, file), "utf8"))) {
      const crd = doc.toJS() as Crd | null;
      if (!crd) continue;
      await client.json("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
      names.push(crd.metadata.name);
    }
  }
  for (const name of names) {
    await waitFor(`CRD ${name}`, "(the API server)", 30_000, async () => {
      const crd = await client.get<Crd>(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      return !!crd?.status?.conditions?.some((c) => c.type === "Established" && c.status === "True");
    });
  }
  return names;
}

/**
 * Creates the storage classes the program's claims name, as AKS has them built in (`azurefile` is provisioned by
 * file.csi.azure.com). No provisioner runs here, so they bind on first consumer: the Kubernetes provider then does
 * not wait for a claim to be bound, which nothing here would do. On AKS `azurefile` binds immediately.
 */
export async function createStorageClasses(client: KubeClient, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await client.json("POST", "/apis/storage.k8s.io/v1/storageclasses", {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name },
      provisioner: "file.csi.azure.com",
      volumeBindingMode: "WaitForFirstConsumer",
    });
  }
}

/** Creates the namespaces given, as a cluster that the program joins already has them. */
export async function createNamespaces(client: KubeClient, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await client.json("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  }
}
