// The release of a stack (config/release.ts) and its stack output (components/release.ts).
import { describe, expect, it } from "vitest";
import { releaseFromWorkerImage, stackRelease } from "../../components/release";
import { parseStackConfig } from "../../config/parse";
import { RELEASE_KEYS, releaseOf, valueAtKey } from "../../config/release";
import type { StackConfig } from "../../config/stackConfig";
import { FAKE_DIGEST_PATTERN, fakeDigest } from "../../plan/mocks";
import { minimalStackConfig, runComponent, unwrap } from "../harness";
import * as pulumi from "@pulumi/pulumi";

const DIGEST = `sha256:${"feedface".repeat(8)}`;

function config(edit: (raw: ReturnType<typeof minimalStackConfig> & Record<string, unknown>) => void = () => {}): StackConfig {
  const raw = minimalStackConfig() as ReturnType<typeof minimalStackConfig> & Record<string, unknown>;
  edit(raw);
  const parsed = parseStackConfig(raw);
  if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
  return parsed.config;
}

describe("releaseOf", () => {
  it("holds exactly the release keys, with their defaults, and the resolved digest beside the tag", () => {
    expect(releaseOf(config(), DIGEST)).toEqual({
      rayVersion: "2.52.0",
      pythonTag: "py310",
      cudaTag: "cu121",
      ray: { gpuWorker: { image: { tag: "dev", digest: DIGEST }, heavyDependencies: { mode: "initContainer", pins: {} } } },
      api: { imageAutomation: { tagPattern: "^\\d+\\.\\d+\\.\\d+-alpha\\.\\d+$", semverRange: ">=1.0.0-0" } },
    });
  });

  it("takes each release key from the config and nothing else", () => {
    const c = config((raw) => {
      raw.rayVersion = "2.53.0";
      raw.cudaTag = "cu124";
      raw.ray.gpuWorker = {
        image: { tag: "20261130.4" },
        heavyDependencies: { mode: "baseImage", pins: { easyocr: "1.7.1" } },
        maxReplicas: 5,
      };
      raw.api = { imageAutomation: { tagPattern: "^\\d+\\.\\d+\\.\\d+$", semverRange: ">=2.0.0", initialTag: "2.0.0" } };
    });
    const release = releaseOf(c, DIGEST);
    for (const key of RELEASE_KEYS.filter((k) => k !== "ray.gpuWorker.image"))
      expect(valueAtKey(release, key), key).toEqual(valueAtKey(c, key));
    expect(release.ray.gpuWorker).toEqual({
      image: { tag: "20261130.4", digest: DIGEST },
      heavyDependencies: { mode: "baseImage", pins: { easyocr: "1.7.1" } },
    });
    expect(release.api).toEqual({ imageAutomation: { tagPattern: "^\\d+\\.\\d+\\.\\d+$", semverRange: ">=2.0.0" } });
  });

  it("keeps the config's own digest over a resolved one, and names no digest when nothing resolved the tag", () => {
    const pinned = config((raw) => (raw.ray.gpuWorker = { image: { digest: DIGEST } }));
    expect(releaseOf(pinned, fakeDigest("x")).ray.gpuWorker.image).toEqual({ digest: DIGEST });
    expect(releaseOf(config()).ray.gpuWorker.image).toEqual({ tag: "dev" });
  });

  it("does not share objects with the config it was read from", () => {
    const c = config((raw) => (raw.ray.gpuWorker = { image: { tag: "dev" }, heavyDependencies: { pins: { easyocr: "1.7.1" } } }));
    (releaseOf(c).ray.gpuWorker.heavyDependencies.pins as Record<string, string>).easyocr = "0.0.1";
    expect(c.ray.gpuWorker.heavyDependencies.pins).toEqual({ easyocr: "1.7.1" });
  });
});

describe("the release stack output", () => {
  it("reads the digest from the worker image reference the RayService runs", () => {
    const image = `cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev@${DIGEST}`;
    expect(releaseFromWorkerImage(config(), image).ray.gpuWorker.image).toEqual({ tag: "dev", digest: DIGEST });
    expect(releaseFromWorkerImage(config(), "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev").ray.gpuWorker.image).toEqual({
      tag: "dev",
    });
  });

  it("is an Output of the release", async () => {
    let release: unknown;
    await runComponent(async () => {
      release = await unwrap(stackRelease(config(), pulumi.output(`r.example/w:dev@${DIGEST}`)));
    });
    expect(release).toEqual(releaseOf(config(), DIGEST));
  });
});

describe("the offline plan's fake digest", () => {
  it("is recognised in the shape plan/mocks.ts makes it, and a real-looking digest is not", () => {
    expect(fakeDigest("cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev")).toMatch(FAKE_DIGEST_PATTERN);
    expect(fakeDigest("anything else")).toMatch(FAKE_DIGEST_PATTERN);
    expect(DIGEST).not.toMatch(FAKE_DIGEST_PATTERN);
    expect(`sha256:${"0".repeat(64)}`).toMatch(FAKE_DIGEST_PATTERN);
  });
});
