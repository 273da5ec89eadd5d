/**
 * The `release` stack output: the release this stack runs (config/release.ts), with the worker digest it runs
 * rather than the tag it names. `pulumi stack output release --json --stack dev > release.json` is what
 * `npm run promote -- --from dev --to uat --release release.json` takes when dev names its worker by a moving tag.
 */
import type * as pulumi from "@pulumi/pulumi";
import { parseImageRef } from "../config/imageRef";
import { Release, releaseOf } from "../config/release";
import type { StackConfig } from "../config/stackConfig";

/** The release of `config`, its worker digest read from the resolved worker image reference `<repository>:<tag>@sha256:...`. */
export function releaseFromWorkerImage(config: StackConfig, workerImage: string): Release {
  return releaseOf(config, parseImageRef(workerImage).digest);
}

/** The stack output: `release: stackRelease(config, ray.workerImage)` in index.ts. */
export function stackRelease(config: StackConfig, workerImage: pulumi.Output<string>): pulumi.Output<Release> {
  return workerImage.apply((image) => releaseFromWorkerImage(config, image));
}
