import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import {
  checkApiDockerfile,
  checkApiRequirements,
  checkAppRepo,
  checkPipelineYaml,
  checkWorkerBaseDockerfile,
  checkWorkerDockerfile,
  checkWorkerDockerfileOnBase,
  RayExpectation,
} from "../../components/pipelines/appRepoCheck";
import { workerBaseImage } from "../../components/ray/baseImage";
import { heavyDependencies } from "../../components/ray/heavyDependencies";
import { pipelinesModel } from "../../components/pipelines/pipelineModel";
import { parseStackConfigOrThrow } from "../../config/parse";
import { stackConfigFor } from "../../plan/stackConfigFor";
import { runCheckAppRepo, USAGE } from "../../scripts/checkAppRepo";
import { PROCESS_TEST_TIMEOUT, runCli } from "../cliProcess";
import { minimalStackConfig, PROJECT_DIR } from "../harness";

const FIXTURES = "test/fixtures/app-repos";
const fixture = (name: string) => path.join(FIXTURES, name);
/** The fixtures are written for Ray 2.52.0 (the guide's version); pin it so a bump of the default does not move them. */
const PIN = ["--config", "rayVersion=2.52.0"];
const EXPECT: RayExpectation = { stack: "shared", rayVersion: "2.52.0", pythonTag: "py310", cudaTag: "cu121" };
const model = pipelinesModel(parseStackConfigOrThrow(minimalStackConfig(), "dev"));
const worker = model.apps[0];
const api = model.apps[1];

