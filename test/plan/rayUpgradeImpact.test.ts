// The KubeRay labels from preview documents: a real `pulumi preview --json` (steps with oldState and newState) through
// `npm run ray-upgrade-impact`, and two offline plans compared by `npm run plan -- --baseline`.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareWithBaseline, formatImpacts, impactsOfPreview, PreviewReadError } from "../../plan/rayUpgradeImpact";
import { runRayUpgradeImpact } from "../../scripts/rayUpgradeImpact";
import { runStack } from "../harness";
import { Loose, rayServiceOf } from "../ray/fixtures";

const URN = "urn:pulumi:dev::face-ocr-platform::face-ocr:ray:RayCluster$kubernetes:ray.io/v1:RayService::ray-service";
const STACK_URN = "urn:pulumi:dev::face-ocr-platform::pulumi:pulumi:Stack::face-ocr-platform-dev";
const PROVIDER = "urn:pulumi:dev::face-ocr-platform::pulumi:providers:kubernetes::default_4_25_0::04da6b54-80e4-46f7-96ec-b56ff0331ba9";

let dev: Loose;
let dir: string;

beforeAll(async () => {
  dev = rayServiceOf(await runStack());
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ray-impact-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function edited(edit: (rs: Loose) => void): Loose {
  const copy = structuredClone(dev);
  edit(copy);
  return copy;
}

/** A step as `pulumi preview --json` prints it: states with type, urn, inputs and outputs (outputs carry server fields). */
function state(inputs: Loose) {
  return { urn: URN, custom: true, type: "kubernetes:ray.io/v1:RayService", inputs, outputs: { ...inputs, status: {} }, parent: "urn:x" };
}

function previewOf(steps: Loose[]) {
  return { config: {}, steps, duration: 1200000000, changeSummary: { same: 21, update: 1 } };
}

const updateStep = (after: Loose) => ({
  op: "update",
  urn: URN,
  provider: PROVIDER,
  oldState: state(dev),
  newState: state(after),
  diffReasons: ["spec"],
  detailedDiff: { spec: { kind: "update", inputDiff: true } },
});

const stackSame = { op: "same", urn: STACK_URN, provider: "", oldState: { urn: STACK_URN, type: "pulumi:pulumi:Stack" } };

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

describe("a real preview's steps", () => {
  it("an update of the GPU image: new cluster, each changed field with its class", () => {
    const after = edited((rs) => {
      rs.spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].image = "example.azurecr.io/worker@sha256:" + "2".repeat(64);
      rs.spec.rayClusterConfig.workerGroupSpecs[1].replicas = 2;
    });
    const impacts = impactsOfPreview(previewOf([stackSame, updateStep(after)]), "preview.json");
    expect(formatImpacts(impacts)).toEqual([
      "RayService ray/rayservice (ray-service): new cluster (zero-downtime upgrade: KubeRay starts a pending RayCluster, switches rayservice-head-svc and -serve-svc to it once its Serve applications are RUNNING, and deletes the old one 60 s later, ending Ray Client sessions and actors on it; 2 extra GPU pods (2 GPUs): 2 extra GPU nodes needed during the switch)",
      "  new cluster               spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].image: cluster hash changed: upgradeStrategy NewCluster starts a pending RayCluster",
      "  no effect on running pods spec.rayClusterConfig.workerGroupSpecs[1].replicas: excluded from KubeRay's cluster hash: the running RayCluster is not updated",
    ]);
  });

  it("same, and the three steps of a replacement counted once", () => {
    const same = { op: "same", urn: URN, provider: PROVIDER, oldState: state(dev), newState: state(dev) };
    expect(impactsOfPreview(previewOf([same]), "p").map((i) => i.impact.label)).toEqual(["unchanged"]);
    const renamed = edited((rs) => (rs.metadata.name = "faces"));
    const steps = [
      { op: "create-replacement", urn: URN, oldState: state(dev), newState: state(renamed) },
      { op: "replace", urn: URN, oldState: state(dev), newState: state(renamed) },
      { op: "delete-replaced", urn: URN, oldState: state(dev) },
    ];
    expect(impactsOfPreview(previewOf(steps), "p").map((i) => [i.impact.op, i.impact.label])).toEqual([
      [
        "replace",
        "replaced: Pulumi deletes the RayService and its RayClusters and creates a new one (outage, not a zero-downtime upgrade)",
      ],
    ]);
  });

  it("an update step without its inputs is an unreadable preview, not a guess", () => {
    const step = { op: "update", urn: URN, newState: state(dev) };
    expect(() => impactsOfPreview(previewOf([step]), "saved.json")).toThrow(
      new PreviewReadError(
        `saved.json: the update of ${URN} has no oldState.inputs or newState.inputs; save one with \`pulumi preview --json --stack <stack> > preview.json\`, or pass an offline plan's out/<stack>/`,
      ),
    );
  });
});

describe("npm run ray-upgrade-impact", () => {
  it("prints the labels of a saved preview, exit 0", () => {
    const after = edited((rs) => (rs.spec.serveConfigV2 = rs.spec.serveConfigV2.replace("LOG_LEVEL: info", "LOG_LEVEL: debug")));
    const file = write("preview.json", JSON.stringify(previewOf([stackSame, updateStep(after)])));
    expect(runRayUpgradeImpact(["preview.json"], dir)).toEqual({
      exitCode: 0,
      stdout:
        "RayService ray/rayservice (ray-service): in place\n" +
        "  in place                  spec.serveConfigV2: KubeRay submits the new Serve config to the serving cluster (checkIfNeedSubmitServeApplications); changed applications redeploy their replicas, pods stay\n",
      stderr: "",
    });
    expect(fs.existsSync(file)).toBe(true);
  });

  it("a preview without a RayService step says so", () => {
    write("no-ray.json", JSON.stringify(previewOf([stackSame])));
    expect(runRayUpgradeImpact(["no-ray.json"], dir)).toEqual({
      exitCode: 0,
      stdout: `No RayService step in ${path.join(dir, "no-ray.json")}: the RayService is unchanged (a preview saved without --show-sames leaves unchanged resources out).\n`,
      stderr: "",
    });
  });

  it("an unreadable file, a file that is not JSON or not a preview, and no argument: exit 2 with the reason", () => {
    const hint = "save one with `pulumi preview --json --stack <stack> > preview.json`, or pass an offline plan's out/<stack>/";
    const missing = path.join(dir, "missing.json");
    expect(runRayUpgradeImpact(["missing.json"], dir)).toEqual({
      exitCode: 2,
      stdout: "",
      stderr: `cannot read ${missing} (ENOENT); ${hint}\n`,
    });
    const text = write("text.json", "Previewing update (dev):\n");
    expect(runRayUpgradeImpact([text], dir).stderr).toBe(
      `${text} is not JSON (Unexpected token 'P', "Previewing"... is not valid JSON); ${hint}\n`,
    );
    const notPreview = write("other.json", JSON.stringify({ resources: [] }));
    expect(runRayUpgradeImpact([notPreview], dir)).toEqual({
      exitCode: 2,
      stdout: "",
      stderr: `${notPreview} is not a preview document: expected an object with a "steps" array; ${hint}\n`,
    });
    expect(runRayUpgradeImpact([], dir)).toEqual({
      exitCode: 2,
      stdout: "",
      stderr: "expected one preview file\nusage: npm run ray-upgrade-impact -- PREVIEW.json   (saved with `pulumi preview --json`)\n",
    });
  });
});

describe("two offline plans", () => {
  it("the RayService of the current plan against the baseline's, by URN", () => {
    const offline = (inputs: Loose) => ({
      steps: [{ op: "create", urn: URN, newState: { urn: URN, type: "kubernetes:ray.io/v1:RayService", inputs } }],
    });
    const after = edited((rs) => (rs.spec.rayClusterConfig.workerGroupSpecs[0].maxReplicas = 4));
    const [only] = compareWithBaseline(offline(dev), offline(after));
    expect([only.urn, only.impact.class, only.impact.label]).toEqual([URN, "no-effect", "no effect on running pods"]);
    expect(compareWithBaseline({ steps: [] }, offline(dev)).map((i) => i.impact.op)).toEqual(["create"]);
  });
});
