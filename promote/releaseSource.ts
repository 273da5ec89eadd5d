/**
 * The release a promotion moves: the source stack's config, with the worker digest its own file pins or, with
 * `--release FILE`, the digest its `release` stack output says it runs. A release always names one build by its
 * digest; a worker named by a tag alone, or by the offline plan's fake digest, is refused.
 */
import { isDeepStrictEqual } from "util";
import { IMAGE_DIGEST_PATTERN, isMutableImageRef } from "../config/imageRef";
import { PLACEHOLDER_DIGEST } from "../config/realRun";
import { Release, RELEASE_KEYS, releaseOf, valueAtKey, WORKER_IMAGE_KEY } from "../config/release";
import type { StackConfig } from "../config/stackConfig";
import { FAKE_DIGEST_PATTERN } from "../plan/mocks";
import { PromoteInputError, PromoteRefusal } from "./errors";

export interface ReleaseSource {
  /** The source stack's name, e.g. `dev`. */
  readonly stack: string;
  /** Its stack file's name, for messages: `Pulumi.dev.yaml`. */
  readonly stackFile: string;
  readonly config: StackConfig;
  /** `--release FILE`: its name as given and its text. */
  readonly releaseFile?: { readonly name: string; readonly text: string };
}

function howToPin(stack: string): string {
  return (
    `pin the build ${stack} runs: \`pulumi stack output release --json --stack ${stack} > release.json\` (its digest is the one ${stack} ` +
    `resolved at deploy time), then add \`--release release.json\`; or set ray.gpuWorker.image.digest in Pulumi.${stack}.yaml`
  );
}

const show = (value: unknown) => (value === undefined ? "unset" : JSON.stringify(value));

/** The digest the `--release` file names for the source's worker, after checking the file is the source's release. */
function digestFromReleaseFile(source: ReleaseSource, file: { name: string; text: string }): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(file.text);
  } catch (err) {
    throw new PromoteInputError(
      `--release ${file.name}: not JSON (${(err as Error).message}); expected what \`pulumi stack output release --json --stack ${source.stack}\` prints`,
    );
  }
  const fromConfig = releaseOf(source.config);
  const mismatches: string[] = [];
  for (const key of RELEASE_KEYS) {
    if (key === WORKER_IMAGE_KEY) continue;
    const inFile = valueAtKey(parsed, key);
    const inConfig = valueAtKey(fromConfig, key);
    if (!isDeepStrictEqual(inFile, inConfig)) mismatches.push(`${key} is ${show(inFile)} there, ${show(inConfig)} in ${source.stackFile}`);
  }
  const image = valueAtKey(parsed, WORKER_IMAGE_KEY) as { tag?: unknown; digest?: unknown } | undefined;
  const configImage = source.config.ray.gpuWorker.image;
  if (image?.tag !== configImage.tag) {
    mismatches.push(`${WORKER_IMAGE_KEY}.tag is ${show(image?.tag)} there, ${show(configImage.tag)} in ${source.stackFile}`);
  }
  const digest = image?.digest;
  if (typeof digest !== "string" || !IMAGE_DIGEST_PATTERN.test(digest)) {
    mismatches.push(`${WORKER_IMAGE_KEY}.digest is ${show(digest)}, expected sha256:<64 lower-case hex digits>`);
  } else if (configImage.digest !== undefined && digest !== configImage.digest) {
    mismatches.push(`${WORKER_IMAGE_KEY}.digest is ${show(digest)} there, ${show(configImage.digest)} in ${source.stackFile}`);
  }
  if (mismatches.length === 0 && !isDeepStrictEqual(parsed, releaseOf(source.config, digest as string))) {
    mismatches.push(...releaseDifferences(parsed, releaseOf(source.config, digest as string), "", source.stackFile));
  }
  if (mismatches.length > 0) {
    throw new PromoteInputError(
      [
        `--release ${file.name} is not the release of ${source.stack}'s config:`,
        ...mismatches.map((m) => `  - ${m}`),
        `Take it again after ${source.stack}'s last \`pulumi up\`: \`pulumi stack output release --json --stack ${source.stack}\`.`,
      ].join("\n"),
    );
  }
  return digest as string;
}

/** The release to promote; refuses one that does not name a build by a real digest. Plans nothing. */
export function releaseToPromote(source: ReleaseSource): Release {
  const digest = source.releaseFile ? digestFromReleaseFile(source, source.releaseFile) : undefined;
  const release = releaseOf(source.config, digest);
  const image = release.ray.gpuWorker.image;
  const where = source.releaseFile ? `in --release ${source.releaseFile.name}` : `in ${source.stackFile}`;
  if (image.digest === undefined) {
    const tag = image.tag as string;
    const what = isMutableImageRef({ repository: "worker", tag })
      ? `is the moving tag "${tag}" without a digest: it names whatever build was pushed last, not the build ${source.stack} tested`
      : `names the build "${tag}" by its tag alone, which the registry can move; a release carries the digest`;
    throw new PromoteRefusal(`${WORKER_IMAGE_KEY} of ${source.stack} ${what}; ${howToPin(source.stack)}`);
  }
  if (image.digest === PLACEHOLDER_DIGEST) {
    throw new PromoteRefusal(
      `${WORKER_IMAGE_KEY}.digest ${where} is the all-zero placeholder (config/realRun.ts), not a build: ${source.stack} has no release yet; ` +
        `promote one into ${source.stack} first, then test it there`,
    );
  }
  if (FAKE_DIGEST_PATTERN.test(image.digest)) {
    throw new PromoteRefusal(
      `${WORKER_IMAGE_KEY}.digest ${image.digest} ${where} is the offline plan's fake digest (plan/mocks.ts), not a build in the registry; ` +
        `take the release from ${source.stack}'s real run: \`pulumi stack output release --json --stack ${source.stack} > release.json\`, then \`--release release.json\``,
    );
  }
  return release;
}

/** Where a release file differs from the release of the config: a key that is no release key, or another value. */
function releaseDifferences(actual: unknown, expected: unknown, at: string, stackFile: string): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObject(actual) && isObject(expected)) {
    return [...new Set([...Object.keys(actual), ...Object.keys(expected)])].sort().flatMap((key) => {
      const path = at ? `${at}.${key}` : key;
      if (!(key in expected)) return [`${path} is not a release key (those are ${RELEASE_KEYS.join(", ")}); remove it`];
      return releaseDifferences(actual[key], expected[key], path, stackFile);
    });
  }
  return isDeepStrictEqual(actual, expected)
    ? []
    : [`${at} is ${JSON.stringify(actual) ?? "missing"} there, ${JSON.stringify(expected)} in ${stackFile}`];
}
