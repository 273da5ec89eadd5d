// npm run promote end to end on the fixture project (test/fixtures/promote): the offline plans of dev and uat,
// the file it writes and the plan diff it prints, and each refusal, after which nothing has changed.
import * as fs from "fs";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackConfigFromStrings } from "../../config/parse";
import { RELEASE_KEYS, releaseOf } from "../../config/release";
import type { Environment, StackConfig } from "../../config/stackConfig";
import type { StackRole } from "../../config/stackRole";
import { fakeDigest } from "../../plan/mocks";
import { buildPlanConfig } from "../../plan/stackConfigFile";
import { formatPromotion } from "../../promote/cli";
import { PromoteInputError, PromoteRefusal } from "../../promote/errors";
import { checkPromotionOrder, Promotion, promote, PromoteOptions, writePromotion } from "../../promote/promote";
import { RELEASE_FIELDS } from "../../promote/releaseFields";
import { loadIndex } from "../harness";
import { DEV_DIGEST, fixtureCopy, fixtureText, readTree, UAT_AFTER_DEV_RELEASE, UAT_DIGEST } from "./fixture";

const DEV = fixtureText("Pulumi.dev.yaml");
/** Dev naming its worker by the moving tag the pipeline pushes, as the live system does. */
const MOVING_DEV = DEV.replace(`        digest: ${DEV_DIGEST}\n`, "").replace('tag: "20261130.4"', "tag: dev");
const WORKER = "cybersmartstg.azurecr.io/data-ai/face-ocr-worker";
const DEV_TAG_PATTERN = "^\\d+\\.\\d+\\.\\d+(-alpha\\.\\d+)?$";
const DEFAULT_TAG_PATTERN = "^\\d+\\.\\d+\\.\\d+-alpha\\.\\d+$";

function devConfig(dir: string): StackConfig {
  const plan = buildPlanConfig(dir, "dev", []);
  const parsed = stackConfigFromStrings(plan.config, "face-ocr-platform", plan.secretKeys, "dev");
  if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
  return parsed.config;
}
const dirs: string[] = [];
let program: () => unknown;

function project(edits: Readonly<Record<string, string>> = {}): string {
  const dir = fixtureCopy(edits);
  dirs.push(dir);
  return dir;
}

function options(projectDir: string, extra: Partial<PromoteOptions> = {}): PromoteOptions {
  return { projectDir, from: "dev", to: "uat", program, ...extra };
}

/** Runs a promotion that must be refused; returns the message, after checking the project folder is unchanged. */
async function refusal(projectDir: string, extra: Partial<PromoteOptions> = {}): Promise<string> {
  const before = readTree(projectDir);
  const error = await promote(options(projectDir, extra)).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(PromoteRefusal);
  expect(readTree(projectDir)).toEqual(before);
  return (error as Error).message;
}

