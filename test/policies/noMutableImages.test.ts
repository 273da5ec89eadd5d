import { describe, expect, it } from "vitest";
import { noMutableImages } from "../../policies/rules/noMutableImages";
import { at, HELM_RELEASE, helmReleaseProps, planResource, RAY_SERVICE, rayServiceProps } from "./fixtures";
import { messagesOf, violationsOf } from "./helpers";

const policy = noMutableImages();
const PROD = { "no-mutable-images": { environment: "prod" } };
const DEV = { "no-mutable-images": { environment: "dev" } };
const GPU_WORKER = ["spec", "rayClusterConfig", "workerGroupSpecs", 1, "template", "spec", "containers", 0] as const;
const WORKER_KEYS = " In this stack: `pulumi config set --path ray.gpuWorker.image.tag <build tag>` or set ray.gpuWorker.image.digest.";
const FIX =
  'pin the build: a version tag (such as the pipeline\'s build tag) or an @sha256 digest, so a new image reaches the cluster through a visible plan instead of a pod restart (deployment guide, "New pod has old image"). ' +
  'A non-production stack sets {"no-mutable-images": {"environment": "dev"}} in its policies/config/<stack>.json.';

function rayService() {
  return planResource(RAY_SERVICE, "rayservice", rayServiceProps());
}

describe("no-mutable-images", () => {
  it("passes pinned images in production", async () => {
    expect(await violationsOf(policy, [rayService(), planResource(HELM_RELEASE, "face-ocr-api", helmReleaseProps())], PROD)).toEqual([]);
  });

  it("rejects :latest in production", async () => {
    const rs = rayService();
    at(rs.props, ...GPU_WORKER).image = "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:latest";
    expect(await messagesOf(policy, rs, PROD)).toEqual([
      'RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].image "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:latest" uses the moving tag "latest" in a production stack: ' +
        FIX +
        WORKER_KEYS,
    ]);
  });

  it("rejects the guide's :dev worker tag and an untagged image in production", async () => {
    const rs = rayService();
    Object.assign(at(rs.props, ...GPU_WORKER), {
      image: "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev",
      imagePullPolicy: "Always",
    });
    at(rs.props, "spec", "rayClusterConfig", "headGroupSpec", "template", "spec", "containers", 0).image = "rayproject/ray";
    expect(await messagesOf(policy, rs, PROD)).toEqual([
      'RayService "rayservice" spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].image "rayproject/ray" has no tag (so it means :latest) in a production stack: ' +
        FIX,
      'RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].image "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev" uses the moving tag "dev" in a production stack: ' +
        FIX +
        WORKER_KEYS,
    ]);
  });

  it("accepts a moving tag pinned by digest", async () => {
    const rs = rayService();
    at(rs.props, ...GPU_WORKER).image = `cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev@sha256:${"a".repeat(64)}`;
    expect(await violationsOf(policy, rs, PROD)).toEqual([]);
  });

  it("applies when the stack has no policy config (fail closed) and not in dev or uat", async () => {
    const rs = rayService();
    Object.assign(at(rs.props, ...GPU_WORKER), {
      image: "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev",
      imagePullPolicy: "Always",
    });
    expect(await messagesOf(policy, rs)).toHaveLength(1);
    expect(await messagesOf(policy, rs, { "no-mutable-images": { environment: "production" } })).toHaveLength(1);
    expect(await violationsOf(policy, rs, DEV)).toEqual([]);
    expect(await violationsOf(policy, rs, { "no-mutable-images": { environment: "uat" } })).toEqual([]);
  });

  it("accepts a chart image whose tag Flux supplies through valuesFrom", async () => {
    expect(await violationsOf(policy, planResource(HELM_RELEASE, "face-ocr-api", helmReleaseProps()), PROD)).toEqual([]);
  });

  it("rejects a chart image with no tag and no valuesFrom for it", async () => {
    const hr = planResource(HELM_RELEASE, "face-ocr-api", helmReleaseProps());
    at(hr.props, "spec").valuesFrom.splice(0, 1);
    expect(await messagesOf(policy, hr, PROD)).toEqual([
      'HelmRelease "face-ocr-api" spec.values.image.tag (image cybersmartstg.azurecr.io/data-ai/face-ocr-api) sets no image.tag and takes none from spec.valuesFrom in a production stack: ' +
        FIX,
    ]);
  });

  it("rejects a chart image tag of latest", async () => {
    const hr = planResource(HELM_RELEASE, "face-ocr-api", helmReleaseProps());
    at(hr.props, "spec").valuesFrom.splice(0, 1);
    at(hr.props, "spec", "values", "image").tag = "latest";
    expect(await messagesOf(policy, hr, PROD)).toEqual([
      'HelmRelease "face-ocr-api" spec.values.image.tag (image cybersmartstg.azurecr.io/data-ai/face-ocr-api) uses the moving tag "latest" in a production stack: ' +
        FIX,
    ]);
  });

  it("skips an image that is unknown during preview", async () => {
    const rs = rayService();
    at(rs.props, ...GPU_WORKER).image = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect(await violationsOf(policy, rs, PROD)).toEqual([]);
  });

  it.each(["Latest", "DEV", "Main", "NIGHTLY"])("treats the case variant :%s as the moving tag it is", async (tag) => {
    const rs = rayService();
    Object.assign(at(rs.props, ...GPU_WORKER), {
      image: `cybersmartstg.azurecr.io/data-ai/face-ocr-worker:${tag}`,
      imagePullPolicy: "Always",
    });
    expect(await messagesOf(policy, rs, PROD)).toEqual([
      `RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].image "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:${tag}" uses the moving tag "${tag}" in a production stack: ` +
        FIX +
        WORKER_KEYS,
    ]);
  });

  it.each([
    ["IfNotPresent", "is IfNotPresent"],
    ["Never", "is Never"],
    [undefined, "is unset, so Kubernetes uses IfNotPresent"],
  ])("refuses a moving tag pulled %s, in every environment", async (pullPolicy, how) => {
    const rs = rayService();
    Object.assign(at(rs.props, ...GPU_WORKER), {
      image: "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev",
      imagePullPolicy: pullPolicy,
    });
    const message =
      `RayService "rayservice" spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].imagePullPolicy ${how} for "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev", whose tag "dev" moves: ` +
      'a node that pulled it once keeps starting the old build (deployment guide, "New pod has old image"). Set imagePullPolicy: Always, or pin the build with a version tag or an @sha256 digest.';
    expect(await messagesOf(policy, rs, DEV)).toEqual([message]);
  });

  it("accepts :latest without a pull policy (Kubernetes pulls it Always) in dev, and a pinned tag with IfNotPresent", async () => {
    const rs = rayService();
    at(rs.props, ...GPU_WORKER).image = "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:latest";
    expect(await violationsOf(policy, rs, DEV)).toEqual([]);
    Object.assign(at(rs.props, ...GPU_WORKER), {
      image: "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:1.0.0-build.42",
      imagePullPolicy: "IfNotPresent",
    });
    expect(await violationsOf(policy, rs, PROD)).toEqual([]);
  });
});
