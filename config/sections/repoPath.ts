/**
 * Paths of files inside a repository (a pipeline file, a Dockerfile, the
 * image-tag file in the GitOps repository). The program writes generated files
 * under `<folder>/<repo>/<path>`, so a path that climbs out of its repository
 * (`../../app-repos/...`) would overwrite another generated file, and one that
 * spells the same file two ways (`./a.yaml`, `a//b.yaml`) would defeat the
 * check that two files never share a path. Only the normal form is accepted:
 * relative, `/`-separated, no empty, `.` or `..` segments.
 */
import { z } from "zod";

/** One path segment: letters, digits, `_`, `.` and `-`, not `.` or `..`. */
const SEGMENT = "(?!\\.\\.?(?:/|$))[A-Za-z0-9_.-]+";

export const REPO_RELATIVE_PATH_PATTERN = new RegExp(`^${SEGMENT}(?:/${SEGMENT})*$`);

/**
 * A normalised path inside a repository; `extension` (e.g. `YAML_FILE`)
 * restricts the file's type; `example` is shown in the message.
 */
export function repoRelativePath(example: string, extension?: { readonly pattern: RegExp; readonly what: string }) {
  const pattern = extension
    ? new RegExp(`${REPO_RELATIVE_PATH_PATTERN.source.slice(0, -1)}${extension.pattern.source}$`)
    : REPO_RELATIVE_PATH_PATTERN;
  const form = `a relative path inside the repository${extension ? ` ${extension.what}` : ""}: letters, digits, _, . and - separated by / (no leading /, no "." or ".." segments)`;
  return z.string().regex(pattern, { error: `expected ${form}, such as "${example}"` });
}

/** Pipeline and GitOps files. */
export const YAML_FILE = { pattern: /\.ya?ml/, what: "ending in .yaml or .yml" } as const;