beforeAll(async () => {
  program = await loadIndex();
});

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("promoting dev's release to uat", () => {
  let dir: string;
  let promotion: Promotion;

  beforeAll(async () => {
    dir = project();
    promotion = await promote(options(dir));
  });

  it("writes nothing until asked, then only the release keys into uat's file, atomically", () => {
    expect(readTree(dir)).toEqual(readTree(project()));
    writePromotion(promotion);
    expect(fs.readFileSync(path.join(dir, "Pulumi.uat.yaml"), "utf8")).toBe(UAT_AFTER_DEV_RELEASE);
    expect(fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8")).toBe(DEV);
    expect(Object.keys(readTree(dir)).sort()).toEqual([
      "Pulumi.dev.yaml",
      "Pulumi.shared.yaml",
      "Pulumi.uat.yaml",
      "policies/config/dev.json",
      "policies/config/uat.json",
    ]);
  });

  it("refuses to write over a target file that changed since it was read", () => {
    const copy = path.join(project(), "Pulumi.uat.yaml");
    const edited = `${fixtureText("Pulumi.uat.yaml")}# edited meanwhile\n`;
    fs.writeFileSync(copy, edited);
    expect(() => writePromotion({ ...promotion, targetFile: copy })).toThrow(
      new PromoteRefusal("Pulumi.uat.yaml changed while the promotion was planned; nothing was written, run it again"),
    );
    expect(fs.readFileSync(copy, "utf8")).toBe(edited);
  });

  it("writes every release key, each with dev's value", () => {
    expect(promotion.written).toEqual(RELEASE_KEYS);
    expect(promotion.release.ray.gpuWorker.image).toEqual({ tag: "20261130.4", digest: DEV_DIGEST });
  });

  it("prints the release and the plan diff of uat, resource by resource and field by field", () => {
    const pattern = (p: string) => JSON.stringify(p);
    expect(formatPromotion(promotion, "Pulumi.uat.yaml", true).split("\n")).toEqual([
      "Release of dev:",
      '  rayVersion: "2.53.0"',
      '  pythonTag: "py310"',
      '  cudaTag: "cu124"',
      `  ray.gpuWorker.image: {"tag":"20261130.4","digest":"${DEV_DIGEST}"}`,
      '  ray.gpuWorker.heavyDependencies: {"mode":"initContainer","pins":{"easyocr":"1.7.1"}}',
      `  api.imageAutomation.tagPattern: ${pattern(DEV_TAG_PATTERN)}`,
      '  api.imageAutomation.semverRange: ">=1.2.0-0"',
      "",
      "Dry run: Pulumi.uat.yaml not written; the release of dev would write rayVersion, pythonTag, cudaTag, ray.gpuWorker.image, " +
        "ray.gpuWorker.heavyDependencies, api.imageAutomation.tagPattern, api.imageAutomation.semverRange.",
      "",
      "Plan of uat, before -> after:",
      "  ~ pulumi:pulumi:Stack face-ocr-platform-uat",
      '    outputs.rayVersion: "2.52.0" -> "2.53.0"',
      // The `release` output follows the release it runs: what the next promotion reads with --release.
      `    outputs.release.api.imageAutomation.semverRange: ">=1.0.0-0" -> ">=1.2.0-0"`,
      `    outputs.release.api.imageAutomation.tagPattern: ${pattern(DEFAULT_TAG_PATTERN)} -> ${pattern(DEV_TAG_PATTERN)}`,
      '    outputs.release.cudaTag: "cu121" -> "cu124"',
      '    outputs.release.ray.gpuWorker.heavyDependencies.pins.easyocr: (none) -> "1.7.1"',
      `    outputs.release.ray.gpuWorker.image.digest: "${UAT_DIGEST}" -> "${DEV_DIGEST}"`,
      '    outputs.release.ray.gpuWorker.image.tag: "20261120.2" -> "20261130.4"',
      '    outputs.release.rayVersion: "2.52.0" -> "2.53.0"',
      "  ~ kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy api-image-policy",
      `    spec.filterTags.pattern: ${pattern(DEFAULT_TAG_PATTERN)} -> ${pattern(DEV_TAG_PATTERN)}`,
      '    spec.policy.semver.range: ">=1.0.0-0" -> ">=1.2.0-0"',
      "  ~ kubernetes:ray.io/v1:RayService ray-service",
      '    spec.rayClusterConfig.headGroupSpec.template.spec.containers[ray-head].image: "rayproject/ray:2.52.0-py310" -> "rayproject/ray:2.53.0-py310"',
      '    spec.rayClusterConfig.rayVersion: "2.52.0" -> "2.53.0"',
      '    spec.rayClusterConfig.workerGroupSpecs[default-worker-group].template.spec.containers[ray-worker].image: "rayproject/ray:2.52.0-py310" -> "rayproject/ray:2.53.0-py310"',
      `    spec.rayClusterConfig.workerGroupSpecs[gpu-worker-group].template.spec.containers[ray-worker].image: "${WORKER}:20261120.2@${UAT_DIGEST}" -> "${WORKER}:20261130.4@${DEV_DIGEST}"`,
      "    spec.rayClusterConfig.workerGroupSpecs[gpu-worker-group].template.spec.initContainers[install-heavy-deps].args[0]:",
      "      - # [1/6] PyTorch + CUDA 12.1",
      "      + # [1/6] PyTorch + CUDA 12.4",
      "      -   torch torchvision --index-url https://download.pytorch.org/whl/cu121",
      "      +   torch torchvision --index-url https://download.pytorch.org/whl/cu124",
      "      -   'easyocr>=1.7.0'",
      "      +   easyocr==1.7.1",
      '    spec.rayClusterConfig.workerGroupSpecs[gpu-worker-group].template.spec.initContainers[install-heavy-deps].image: "rayproject/ray:2.52.0-py310-cu121" -> "rayproject/ray:2.53.0-py310-cu124"',
    ]);
  });

  it("finds nothing to write once uat holds the release", async () => {
    const again = await promote(options(dir));
    expect(again.written).toEqual([]);
    expect(again.changes).toEqual([]);
    expect(formatPromotion(again, "Pulumi.uat.yaml", false).split("\n").slice(-4)).toEqual([
      "Pulumi.uat.yaml already holds the release of dev; nothing to write.",
      "",
      "Plan of uat, before -> after:",
      "  no changes",
    ]);
  });
});

describe("the promotion order", () => {
  const place = (stack: string, environment: Environment, role: StackRole = "environment") => ({ stack, environment, role });

  it("lets a release move one environment up, or sideways to another stack of the same environment", () => {
    expect(() => checkPromotionOrder(place("dev", "dev"), place("uat", "uat"))).not.toThrow();
    expect(() => checkPromotionOrder(place("uat", "uat"), place("prod", "prod"))).not.toThrow();
    expect(() => checkPromotionOrder(place("prod", "prod"), place("prod-eu", "prod"))).not.toThrow();
    expect(() => checkPromotionOrder(place("dev", "dev", "standalone"), place("uat", "uat", "standalone"))).not.toThrow();
  });

  it("refuses a skipped environment, a step back and the shared stack", () => {
    expect(() => checkPromotionOrder(place("dev", "dev"), place("prod", "prod"))).toThrow(
      new PromoteInputError(
        "a release of dev (environment dev) moves to a stack of environment dev or uat, not to prod (environment prod): releases move dev -> uat -> prod, one step at a time",
      ),
    );
    expect(() => checkPromotionOrder(place("prod", "prod"), place("uat", "uat"))).toThrow(
      "a release of prod (environment prod) moves to a stack of environment prod, not to uat (environment uat)",
    );
    expect(() => checkPromotionOrder(place("dev", "dev"), place("shared", "dev", "shared"))).toThrow(
      new PromoteInputError("shared is the shared stack (role shared): it runs no release; a release moves between environment stacks"),
    );
  });
});

describe("refusals", () => {
  it("refuses when dev's plan has a policy violation, naming it", async () => {
    const dir = project({ "Pulumi.dev.yaml": DEV.replace("    gpuWorker:\n", "    gpuWorker:\n      tolerations: []\n") });
    expect(await refusal(dir)).toBe(
      "dev's offline plan is not clean; nothing was written:\n" +
        '  - [mandatory] gpu-group-scheduling: RayService "ray-service" spec.rayClusterConfig.workerGroupSpecs[1] (worker group "gpu-worker-group") ' +
        'requests GPUs but has no toleration for the nvidia.com/gpu taint (key "nvidia.com/gpu", operator Exists, effect NoSchedule), so it ' +
        "can't schedule on the tainted GPU nodes and stays Pending. Add it to template.spec.tolerations (deployment guide, Appendix D): " +
        "stack config `ray.gpuWorker.tolerations` (a list; setting it replaces the defaults).",
    );
  });

  it("refuses a moving tag without a digest before planning anything", async () => {
    const dir = project({ "Pulumi.dev.yaml": MOVING_DEV });
    expect(await refusal(dir)).toBe(
      'ray.gpuWorker.image of dev is the moving tag "dev" without a digest: it names whatever build was pushed last, not the build dev tested; ' +
        "pin the build dev runs: `pulumi stack output release --json --stack dev > release.json` (its digest is the one dev resolved at deploy time), " +
        "then add `--release release.json`; or set ray.gpuWorker.image.digest in Pulumi.dev.yaml",
    );
  });

  it("refuses the fake digest an offline plan's release output carries", async () => {
    const dir = project({ "Pulumi.dev.yaml": MOVING_DEV });
    const fake = fakeDigest(`${WORKER}:dev`);
    const offlineOutput = { name: "release.json", text: JSON.stringify(releaseOf(devConfig(dir), fake)) };
    expect(await refusal(dir, { releaseFile: offlineOutput })).toBe(
      `ray.gpuWorker.image.digest ${fake} in --release release.json is the offline plan's fake digest (plan/mocks.ts), not a build in the registry; ` +
        "take the release from dev's real run: `pulumi stack output release --json --stack dev > release.json`, then `--release release.json`",
    );
  });

  it("promotes a moving tag with the digest dev's release output carries", async () => {
    const dir = project({ "Pulumi.dev.yaml": MOVING_DEV });
    const output = { name: "release.json", text: JSON.stringify(releaseOf(devConfig(dir), DEV_DIGEST)) };
    const promotion = await promote(options(dir, { releaseFile: output }));
    expect(promotion.release.ray.gpuWorker.image).toEqual({ tag: "dev", digest: DEV_DIGEST });
    expect(promotion.text).toContain(`        tag: "dev" # the tag it was built as\n        digest: ${DEV_DIGEST} # what uat runs\n`);
  });

  it("refuses when uat's own config is invalid before the release, since there is nothing to compare with", async () => {
    const dir = project({ "Pulumi.uat.yaml": fixtureText("Pulumi.uat.yaml").replace("maxReplicas: 2", "maxReplicas: many") });
    expect(await refusal(dir)).toBe(
      "uat's config is not valid, so there is nothing to compare the release with; nothing was written. Fix Pulumi.uat.yaml first:\n" +
        '  - ray.gpuWorker.maxReplicas = "many": expected a whole number of replicas; set it with `pulumi config set --path ray.gpuWorker.maxReplicas <value>`',
    );
  });

  it("refuses a change beyond the allow-list", async () => {
    const dir = project();
    const allowed = RELEASE_FIELDS.filter((f) => f.type !== "kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy");
    expect(await refusal(dir, { allowed })).toBe(
      [
        "the release of dev would change uat beyond the release (promote/releaseFields.ts lists what a release may change); nothing was written:",
        "  update kubernetes:image.toolkit.fluxcd.io/v1:ImagePolicy api-image-policy",
        `    spec.filterTags.pattern: ${JSON.stringify(DEFAULT_TAG_PATTERN)} -> ${JSON.stringify(DEV_TAG_PATTERN)}`,
        '    spec.policy.semver.range: ">=1.0.0-0" -> ">=1.2.0-0"',
      ].join("\n"),
    );
  });

  it("refuses when uat's plan with the release is not clean: dev's tag pattern does not select uat's initial tag", async () => {
    const releasesOnly = DEV.replace(
      `      tagPattern: ${DEV_TAG_PATTERN}\n`,
      "      tagPattern: ^\\d+\\.\\d+\\.\\d+$\n      initialTag: 1.2.0\n",
    );
    expect(releasesOnly).not.toBe(DEV);
    expect(await refusal(project({ "Pulumi.dev.yaml": releasesOnly }))).toBe(
      "uat's offline plan with the release of dev is refused by its config; nothing was written:\n" +
        'Invalid config for stack "uat":\n' +
        '  - api.imageAutomation.initialTag = "1.0.0-alpha.1770916300": expected a tag the policy can select: it does not match ' +
        "imageAutomation.tagPattern ^\\d+\\.\\d+\\.\\d+$; set it with `pulumi config set --path api.imageAutomation.initialTag <value>`",
    );
  });
});
