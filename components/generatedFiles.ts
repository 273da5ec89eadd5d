/**
 * Files the program generates for repositories it cannot own, gathered into
 * the `generatedFiles` stack output (`<folder>/<repo>/<path>` to content). The
 * offline plan writes them under `out/<stack>/`; after a real run,
 * `pulumi stack output generatedFiles --json` shows them.
 */
import type { GitopsFile } from "./api/gitops";
import type { AppRepoFile } from "./pipelines/pipelineYaml";
import { appRepoGeneratedFiles } from "./pipelines/pipelineYaml";

/** The GitOps repository the image-tag file goes to (the guide's draft-deployment). */
export const GITOPS_REPOSITORY = "draft-deployment";

/** Where the cutover runbook and scripts go: run in a GitOps checkout, never committed to it. */
export const GITOPS_CUTOVER_FOLDER = "gitops/cutover";

export function generatedFiles(
  appRepoFiles: readonly AppRepoFile[],
  gitopsFiles: readonly GitopsFile[],
  cutoverFiles: readonly GitopsFile[] = [],
): Record<string, string> {
  return {
    ...appRepoGeneratedFiles(appRepoFiles),
    ...Object.fromEntries(gitopsFiles.map((f) => [`gitops/${GITOPS_REPOSITORY}/${f.path}`, f.content])),
    ...Object.fromEntries(cutoverFiles.map((f) => [`${GITOPS_CUTOVER_FOLDER}/${f.path}`, f.content])),
  };
}
