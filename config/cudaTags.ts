/**
 * Which CUDA tags a stack may use. `cudaTag` names two things that must both
 * exist: the GPU Ray images (`rayproject/ray:<ray>-<python>-<cuda>`) and
 * PyTorch's wheel index for the install step (`download.pytorch.org/whl/<cuda>`).
 * A tag outside this table would plan fine and then fail to pull or install.
 *
 * Sources:
 * - Ray images: `PLATFORMS_RAY` in ray-project/ray `ci/ray_ci/docker_container.py`,
 *   the platforms the release pipeline builds `rayproject/ray` for (`cu12.1.1-cudnn8`
 *   is tagged `cu121`). Read at commit 0178d7f6 (cu117 to cu128, the list for the
 *   Ray this project runs, 2.52) and at f1cecd59 (cu115 to cu121, earlier 2.x).
 *   For releases before 2.52 the row holds both lists, so no tag a 2.x release
 *   may have published is refused.
 * - PyTorch: the `cuXXX` folders of https://download.pytorch.org/whl/.
 *
 * To use a newer CUDA: check that `docker manifest inspect rayproject/ray:<ray>-py310-<cuda>`
 * and the PyTorch index both exist, then add a row (or the tag) here.
 */

export interface RayCudaTags {
  /** The first Ray release the row holds for; a row holds until the next row's release. */
  readonly fromRay: string;
  /** CUDA tags of `rayproject/ray` images from this release on. */
  readonly rayImageTags: readonly string[];
}

export const RAY_CUDA_TAGS: readonly RayCudaTags[] = [
  { fromRay: "2.0.0", rayImageTags: ["cu115", "cu116", "cu117", "cu118", "cu121", "cu123", "cu124", "cu125", "cu126", "cu128"] },
  { fromRay: "2.52.0", rayImageTags: ["cu117", "cu118", "cu121", "cu123", "cu124", "cu125", "cu126", "cu128"] },
];

/** CUDA tags PyTorch publishes a wheel index for. */
export const PYTORCH_INDEX_CUDA_TAGS: readonly string[] = ["cu115", "cu116", "cu117", "cu118", "cu121", "cu124", "cu126", "cu128", "cu129"];

/** The CUDA tags that exist for both the Ray images of this release and PyTorch; undefined for a Ray release before the table. */
export function cudaTagsFor(rayVersion: string): string[] | undefined {
  const row = [...RAY_CUDA_TAGS].reverse().find((r) => compareReleases(rayVersion, r.fromRay) >= 0);
  return row?.rayImageTags.filter((tag) => PYTORCH_INDEX_CUDA_TAGS.includes(tag));
}

/** Orders two MAJOR.MINOR.PATCH releases (Ray versions in config are exactly that). */
function compareReleases(a: string, b: string): number {
  const [pa, pb] = [a, b].map((v) => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
