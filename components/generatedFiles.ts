/**
 * Files the program generates for repositories it cannot own, gathered into
 * the `generatedFiles` stack output (`<folder>/<repo>/<path>` to content). The
 * offline plan writes them under `out/<stack>/`; after a real run,
 * `pulumi stack output generatedFiles --json` shows them.
 */
import type { GitopsFile } from "./api/gitops";
import type { AppRepoFile } from "./pipelines/pipelineYaml";
import { appRepoFilePath } from "./pipelines/pipelineYaml";
import { StackConfigError } from "../config/errors";

/** The GitOps repository the image-tag file goes to (the guide's draft-deployment). */
export const GITOPS_REPOSITORY = "draft-deployment";

/** Where the cutover runbook and scripts go: run in a GitOps checkout, never committed to it. */
export const GITOPS_CUTOVER_FOLDER = "gitops/cutover";

/**
 * Two files for one path would silently keep only the last; config keeps paths apart, and this refuses what
 * slips through rather than dropping a file.
 */
export function generatedFiles(
  appRepoFiles: readonly AppRepoFile[],
  gitopsFiles: readonly GitopsFile[],
  cutoverFiles: readonly GitopsFile[] = [],
): Record<string, string> {
  const entries: [string, string][] = [
    ...appRepoFiles.map((f): [string, string] => [appRepoFilePath(f), f.content]),
    ...gitopsFiles.map((f): [string, string] => [`gitops/${GITOPS_REPOSITORY}/${f.path}`, f.content]),
    ...cutoverFiles.map((f): [string, string] => [`${GITOPS_CUTOVER_FOLDER}/${f.path}`, f.content]),
  ];
  const files: Record<string, string> = {};
  for (const [path, content] of entries) {
    if (path in files) {
      throw new StackConfigError(
        `two generated files target ${path}; give them different repositories or paths (pipelines.additionalApps[].repository, pipelines.yamlPath, api.imageAutomation.gitPath)`,
      );
    }
    files[path] = content;
  }
  return files;
}
