/**
 * npm run check-app-repo -- [--worker PATH] [--api PATH] [--stack NAME] [--config KEY=VALUE]...
 *
 * Checks app repository checkouts against the stack that builds their images (the shared stack by default: it owns
 * the build pipelines and their RAY_VERSION, docs/stacks.md): the worker Dockerfile's
 * Ray base image (or its ARG RAY_VERSION default), the API's ray[client] pin
 * and each repository's azure-pipelines.yaml. Prints one line per problem as
 * FILE:LINE: message.
 *
 * Exit codes: 0 in lockstep; 1 skew found; 2 bad arguments, invalid config, or a file of a checkout that cannot be read.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { AppPipelineModel, pipelinesModel } from "../components/pipelines/pipelineModel";
import { checkAppRepo, Finding, formatFinding, RayExpectation } from "../components/pipelines/appRepoCheck";
import { workerBaseImage } from "../components/ray/baseImage";
import { heavyDependencies } from "../components/ray/heavyDependencies";
import { acrLoginServer } from "../components/registry/registrySpec";
import { API_APP, WORKER_APP } from "../config/sections/pipelines";
import { isStackConfigError } from "../config/errors";
import { DEFAULT_SHARED_STACK } from "../config/stackRole";
import { StackConfig } from "../config/stackConfig";
import { PlanInputError } from "../plan/stackConfigFile";
import { stackConfigFor } from "../plan/stackConfigFor";

export const EXIT_OK = 0;
export const EXIT_SKEW = 1;
export const EXIT_USAGE = 2;

export const USAGE = "usage: npm run check-app-repo -- [--worker PATH] [--api PATH] [--stack NAME] [--config KEY=VALUE]...";

export interface CheckResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Larger than any Dockerfile, requirements file or pipeline: such a file is not one, and is not read into memory. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** A checkout's file that is there but cannot be read: bad input (exit 2), not skew. */
class UnreadableFileError extends Error {}

function readerFor(dir: string) {
  return (relativePath: string) => {
    const file = path.join(dir, relativePath);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      throw new UnreadableFileError(`${file}: cannot be read (${code ?? String(err)})`);
    }
    if (!stat.isFile()) return undefined;
    if (stat.size > MAX_FILE_BYTES) {
      throw new UnreadableFileError(`${file}: larger than ${MAX_FILE_BYTES / 1024 / 1024} MB, not a file of an app repository`);
    }
    try {
      return fs.readFileSync(file, "utf8");
    } catch (err) {
      throw new UnreadableFileError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  };
}

/** The whole command, without touching process: testable, and `main` only prints and exits. */
export function runCheckAppRepo(argv: readonly string[], projectDir: string): CheckResult {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        worker: { type: "string" },
        api: { type: "string" },
        stack: { type: "string", default: DEFAULT_SHARED_STACK },
        config: { type: "string", multiple: true, default: [] },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    return { exitCode: EXIT_USAGE, stdout: "", stderr: `${(err as Error).message}\n${USAGE}\n` };
  }
  if (values.help) return { exitCode: EXIT_OK, stdout: `${USAGE}\n`, stderr: "" };
  if (values.worker === undefined && values.api === undefined) {
    return { exitCode: EXIT_USAGE, stdout: "", stderr: `give at least one checkout: --worker PATH and/or --api PATH\n${USAGE}\n` };
  }
  const checkouts: [string, string][] = [];
  if (values.worker !== undefined) checkouts.push([WORKER_APP, values.worker]);
  if (values.api !== undefined) checkouts.push([API_APP, values.api]);
  for (const [app, dir] of checkouts) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      return { exitCode: EXIT_USAGE, stdout: "", stderr: `--${app === WORKER_APP ? "worker" : "api"} ${dir}: not a directory\n${USAGE}\n` };
    }
  }

  let config: StackConfig;
  try {
    config = stackConfigFor(projectDir, values.stack, values.config);
  } catch (err) {
    if (err instanceof PlanInputError) return { exitCode: EXIT_USAGE, stdout: "", stderr: `${err.message}\n${USAGE}\n` };
    if (isStackConfigError(err)) return { exitCode: EXIT_USAGE, stdout: "", stderr: `${err.message}\n` };
    throw err;
  }
  // The app repositories build with the pipelines' RAY_VERSION, which the stack that owns the pipelines sets.
  if (config.role === "environment") {
    return {
      exitCode: EXIT_USAGE,
      stdout: "",
      stderr:
        `stack "${values.stack}" is an environment stack: the app repositories' pipelines, and the Ray version their images are built with, ` +
        `are the shared stack's; check against it: npm run check-app-repo -- --stack ${config.sharedStack ?? DEFAULT_SHARED_STACK} ...\n${USAGE}\n`,
    };
  }
  const model = pipelinesModel(config);
  const base = workerBaseImage(config, acrLoginServer(config.registry.name));
  const expect: RayExpectation = {
    stack: values.stack,
    rayVersion: config.rayVersion,
    pythonTag: config.pythonTag,
    cudaTag: config.cudaTag,
    ...(base
      ? {
          workerBase: {
            image: base.image,
            dockerfile: base.dockerfile,
            heavyPackages: heavyDependencies(config.cudaTag).flatMap((s) => s.requirements.map((r) => r.name.toLowerCase())),
          },
        }
      : {}),
  };
  const findings: Finding[] = [];
  const lines: string[] = [];
  for (const [appName, dir] of checkouts) {
    // The worker repository also holds the base image's pipeline in base-image mode.
    const apps = model.apps.filter((a) => a.name === appName || (appName === WORKER_APP && a.kind === "worker-base")) as AppPipelineModel[];
    let found: Finding[];
    try {
      found = apps.flatMap((app) => checkAppRepo(app, expect, readerFor(dir), (relativePath) => path.join(dir, relativePath)));
    } catch (err) {
      if (!(err instanceof UnreadableFileError)) throw err;
      return { exitCode: EXIT_USAGE, stdout: "", stderr: `check-app-repo: ${err.message}\n` };
    }
    findings.push(...found);
    lines.push(
      found.length === 0 ? `ok   ${appName} (${dir})` : `FAIL ${appName} (${dir}): ${found.length} problem${found.length === 1 ? "" : "s"}`,
    );
  }
  const header = `check-app-repo: stack "${values.stack}", Ray ${config.rayVersion} (${config.pythonTag}, ${config.cudaTag})`;
  if (findings.length === 0) return { exitCode: EXIT_OK, stdout: [header, ...lines, ""].join("\n"), stderr: "" };
  return {
    exitCode: EXIT_SKEW,
    stdout: [header, ...lines, ""].join("\n"),
    stderr: [
      ...findings.map(formatFinding),
      "",
      "Fix the app repository (or the stack's config), then re-run; the generated pipeline is under out/<stack>/app-repos/ after `npm run plan`.",
      "",
    ].join("\n"),
  };
}

if (require.main === module) {
  const result = runCheckAppRepo(process.argv.slice(2), path.resolve(__dirname, ".."));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exit(result.exitCode);
}
