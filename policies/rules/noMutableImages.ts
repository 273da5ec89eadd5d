import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isMutableImageRef, parseImageRef } from "../../config/imageRef";
import { workerImageKeys } from "../lib/hints";
import { entries, get, isOpaque, isRecord, items, Key, pathJoin, resourceLabel, str } from "../lib/read";
import { containerSites, isHelmRelease, podSites } from "../lib/workloads";

export const NO_MUTABLE_IMAGES = "no-mutable-images";

/** The stack environments, as the stack's own `environment` config key names them. */
export const POLICY_ENVIRONMENTS = ["dev", "uat", "prod"] as const;

export interface NoMutableImagesConfig {
  /**
   * Which environment the stack is; the rule applies to `prod`. Anything but
   * `dev` or `uat` (unset, or a typo) counts as production, so a stack that
   * forgets its policy config gets the strict rule.
   * @default "prod"
   */
  readonly environment?: string;
}

export function isProduction(config: NoMutableImagesConfig): boolean {
  return config.environment !== "dev" && config.environment !== "uat";
}

const FIX =
  'pin the build: a version tag (such as the pipeline\'s build tag) or an @sha256 digest, so a new image reaches the cluster through a visible plan instead of a pod restart (deployment guide, "New pod has old image"). ' +
  'A non-production stack sets {"no-mutable-images": {"environment": "dev"}} in its policies/config/<stack>.json.';

export function mutableImageMessage(where: string, image: string, keys?: { tag: string; digest: string }): string {
  const ref = parseImageRef(image);
  const what = ref.tag === undefined ? "has no tag (so it means :latest)" : `uses the moving tag "${ref.tag}"`;
  const hint = keys ? ` In this stack: \`pulumi config set --path ${keys.tag} <build tag>\` or set ${keys.digest}.` : "";
  return `${where} "${image}" ${what} in a production stack: ${FIX}${hint}`;
}

export function stalePullMessage(where: string, image: string, tag: string, policy: string, defaulted: boolean): string {
  const how = defaulted ? `is unset, so Kubernetes uses ${policy}` : `is ${policy}`;
  return `${where} ${how} for "${image}", whose tag "${tag}" moves: a node that pulled it once keeps starting the old build (deployment guide, "New pod has old image"). Set imagePullPolicy: Always, or pin the build with a version tag or an @sha256 digest.`;
}

export function mutableChartImageMessage(where: string, repository: string, tag: string | undefined, targetPath: string): string {
  const what = tag === undefined ? `sets no ${targetPath} and takes none from spec.valuesFrom` : `uses the moving tag "${tag}"`;
  return `${where} (image ${repository}) ${what} in a production stack: ${FIX}`;
}

/** In production, every container image and chart image names one build: no `latest`, `dev` or missing tag. */
export function noMutableImages(): ResourceValidationPolicy {
  return {
    name: NO_MUTABLE_IMAGES,
    description:
      "In a production stack (policy config environment: prod, the default), no container or chart image uses a moving tag (latest, dev, main, ...) or no tag at all.",
    configSchema: {
      properties: {
        environment: { type: "string", enum: [...POLICY_ENVIRONMENTS], default: "prod" },
      },
    },
    validateResource: (args, reportViolation) => {
      const label = resourceLabel(args.type, args.name);
      // In every environment: a moving tag that is not pulled Always runs whatever build a node pulled first.
      for (const pod of podSites(args.type, args.props)) {
        for (const c of containerSites(pod)) {
          const image = str(get(c.container, "image"));
          if (image === undefined || isOpaque(image)) continue;
          const ref = parseImageRef(image);
          const policy = get(c.container, "imagePullPolicy");
          if (ref.tag === undefined || !isMutableImageRef(ref) || isOpaque(policy)) continue;
          // Kubernetes defaults to Always only for :latest; any other moving tag defaults to IfNotPresent.
          const effective = str(policy) ?? (ref.tag === "latest" ? "Always" : "IfNotPresent");
          if (effective !== "Always") {
            reportViolation(
              stalePullMessage(`${label} ${pathJoin(c.path, "imagePullPolicy")}`, image, ref.tag, effective, policy === undefined),
            );
          }
        }
      }
      if (!isProduction(args.getConfig<NoMutableImagesConfig>())) return;
      for (const pod of podSites(args.type, args.props)) {
        for (const c of containerSites(pod)) {
          const image = str(get(c.container, "image"));
          if (image === undefined || isOpaque(image)) continue;
          if (isMutableImageRef(parseImageRef(image)))
            reportViolation(mutableImageMessage(`${label} ${pathJoin(c.path, "image")}`, image, workerImageKeys(args.type, c)));
        }
      }
      if (isHelmRelease(args.type)) {
        const spec = get(args.props, "spec");
        const fromValuesFrom = new Set(
          items(get(spec, "valuesFrom"))
            .map((v) => str(get(v, "targetPath")))
            .filter((t): t is string => t !== undefined),
        );
        for (const site of chartImages(get(spec, "values"), [])) {
          const tagPath = [...site.keys, "tag"].reduce<string>((p, k) => pathJoin(p, k), "");
          const digestPath = [...site.keys, "digest"].reduce<string>((p, k) => pathJoin(p, k), "");
          if (fromValuesFrom.has(tagPath) || fromValuesFrom.has(digestPath)) continue;
          const tag = get(site.image, "tag");
          const digest = get(site.image, "digest");
          if (isOpaque(tag) || isOpaque(digest) || (typeof digest === "string" && digest !== "")) continue;
          const tagText = typeof tag === "number" ? String(tag) : str(tag) || undefined;
          if (tagText !== undefined && !isMutableImageRef({ repository: site.repository, tag: tagText })) continue;
          const where = `${label} ${pathJoin(
            ["spec", "values", ...site.keys].reduce<string>((p, k) => pathJoin(p, k), ""),
            "tag",
          )}`;
          reportViolation(mutableChartImageMessage(where, site.repository, tagText, tagPath));
        }
      }
    },
  };
}

/** Chart values objects shaped like an image: `{ repository, tag }` (the common chart convention). */
function chartImages(values: unknown, keys: Key[], depth = 0): { keys: Key[]; image: unknown; repository: string }[] {
  if (depth > 16 || !isRecord(values)) return [];
  const out: { keys: Key[]; image: unknown; repository: string }[] = [];
  for (const [key, value] of entries(values)) {
    if (!isRecord(value)) continue;
    const repository = str(get(value, "repository"));
    if (key === "image" && repository !== undefined && !isOpaque(repository)) out.push({ keys: [...keys, key], image: value, repository });
    else out.push(...chartImages(value, [...keys, key], depth + 1));
  }
  return out;
}