function check(...args: string[]) {
  return runCheckAppRepo(args, PROJECT_DIR);
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "app-repo-skew-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/**
 * A copy of a matching fixture checkout with one edit: the skew a case injects is spelled out where it is
 * used. Throws when the text to replace is not there, so an edit can never silently do nothing.
 */
function skewed(base: string, file: string, from: string, to: string): string {
  const dir = fs.mkdtempSync(path.join(scratch, `${base}-`));
  fs.cpSync(fixture(base), dir, { recursive: true });
  const text = fs.readFileSync(path.join(dir, file), "utf8");
  if (!text.includes(from)) throw new Error(`${fixture(base)}/${file} has no ${JSON.stringify(from)}`);
  fs.writeFileSync(path.join(dir, file), text.replace(from, to));
  return dir;
}

describe("npm run check-app-repo on the fixture checkouts", () => {
  it("passes a worker built on the right Ray image through a registry's mirror path", () => {
    const dir = skewed("face-ocr-worker", "Dockerfile", "FROM rayproject/ray", "FROM myacr.azurecr.io/dockerhub/rayproject/ray");
    expect(check("--worker", dir, ...PIN).exitCode).toBe(0);
  });

  it("refuses a file it cannot read, or one too large to be an app repository's, with exit 2 (not 1, which means skew)", () => {
    const unreadable = fs.mkdtempSync(path.join(scratch, "unreadable-"));
    fs.cpSync(fixture("face-ocr-api"), unreadable, { recursive: true });
    fs.rmSync(path.join(unreadable, "requirements.txt"));
    // /proc/self/mem is a file whose read fails (EIO).
    fs.symlinkSync("/proc/self/mem", path.join(unreadable, "requirements.txt"));
    expect(check("--api", unreadable, ...PIN)).toEqual({
      exitCode: 2,
      stdout: "",
      stderr: `check-app-repo: ${path.join(unreadable, "requirements.txt")}: cannot be read (EIO)\n`,
    });
    const huge = fs.mkdtempSync(path.join(scratch, "huge-"));
    fs.cpSync(fixture("face-ocr-worker"), huge, { recursive: true });
    fs.truncateSync(path.join(huge, "Dockerfile"), 11 * 1024 * 1024);
    expect(check("--worker", huge, ...PIN)).toEqual({
      exitCode: 2,
      stdout: "",
      stderr: `check-app-repo: ${path.join(huge, "Dockerfile")}: larger than 10 MB, not a file of an app repository\n`,
    });
  });

  it("passes repositories in lockstep with the stack", () => {
    expect(check("--worker", fixture("face-ocr-worker"), "--api", fixture("face-ocr-api"), ...PIN)).toEqual({
      exitCode: 0,
      stdout: [
        'check-app-repo: stack "shared", Ray 2.52.0 (py310, cu121)',
        `ok   face-ocr-worker (${fixture("face-ocr-worker")})`,
        `ok   face-ocr-api (${fixture("face-ocr-api")})`,
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it.each([
    [
      "a Dockerfile FROM on another Ray",
      "--worker",
      () =>
        skewed(
          "face-ocr-worker",
          "Dockerfile",
          "ARG RAY_VERSION=2.52.0\nFROM rayproject/ray:${RAY_VERSION}-py310-cu121",
          "FROM rayproject/ray:2.51.0-py310-cu121",
        ),
      'Dockerfile:2: FROM rayproject/ray:2.51.0-py310-cu121 uses Ray 2.51.0, but stack "shared" runs Ray 2.52.0; expected FROM rayproject/ray:2.52.0-py310-cu121',
    ],
    [
      "a Dockerfile ARG RAY_VERSION default on another Ray",
      "--worker",
      () => skewed("face-ocr-worker", "Dockerfile", "ARG RAY_VERSION=2.52.0", "ARG RAY_VERSION=2.51.0"),
      'Dockerfile:2: ARG RAY_VERSION defaults to "2.51.0", but stack "shared" runs Ray 2.52.0; expected ARG RAY_VERSION=2.52.0',
    ],
    [
      "a requirements.txt ray[client] pin on another Ray",
      "--api",
      () => skewed("face-ocr-api", "requirements.txt", "ray[client]==2.52.0", "ray[client]==2.51.0"),
      'requirements.txt:6: ray[client]==2.51.0 pins Ray 2.51.0, but stack "shared" runs Ray 2.52.0; expected ray[client]==2.52.0',
    ],
    [
      "a pipeline whose RAY_VERSION is another Ray",
      "--api",
      () => skewed("face-ocr-api", "azure-pipelines.yaml", 'RAY_VERSION: "2.52.0"', 'RAY_VERSION: "2.51.0"'),
      'azure-pipelines.yaml:9: variables.RAY_VERSION is "2.51.0"; expected "2.52.0" (stack "shared" runs Ray 2.52.0; the build passes it to the Dockerfile as --build-arg)',
    ],
  ])("fails on %s, naming file and line, with exit code 1", (_, flag, checkout, line) => {
    const dir = checkout();
    const result = check(flag, dir, ...PIN);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.split("\n").filter((l) => l.startsWith(dir))).toEqual([`${dir}/${line}`]);
    expect(result.stdout).toContain("FAIL face-ocr-");
  });

  it("checks against the stack's Ray, so a rayVersion override turns the matching checkouts into skew", () => {
    const result = check("--worker", fixture("face-ocr-worker"), "--api", fixture("face-ocr-api"), "--config", "rayVersion=2.53.0");
    expect(result.exitCode).toBe(1);
    expect(result.stderr.split("\n").filter((l) => l.startsWith("test/"))).toEqual([
      `${fixture("face-ocr-worker")}/azure-pipelines.yaml:11: variables.RAY_VERSION is "2.52.0"; expected "2.53.0" (stack "shared" runs Ray 2.53.0; the build passes it to the Dockerfile as --build-arg)`,
      `${fixture("face-ocr-worker")}/Dockerfile:2: ARG RAY_VERSION defaults to "2.52.0", but stack "shared" runs Ray 2.53.0; expected ARG RAY_VERSION=2.53.0`,
      `${fixture("face-ocr-api")}/azure-pipelines.yaml:9: variables.RAY_VERSION is "2.52.0"; expected "2.53.0" (stack "shared" runs Ray 2.53.0; the build passes it to the Dockerfile as --build-arg)`,
      `${fixture("face-ocr-api")}/requirements.txt:6: ray[client]==2.52.0 pins Ray 2.52.0, but stack "shared" runs Ray 2.53.0; expected ray[client]==2.53.0`,
    ]);
  });

  it.each([
    [["--worker"], "Option '--worker <value>' argument missing"],
    [["--verbose"], "Unknown option '--verbose'"],
    [[], "give at least one checkout: --worker PATH and/or --api PATH"],
    [["--api", fixture("does-not-exist")], `--api ${fixture("does-not-exist")}: not a directory`],
    [
      ["--api", fixture("face-ocr-api"), "--stack", "nope"],
      'no stack file Pulumi.nope.yaml for stack "nope"; stacks here: dev, prod, shared, uat',
    ],
    [
      ["--api", fixture("face-ocr-api"), "--config", "rayVersion"],
      '--config "rayVersion": expected KEY=VALUE, e.g. --config rayVersion=2.53.0',
    ],
    [
      ["--api", fixture("face-ocr-api"), "--stack", "uat"],
      'stack "uat" is an environment stack: the app repositories\' pipelines, and the Ray version their images are built with, ' +
        "are the shared stack's; check against it: npm run check-app-repo -- --stack shared ...",
    ],
  ])("exits 2 with usage on bad arguments %j", (args, message) => {
    expect(check(...args)).toEqual({ exitCode: 2, stdout: "", stderr: `${message}\n${USAGE}\n` });
  });

  it("exits 2 on invalid stack config, with the program's message", () => {
    expect(check("--api", fixture("face-ocr-api"), "--config", "rayVersion=latest")).toEqual({
      exitCode: 2,
      stdout: "",
      stderr:
        'Invalid config for stack "shared":\n  - rayVersion = "latest": expected an exact Ray version MAJOR.MINOR.PATCH, such as "2.52.0"; set it with `pulumi config set rayVersion <value>`\n',
    });
  });

  it("runs as a command with those exit codes", { timeout: PROCESS_TEST_TIMEOUT }, async () => {
    const run = (args: string[]) => runCli("scripts/checkAppRepo.ts", args);
    const skewedApi = skewed("face-ocr-api", "requirements.txt", "ray[client]==2.52.0", "ray[client]==2.51.0");
    const [ok, skew] = await Promise.all([run(["--api", fixture("face-ocr-api"), ...PIN]), run(["--api", skewedApi, ...PIN])]);
    expect([ok.code, skew.code]).toEqual([0, 1]);
    expect(skew.stderr).toContain(`${skewedApi}/requirements.txt:6: `);
  });
});

describe("checkWorkerDockerfile", () => {
  it("accepts the literal FROM of the guide's Appendix A at the stack's version", () => {
    expect(checkWorkerDockerfile("FROM rayproject/ray:2.52.0-py310-cu121\nUSER ray\n", "Dockerfile", EXPECT)).toEqual([]);
  });

  it("accepts ARG RAY_VERSION without a default, which only the pipeline's build argument fills", () => {
    expect(checkWorkerDockerfile("ARG RAY_VERSION\nFROM rayproject/ray:${RAY_VERSION}-py310-cu121\n", "Dockerfile", EXPECT)).toEqual([]);
  });

  it("flags a FROM that reads RAY_VERSION with no ARG before it", () => {
    expect(checkWorkerDockerfile("FROM rayproject/ray:$RAY_VERSION-py310-cu121\nARG RAY_VERSION=2.52.0\n", "Dockerfile", EXPECT)).toEqual([
      {
        file: "Dockerfile",
        line: 1,
        message:
          "FROM rayproject/ray:$RAY_VERSION-py310-cu121 reads ${RAY_VERSION}, but no ARG RAY_VERSION comes before the first FROM, so the pipeline's build argument never reaches it; add ARG RAY_VERSION=2.52.0 above it",
      },
    ]);
  });

  it("flags the python or CUDA tag when only those differ", () => {
    expect(checkWorkerDockerfile("FROM rayproject/ray:2.52.0-py311-cu121 AS base\n", "Dockerfile", EXPECT)).toEqual([
      {
        file: "Dockerfile",
        line: 1,
        message:
          'FROM rayproject/ray:2.52.0-py311-cu121 has python/CUDA tags py311-cu121, but stack "shared" uses py310-cu121; expected FROM rayproject/ray:2.52.0-py310-cu121',
      },
    ]);
  });

  it("checks every Ray stage of a multi-stage build, on its own line", () => {
    const text = [
      "FROM rayproject/ray:2.52.0-py310-cu121 AS deps",
      "RUN true",
      "",
      "FROM --platform=linux/amd64 rayproject/ray:2.50.1-py310-cu121",
      "COPY --from=deps /x /x",
    ].join("\n");
    expect(checkWorkerDockerfile(text, "Dockerfile", EXPECT).map((f) => f.line)).toEqual([4]);
  });

  it("says when there is no Ray base image at all", () => {
    expect(checkWorkerDockerfile("FROM python:3.10-slim\n", "Dockerfile", EXPECT)).toEqual([
      {
        file: "Dockerfile",
        message: "no FROM rayproject/ray:... line; the GPU worker image must build on rayproject/ray:2.52.0-py310-cu121",
      },
    ]);
  });
});

describe("checkApiRequirements", () => {
  it("accepts the exact pin with other extras, spacing and markers", () => {
    expect(
      checkApiRequirements("fastapi\nRay[default, client] == 2.52.0 ; python_version >= '3.10'  # cluster\n", "requirements.txt", EXPECT),
    ).toEqual([]);
  });

  it.each([
    ["ray==2.52.0", "ray==2.52.0 has no [client] extra; the API connects through Ray Client and needs ray[client]==2.52.0"],
    ["ray[client]>=2.52.0", "ray[client]>=2.52.0 does not pin one exact Ray version; expected ray[client]==2.52.0"],
    ["ray[client]", "ray[client] does not pin one exact Ray version; expected ray[client]==2.52.0"],
  ])("flags %s on its line", (line, message) => {
    expect(checkApiRequirements(`httpx\n${line}\n`, "requirements.txt", EXPECT)).toEqual([{ file: "requirements.txt", line: 2, message }]);
  });

  it("says when there is no ray[client] requirement, ignoring comments and options", () => {
    expect(
      checkApiRequirements(
        "# ray[client]==2.52.0\n--index-url https://pypi.example/simple\nrayon-tools==1.0\n",
        "requirements.txt",
        EXPECT,
      ),
    ).toEqual([
      {
        file: "requirements.txt",
        message: "no ray[client] requirement; the API connects through Ray Client and must pin ray[client]==2.52.0",
      },
    ]);
  });
});

describe("checkPipelineYaml", () => {
  const matching = fs.readFileSync(path.join(PROJECT_DIR, FIXTURES, "face-ocr-worker", "azure-pipelines.yaml"), "utf8");

  it("accepts the generated pipeline written in list-form variables", () => {
    const listForm = matching.replace(
      /variables:\n(?: {2}\w+: .*\n)+/,
      'variables:\n  - name: AzureSubscription\n    value: S2T Sela-data-ai\n  - name: KeyVaultName\n    value: predicintel-devops-kv\n  - name: RAY_VERSION\n    value: "2.52.0"\n',
    );
    expect(listForm).not.toBe(matching);
    expect(checkPipelineYaml(listForm, "p.yaml", worker, EXPECT)).toEqual([]);
  });

  it("flags a missing build argument, an extra key and a wrong trigger, each on its line", () => {
    const edited = matching
      .replace('        buildArguments: "--build-arg RAY_VERSION=$(RAY_VERSION)"\n', "")
      .replace("  - dev\n", "  - release\n")
      .replace("    registryHybrid: false\n", "    registryHybrid: false\n    pushOnPullRequest: true\n");
    expect(checkPipelineYaml(edited, "p.yaml", worker, EXPECT)).toEqual([
      { file: "p.yaml", line: 4, message: 'trigger is ["main","release"]; expected ["main","dev"]' },
      {
        file: "p.yaml",
        line: 25,
        message: 'extends.parameters.DockerFiles[0].buildArguments is missing; expected "--build-arg RAY_VERSION=$(RAY_VERSION)"',
      },
      { file: "p.yaml", line: 23, message: "extends.parameters.pushOnPullRequest is not in the generated pipeline" },
    ]);
  });

  it("flags the other repository's registry URL", () => {
    expect(checkPipelineYaml(matching, "p.yaml", api, EXPECT).map((f) => [f.line, f.message])).toEqual([
      [
        24,
        'extends.parameters.DockerFiles[0].registryUrl is "cybersmartstg.azurecr.io/data-ai/face-ocr-worker"; expected "cybersmartstg.azurecr.io/data-ai/face-ocr-api"',
      ],
      // The worker's build-number tags are not the API's: its template tags semver pre-releases itself.
      [30, "extends.parameters.DockerFiles[0].tags is not in the generated pipeline"],
      [
        34,
        'extends.parameters.DevRegistries[0].registryUrl is "cybersmartstg.azurecr.io/data-ai/face-ocr-worker"; expected "cybersmartstg.azurecr.io/data-ai/face-ocr-api"',
      ],
      [
        36,
        'extends.parameters.UATRegistries[0].registryUrl is "cybersmartstg.azurecr.io/data-ai/face-ocr-worker"; expected "cybersmartstg.azurecr.io/data-ai/face-ocr-api"',
      ],
      [2, "name is not in the generated pipeline"],
    ]);
  });

  it("reports YAML it cannot parse at the line of the error", () => {
    const [finding] = checkPipelineYaml("trigger:\n  - main\nvariables: [unclosed\n", "p.yaml", worker, EXPECT);
    expect(finding.file).toBe("p.yaml");
    expect(finding.message).toMatch(/^not valid YAML: /);
    expect(finding.line).toBeGreaterThanOrEqual(3);
  });
});

describe("checkAppRepo", () => {
  it("reports a missing file instead of passing", () => {
    const findings = checkAppRepo(
      api,
      EXPECT,
      (p) => (p === "azure-pipelines.yaml" ? undefined : "ray[client]==2.52.0\n"),
      (p) => `repo/${p}`,
    );
    expect(findings).toEqual([{ file: "repo/azure-pipelines.yaml", message: "not found" }]);
  });
});

describe("base-image mode: the worker builds FROM its base and installs no heavy package again", () => {
  const config = stackConfigFor(PROJECT_DIR, "shared", ["ray.gpuWorker.heavyDependencies.mode=baseImage"]);
  const base = workerBaseImage(config, "cybersmartstg.azurecr.io");
  if (!base) throw new Error("base-image mode has a base image");
  const heavyPackages = heavyDependencies("cu121").flatMap((s) => s.requirements.map((r) => r.name));
  const ON_BASE: RayExpectation = { ...EXPECT, workerBase: { image: base.image, dockerfile: base.dockerfile, heavyPackages } };
  const dockerfile = (from: string, pip: string) =>
    `FROM ${from}\nUSER ray\nWORKDIR /app\nRUN pip install --no-cache-dir \\\n    ${pip}\nCOPY ray_tasks.py .\n`;

  it("passes a worker Dockerfile FROM the stack's base tag with light dependencies only", () => {
    expect(checkWorkerDockerfileOnBase(dockerfile(base.image, "fastapi==0.104.1 pydantic==2.5.0"), "Dockerfile", ON_BASE)).toEqual([]);
  });

  it("flags a FROM on the Ray image, or on another base tag, naming the expected one", () => {
    const fixtureText = fs.readFileSync(path.join(fixture("face-ocr-worker"), "Dockerfile"), "utf8");
    const uses = `stack "shared" builds the worker on ${base.image} (ray.gpuWorker.heavyDependencies.mode: baseImage)`;
    expect(checkWorkerDockerfileOnBase(fixtureText, "Dockerfile", ON_BASE)).toEqual([
      {
        file: "Dockerfile",
        line: 3,
        message: `FROM rayproject/ray:\${RAY_VERSION}-py310-cu121 is not the base image; ${uses}; expected FROM ${base.image}`,
      },
      // The guide's light dependencies include numpy>=1.24.0, a second numpy beside the base's numpy==1.26.4.
      {
        file: "Dockerfile",
        line: 14,
        message: "installs numpy again, which the base image already holds pinned and fixed; remove it from this RUN",
      },
    ]);
    const stale = base.image.replace(/-[0-9a-f]{12}$/, "-000000000000");
    expect(checkWorkerDockerfileOnBase(dockerfile(stale, "fastapi==0.104.1"), "Dockerfile", ON_BASE)).toEqual([
      { file: "Dockerfile", line: 1, message: `FROM ${stale} is not the base image; ${uses}; expected FROM ${base.image}` },
    ]);
  });

  it("flags a heavy package installed again, quoted or not, with or without a version", () => {
    expect(checkWorkerDockerfileOnBase(dockerfile(base.image, "fastapi==0.104.1 'easyocr>=1.7.0' torch"), "Dockerfile", ON_BASE)).toEqual([
      {
        file: "Dockerfile",
        line: 4,
        message: "installs torch, easyocr again, which the base image already holds pinned and fixed; remove them from this RUN",
      },
    ]);
  });

  it("requires base/Dockerfile to be the generated one, naming the first line that differs", () => {
    expect(checkWorkerBaseDockerfile(base.dockerfile, "base/Dockerfile", ON_BASE)).toEqual([]);
    const edited = base.dockerfile.replace("easyocr==1.7.2", "easyocr==1.7.1");
    const line = base.dockerfile.split("\n").findIndex((l) => l.includes("easyocr==1.7.2")) + 1;
    expect(checkWorkerBaseDockerfile(edited, "base/Dockerfile", ON_BASE)).toEqual([
      {
        file: "base/Dockerfile",
        line,
        message:
          'differs from the base Dockerfile stack "shared" generates (its tag is a hash of that content); copy out/shared/app-repos/face-ocr-worker/base/Dockerfile from `npm run plan` unchanged',
      },
    ]);
  });

  it("checks the base's pipeline file and Dockerfile in the worker checkout", () => {
    const app = pipelinesModel(config).apps.find((a) => a.kind === "worker-base");
    if (!app) throw new Error("base-image mode has a base pipeline");
    const files: Record<string, string> = { "base/Dockerfile": base.dockerfile };
    expect(
      checkAppRepo(
        app,
        ON_BASE,
        (p) => files[p],
        (p) => `w/${p}`,
      ),
    ).toEqual([{ file: "w/base/azure-pipelines.yaml", message: "not found" }]);
  });
});

describe("check-app-repo reads Dockerfiles and requirements as docker and pip do", () => {
  const DIGEST = `sha256:${"0".repeat(64)}`;

  it.each([
    ["a registry prefix", "FROM myacr.azurecr.io/rayproject/ray:2.52.0-py310-cu121\n"],
    ["Docker Hub spelt out", "FROM docker.io/rayproject/ray:2.52.0-py310-cu121 AS base\n"],
    ["a digest after the tag", `FROM rayproject/ray:2.52.0-py310-cu121@${DIGEST}\n`],
    [
      "a FROM inside a RUN heredoc",
      "FROM rayproject/ray:2.52.0-py310-cu121\nRUN <<EOF\ncat > old.Dockerfile <<'X'\nFROM rayproject/ray:2.40.0-py310-cu121\nX\nEOF\n",
    ],
    ["a final stage built on a Ray stage", "FROM rayproject/ray:2.52.0-py310-cu121 AS Base\nRUN true\nFROM base\nUSER ray\n"],
  ])("accepts the worker's Ray base with %s", (_, text) => {
    expect(checkWorkerDockerfile(text, "Dockerfile", EXPECT)).toEqual([]);
  });

  it("flags a skewed Ray image behind a registry mirror path", () => {
    expect(checkWorkerDockerfile("FROM myacr.azurecr.io/dockerhub/rayproject/ray:2.51.0-py310-cu121\n", "Dockerfile", EXPECT)).toEqual([
      {
        file: "Dockerfile",
        line: 1,
        message:
          'FROM myacr.azurecr.io/dockerhub/rayproject/ray:2.51.0-py310-cu121 uses Ray 2.51.0, but stack "shared" runs Ray 2.52.0; expected FROM rayproject/ray:2.52.0-py310-cu121',
      },
    ]);
  });

  it("flags a multi-stage build whose final stage, the pushed image, is not the Ray image", () => {
    const text =
      "FROM rayproject/ray:2.52.0-py310-cu121 AS build\nRUN pip wheel -w /w .\n\nFROM python:3.10-slim\nCOPY --from=build /w /w\n";
    expect(checkWorkerDockerfile(text, "Dockerfile", EXPECT)).toEqual([
      {
        file: "Dockerfile",
        line: 4,
        message:
          "the final stage (FROM python:3.10-slim) is the image the pipeline pushes, and it does not build on rayproject/ray; make the last stage FROM rayproject/ray:2.52.0-py310-cu121 or a stage built on it",
      },
    ]);
  });

  it.each([
    [
      "hash-pinned over continuation lines",
      "fastapi==0.110.0 \\\n    --hash=sha256:aaaa\nray[client]==2.52.0 \\\n    --hash=sha256:bbbb \\\n    --hash=sha256:cccc\n",
    ],
    ["arbitrary equality ===", "ray[client]===2.52.0\n"],
    ["a marker and a comment", 'ray[client]==2.52.0 ; python_version >= "3.10"  # Ray Client\n'],
  ])("accepts the API's pin %s", (_, text) => {
    expect(checkApiRequirements(text, "requirements.txt", EXPECT)).toEqual([]);
  });

  it("follows -r includes relative to the including file, and names the line of a skewed pin there", () => {
    const files: Record<string, string> = { "reqs/base.txt": "-r ray.txt\n", "reqs/ray.txt": "httpx\nray[client]==2.51.0\n" };
    const checkout = { read: (p: string) => files[p], display: (p: string) => `api/${p}` };
    expect(checkApiRequirements("--requirement=reqs/base.txt\n", "api/requirements.txt", EXPECT, checkout)).toEqual([
      {
        file: "api/reqs/ray.txt",
        line: 2,
        message: 'ray[client]==2.51.0 pins Ray 2.51.0, but stack "shared" runs Ray 2.52.0; expected ray[client]==2.52.0',
      },
    ]);
    expect(checkApiRequirements("-r reqs/ray.txt\n", "api/requirements.txt", { ...EXPECT, rayVersion: "2.51.0" }, checkout)).toEqual([]);
  });

  it("says when an include is missing or loops, instead of passing or hanging", () => {
    const files: Record<string, string> = { "a.txt": "-r requirements.txt\n" };
    const checkout = { read: (p: string) => files[p], display: (p: string) => p };
    expect(checkApiRequirements("-r base.txt\n-r a.txt\nray[client]==2.52.0\n", "requirements.txt", EXPECT, checkout)).toEqual([
      { file: "requirements.txt", line: 1, message: "includes base.txt, which is not in the checkout (base.txt)" },
      { file: "a.txt", line: 1, message: "includes requirements.txt, which includes this file again; pip would loop" },
    ]);
  });

  it("flags a ray[client] pin installed in the API's Dockerfile that skews from the stack", () => {
    const text =
      'FROM python:3.10-slim\nRUN pip install --no-cache-dir -r requirements.txt \\\n && python -m pip install -i https://pypi.example/simple "ray[client]==2.40.0" httpx\n';
    expect(checkApiDockerfile(text, "Dockerfile", EXPECT)).toEqual([
      {
        file: "Dockerfile",
        line: 2,
        message: 'ray[client]==2.40.0 pins Ray 2.40.0, but stack "shared" runs Ray 2.52.0; expected ray[client]==2.52.0',
      },
    ]);
    expect(checkApiDockerfile('FROM python:3.10-slim\nRUN pip3 install "ray[client]==2.52.0"\n', "Dockerfile", EXPECT)).toEqual([]);
  });
});
