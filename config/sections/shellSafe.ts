/**
 * The grammars of every value that ends up inside a shell command line: the
 * `ray start` options KubeRay builds from `rayStartParams`, the pipeline
 * variables a template's scripts expand with `$(name)`, and the pip
 * requirements, index URLs, model URLs and file names of the install script.
 *
 * KubeRay joins `rayStartParams` into `ray start --<key>=<value>` without
 * quoting and runs it with `bash -c`, and Azure Pipelines pastes `$(name)`
 * into script text before any shell sees it, so quoting cannot be added
 * downstream: the only safe value is one that has no shell meaning at all.
 * Each grammar is therefore a whitelist, checked in config before anything
 * renders. The install script's own inputs (requirements, index and model
 * URLs, file names, paths) are not stack config today; installScript.ts checks
 * them against the same patterns. The zod schemas carry the messages config
 * prints.
 */
import { z } from "zod";
import { stringish } from "./stringish";

/** A `ray start` option name as `ray start --help` spells them: `num-cpus`, `dashboard-host`. */
export const RAY_START_OPTION_PATTERN = /^[a-z][a-z0-9-]*$/;

/**
 * A `ray start` option value: one word without quotes, spaces, `$`, `;`, `&`,
 * `|`, redirects, globs or backslashes. Covers numbers (`8`, `2000000000`),
 * booleans, hosts (`0.0.0.0`), ports, paths (`/tmp/ray`) and lists (`a,b`).
 */
export const RAY_START_VALUE_PATTERN = /^[A-Za-z0-9_.:/@%+,=-]+$/;

/** A pipeline variable value: words of letters, digits, spaces and `_ . , : / @ % + = -`; no `$`, quotes or shell operators. */
export const PIPELINE_VARIABLE_VALUE_PATTERN = /^[A-Za-z0-9 _.,:/@%+=-]*$/;

/** A PEP 440 specifier list such as `>=2.7.0,<3.0.0` (what follows the project name). */
export const PIP_VERSION_PATTERN = /^(?:===|==|!=|<=|>=|~=|<|>)[A-Za-z0-9.*+!_-]+(?:,(?:===|==|!=|<=|>=|~=|<|>)[A-Za-z0-9.*+!_-]+)*$/;

/** A PyPI project name (PEP 508 `identifier`). */
export const PIP_PROJECT_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** An https index URL: host, optional port, path of unreserved characters; no query, no credentials. */
export const INDEX_URL_PATTERN = /^https:\/\/[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?(?:\/[A-Za-z0-9._~%+-]*)*$/;

/** An https download URL: as an index URL, plus a query of `name=value` pairs joined by `&`. */
export const DOWNLOAD_URL_PATTERN =
  /^https:\/\/[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?(?:\/[A-Za-z0-9._~%+-]*)*(?:\?[A-Za-z0-9._~%+-]+=[A-Za-z0-9._~%+-]*(?:&[A-Za-z0-9._~%+-]+=[A-Za-z0-9._~%+-]*)*)?$/;

/** A plain file name: no directory part, not `.` or `..`, not starting with `-` (which a command would read as an option). */
export const PLAIN_FILE_NAME_PATTERN = /^(?!\.\.?$)[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;

/** An absolute path of letters, digits, `_`, `.`, `-` and `/`, without empty, `.` or `..` segments. */
export const SHELL_SAFE_ABSOLUTE_PATH_PATTERN = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9_.-]+)+$|^\/$/;

const UNQUOTED =
  "KubeRay puts it unquoted into the `ray start` command, so quotes, spaces, $, ;, &, |, <, >, *, ?, backslashes and brackets are refused";

/** `rayStartParams` values; numbers and booleans arrive as `pulumi config set --path` stores them. */
export const rayStartValue = stringish.pipe(
  z.string().regex(RAY_START_VALUE_PATTERN, {
    error: `expected a ray start value of letters, digits and _ . : / @ % + , = - such as "8" or "0.0.0.0"; ${UNQUOTED}`,
  }),
);

export const RAY_START_OPTION_ERROR = "expected a lower-case ray start option of letters, digits and - such as num-cpus";

/** Pipeline variables: the shared template expands `$(name)` inside its script steps. */
export const pipelineVariableValue = z.string().regex(PIPELINE_VARIABLE_VALUE_PATTERN, {
  error:
    'expected a value of letters, digits, spaces and _ . , : / @ % + = - such as "westeurope"; the pipeline template pastes $(name) into its scripts, so $, quotes, ;, &, |, <, >, backticks and backslashes are refused',
});
