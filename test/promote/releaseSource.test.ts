// Which release a promotion moves, and the ones it refuses before planning anything (promote/releaseSource.ts).
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../config/parse";
import { releaseOf } from "../../config/release";
import type { StackConfig } from "../../config/stackConfig";
import { fakeDigest } from "../../plan/mocks";
import { PromoteInputError, PromoteRefusal } from "../../promote/errors";
import { ReleaseSource, releaseToPromote } from "../../promote/releaseSource";
import { minimalStackConfig } from "../harness";
import { DEV_DIGEST } from "./fixture";

const PIN_HOW =
  "pin the build dev runs: `pulumi stack output release --json --stack dev > release.json` (its digest is the one dev resolved at " +
  "deploy time), then add `--release release.json`; or set ray.gpuWorker.image.digest in Pulumi.dev.yaml";

function devConfig(image: Record<string, string>): StackConfig {
  const raw = minimalStackConfig();
  raw.ray.gpuWorker = { image };
  const parsed = parseStackConfig(raw);
  if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
  return parsed.config;
}

function source(image: Record<string, string>, releaseFile?: unknown): ReleaseSource {
  return {
    stack: "dev",
    stackFile: "Pulumi.dev.yaml",
    config: devConfig(image),
    ...(releaseFile === undefined
      ? {}
      : { releaseFile: { name: "release.json", text: typeof releaseFile === "string" ? releaseFile : JSON.stringify(releaseFile) } }),
  };
}

describe("releaseToPromote from the source's stack file", () => {
  it("takes a worker pinned by its digest", () => {
    const s = source({ tag: "20261130.4", digest: DEV_DIGEST });
    expect(releaseToPromote(s)).toEqual(releaseOf(s.config));
  });

  it("refuses a moving tag without a digest, saying how to pin the build", () => {
    expect(() => releaseToPromote(source({ tag: "dev" }))).toThrow(
      new PromoteRefusal(
        'ray.gpuWorker.image of dev is the moving tag "dev" without a digest: it names whatever build was pushed last, not the build dev tested; ' +
          PIN_HOW,
      ),
    );
  });

  it("refuses a build tag without a digest too: a release names its build by digest", () => {
    expect(() => releaseToPromote(source({ tag: "20261130.4" }))).toThrow(
      new PromoteRefusal(
        'ray.gpuWorker.image of dev names the build "20261130.4" by its tag alone, which the registry can move; a release carries the digest; ' +
          PIN_HOW,
      ),
    );
  });

  it("refuses the offline plan's fake digest", () => {
    const fake = fakeDigest("cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev");
    expect(() => releaseToPromote(source({ tag: "dev", digest: fake }))).toThrow(
      new PromoteRefusal(
        `ray.gpuWorker.image.digest ${fake} in Pulumi.dev.yaml is the offline plan's fake digest (plan/mocks.ts), not a build in the registry; ` +
          "take the release from dev's real run: `pulumi stack output release --json --stack dev > release.json`, then `--release release.json`",
      ),
    );
  });

  it("refuses the all-zero placeholder digest of a stack that has had no release yet", () => {
    const placeholder = {
      ...source({ digest: DEV_DIGEST }),
      stack: "uat",
      stackFile: "Pulumi.uat.yaml",
      config: devConfig({ digest: `sha256:${"0".repeat(64)}` }),
    };
    expect(() => releaseToPromote(placeholder)).toThrow(
      new PromoteRefusal(
        "ray.gpuWorker.image.digest in Pulumi.uat.yaml is the all-zero placeholder (config/realRun.ts), not a build: uat has no release yet; " +
          "promote one into uat first, then test it there",
      ),
    );
  });
});

describe("releaseToPromote with --release FILE", () => {
  const output = (digest: string) => releaseOf(devConfig({ tag: "dev" }), digest);

  it("takes the digest the source's release output carries for its moving tag", () => {
    expect(releaseToPromote(source({ tag: "dev" }, output(DEV_DIGEST))).ray.gpuWorker.image).toEqual({ tag: "dev", digest: DEV_DIGEST });
  });

  it("refuses a fake digest from an offline plan's outputs", () => {
    const fake = fakeDigest("cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev");
    expect(() => releaseToPromote(source({ tag: "dev" }, output(fake)))).toThrow(
      new PromoteRefusal(
        `ray.gpuWorker.image.digest ${fake} in --release release.json is the offline plan's fake digest (plan/mocks.ts), not a build in the registry; ` +
          "take the release from dev's real run: `pulumi stack output release --json --stack dev > release.json`, then `--release release.json`",
      ),
    );
  });

  it("refuses a file that is not the source config's release, naming each key that differs", () => {
    const stale = { ...output(DEV_DIGEST), rayVersion: "2.51.0" };
    stale.ray = { gpuWorker: { ...stale.ray.gpuWorker, image: { tag: "main", digest: "sha256:abc" } } };
    expect(() => releaseToPromote(source({ tag: "dev" }, stale))).toThrow(
      new PromoteInputError(
        [
          "--release release.json is not the release of dev's config:",
          '  - rayVersion is "2.51.0" there, "2.52.0" in Pulumi.dev.yaml',
          '  - ray.gpuWorker.image.tag is "main" there, "dev" in Pulumi.dev.yaml',
          '  - ray.gpuWorker.image.digest is "sha256:abc", expected sha256:<64 lower-case hex digits>',
          "Take it again after dev's last `pulumi up`: `pulumi stack output release --json --stack dev`.",
        ].join("\n"),
      ),
    );
  });

  it("refuses a digest other than the one the source's file pins, and keys that are not release keys", () => {
    const other = `sha256:${"ab".repeat(32)}`;
    expect(() => releaseToPromote(source({ tag: "dev", digest: DEV_DIGEST }, output(other)))).toThrow(
      `  - ray.gpuWorker.image.digest is "${other}" there, "${DEV_DIGEST}" in Pulumi.dev.yaml\n`,
    );
    expect(() => releaseToPromote(source({ tag: "dev" }, { ...output(DEV_DIGEST), registry: { name: "x" } }))).toThrow(
      "  - registry is not a release key (those are rayVersion, pythonTag, cudaTag, ray.gpuWorker.image, ray.gpuWorker.heavyDependencies, api.imageAutomation.tagPattern, api.imageAutomation.semverRange); remove it\n",
    );
    // A key below a release section is named by its path.
    const extra = output(DEV_DIGEST) as { ray: { gpuWorker: Record<string, unknown> } };
    extra.ray.gpuWorker.maxReplicas = 3;
    expect(() => releaseToPromote(source({ tag: "dev" }, extra))).toThrow(
      "  - ray.gpuWorker.maxReplicas is not a release key (those are rayVersion, pythonTag, cudaTag, ray.gpuWorker.image, ray.gpuWorker.heavyDependencies, api.imageAutomation.tagPattern, api.imageAutomation.semverRange); remove it\n",
    );
  });

  it("refuses a file that is not JSON", () => {
    expect(() => releaseToPromote(source({ tag: "dev" }, "rayVersion: 2.52.0"))).toThrow(PromoteInputError);
    expect(() => releaseToPromote(source({ tag: "dev" }, "rayVersion: 2.52.0"))).toThrow(
      /^--release release\.json: not JSON \(.+\); expected what `pulumi stack output release --json --stack dev` prints$/,
    );
  });
});
