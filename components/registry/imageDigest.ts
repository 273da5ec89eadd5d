/**
 * A tag resolved to the content digest it names in the registry now, at
 * deploy time. The worker then runs `<repository>:<tag>@sha256:<digest>`: a new
 * build pushed under the same tag is a new digest, so it reaches the cluster as
 * a visible change in `pulumi preview` instead of a pod restart, and every
 * replica runs the same build.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { IMAGE_DIGEST_PATTERN } from "../../config/imageRef";

/** The docker provider's data source that reads a manifest's digest from a registry (no image is pulled). */
export const GET_REGISTRY_IMAGE = "docker:index/getRegistryImage:getRegistryImage";

/** The registry's answer as a digest; anything else stops the run, since the pod could not pull by it. */
export function checkedDigest(image: string, digest: string | undefined): string {
  if (digest === undefined || !IMAGE_DIGEST_PATTERN.test(digest)) {
    throw new Error(`the registry reported digest ${JSON.stringify(digest)} for ${image}; expected sha256:<64 lower-case hex digits>`);
  }
  return digest;
}

/**
 * The digest of `image` (`<login server>/<repository>:<tag>`), asked through
 * `provider`, whose registry credentials are the ones `az acr login` (or
 * `docker login`) wrote for the login server.
 */
export function registryDigest(image: pulumi.Input<string>, provider: docker.Provider, parent: pulumi.Resource): pulumi.Output<string> {
  const result = docker.getRegistryImageOutput({ name: image }, { provider, parent });
  return pulumi.all([image, result.sha256Digest]).apply(([name, digest]) => checkedDigest(name, digest));
}

/**
 * The docker provider that reads `loginServer`. `registryAuth` names only the
 * address: the credentials come from the Docker config file (`~/.docker/config.json`,
 * or `DOCKER_CONFIG`), which `az acr login --name <registry>` fills for a person
 * and for the platform pipeline alike, so no registry password enters the program.
 */
export function registryReaderArgs(loginServer: pulumi.Input<string>): docker.ProviderArgs {
  return { registryAuth: [{ address: loginServer }] };
}
