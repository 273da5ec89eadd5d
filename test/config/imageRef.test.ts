import { describe, expect, it } from "vitest";
import {
  checkImageRef,
  formatImageRef,
  ImageRefError,
  isMutableImageRef,
  parseImageRef,
  parseRayImageTag,
  rayImage,
  rayImageTag,
} from "../../config/imageRef";

describe("Ray image references", () => {
  it("composes the CPU and GPU Ray images from version, python tag and CUDA tag", () => {
    expect(formatImageRef(rayImage({ rayVersion: "2.52.0", pythonTag: "py310" }))).toBe("rayproject/ray:2.52.0-py310");
    expect(formatImageRef(rayImage({ rayVersion: "2.52.0", pythonTag: "py310", cudaTag: "cu121" }))).toBe(
      "rayproject/ray:2.52.0-py310-cu121",
    );
    expect(rayImageTag({ rayVersion: "2.53.1", pythonTag: "py311", cudaTag: "cu124" })).toBe("2.53.1-py311-cu124");
  });

  it.each([
    [{ rayVersion: "2.52", pythonTag: "py310" }, 'Ray version "2.52" is not an exact MAJOR.MINOR.PATCH version such as "2.52.0"'],
    [{ rayVersion: "latest", pythonTag: "py310" }, 'Ray version "latest" is not an exact MAJOR.MINOR.PATCH version such as "2.52.0"'],
    [{ rayVersion: "2.52.0", pythonTag: "3.10" }, 'Python tag "3.10" is not of the form py3XX, such as "py310"'],
    [{ rayVersion: "2.52.0", pythonTag: "py310", cudaTag: "cuda12" }, 'CUDA tag "cuda12" is not of the form cuXXX, such as "cu121"'],
  ])("rejects %j", (parts, message) => {
    expect(() => rayImageTag(parts)).toThrow(new ImageRefError(message));
  });
});

describe("image reference rules", () => {
  it("formats registry, repository, tag and digest", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    expect(formatImageRef({ registry: "cybersmartstg.azurecr.io", repository: "data-ai/face-ocr-worker", tag: "20260101.1" })).toBe(
      "cybersmartstg.azurecr.io/data-ai/face-ocr-worker:20260101.1",
    );
    expect(formatImageRef({ registry: "cybersmartstg.azurecr.io", repository: "data-ai/face-ocr-worker", digest })).toBe(
      `cybersmartstg.azurecr.io/data-ai/face-ocr-worker@${digest}`,
    );
  });

  it.each([
    [
      { repository: "Data-AI/worker", tag: "1" },
      'image repository "Data-AI/worker" is not a lower-case registry path such as "data-ai/face-ocr-worker"',
    ],
    [{ repository: "data-ai/worker" }, 'image "data-ai/worker" has neither a tag nor a digest'],
    [
      { repository: "data-ai/worker", tag: "-bad" },
      'image tag "-bad" is not valid: up to 128 of [A-Za-z0-9_.-], not starting with "." or "-"',
    ],
    [
      { repository: "data-ai/worker", tag: "x".repeat(129) },
      `image tag "${"x".repeat(129)}" is not valid: up to 128 of [A-Za-z0-9_.-], not starting with "." or "-"`,
    ],
    [{ repository: "data-ai/worker", digest: "sha256:abc" }, 'image digest "sha256:abc" is not of the form sha256:<64 hex digits>'],
  ])("rejects %j", (ref, message) => {
    expect(() => checkImageRef(ref)).toThrow(new ImageRefError(message));
  });

  it("parses image strings with and without registry, tag and digest", () => {
    expect(parseImageRef("rayproject/ray:2.52.0-py310-cu121")).toEqual({ repository: "rayproject/ray", tag: "2.52.0-py310-cu121" });
    expect(parseImageRef("cybersmartstg.azurecr.io/data-ai/face-ocr-worker:dev")).toEqual({
      registry: "cybersmartstg.azurecr.io",
      repository: "data-ai/face-ocr-worker",
      tag: "dev",
    });
    expect(parseImageRef("localhost:5000/app@sha256:" + "b".repeat(64))).toEqual({
      registry: "localhost:5000",
      repository: "app",
      digest: "sha256:" + "b".repeat(64),
    });
    expect(parseImageRef("python")).toEqual({ repository: "python" });
  });

  it("reads Ray version, python and CUDA tags back out of Ray images only", () => {
    expect(parseRayImageTag("rayproject/ray:2.52.0-py310-cu121")).toEqual({ rayVersion: "2.52.0", pythonTag: "py310", cudaTag: "cu121" });
    expect(parseRayImageTag("rayproject/ray:2.52.0-py310")).toEqual({ rayVersion: "2.52.0", pythonTag: "py310" });
    expect(parseRayImageTag("rayproject/ray:latest")).toBeUndefined();
    expect(parseRayImageTag("cybersmartstg.azurecr.io/data-ai/face-ocr-worker:2.52.0-py310")).toBeUndefined();
  });

  it("calls untagged and moving tags mutable, digests and build tags immutable", () => {
    expect(isMutableImageRef({ repository: "a" })).toBe(true);
    expect(isMutableImageRef({ repository: "a", tag: "latest" })).toBe(true);
    expect(isMutableImageRef({ repository: "a", tag: "dev" })).toBe(true);
    expect(isMutableImageRef({ repository: "a", tag: "20260101.3" })).toBe(false);
    expect(isMutableImageRef({ repository: "a", tag: "dev", digest: `sha256:${"c".repeat(64)}` })).toBe(false);
  });
});
