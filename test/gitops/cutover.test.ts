// The GitOps cutover: annotate first, remove second, and the removal refuses to run while Flux could still delete.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GITOPS_CUTOVER_FOLDER } from "../../components/generatedFiles";
import { gitopsCutover, inventoryId } from "../../components/gitopsCutover";
import { parseStackConfigOrThrow } from "../../config/parse";
import { minimalStackConfig, runStack } from "../harness";

let files: Record<string, string>;

beforeAll(async () => {
  const run = await runStack();
  files = run.outputs.generatedFiles as Record<string, string>;
});

const step = (name: string) => files[`${GITOPS_CUTOVER_FOLDER}/dev/${name}`];

describe("the dev stack's cutover files", () => {
  it("are a runbook and two steps, generated beside the other files for the GitOps repository", () => {
    expect(
      Object.keys(files)
        .filter((f) => f.startsWith(`${GITOPS_CUTOVER_FOLDER}/`))
        .sort(),
    ).toEqual(["gitops/cutover/dev/1-prune-disabled.sh", "gitops/cutover/dev/2-remove-from-flux.sh", "gitops/cutover/dev/README.md"]);
  });

  it("step 1 annotates the RayService, the model PVC and the HelmRelease in their files, and removes nothing", () => {
    const lines = step("1-prune-disabled.sh").split("\n");
    expect(lines.filter((l) => l.startsWith("yq -i"))).toEqual([
      `yq -i '.metadata.annotations["kustomize.toolkit.fluxcd.io/prune"] = "disabled"' 'dev/ray-service.yaml'`,
      `yq -i '.metadata.annotations["kustomize.toolkit.fluxcd.io/prune"] = "disabled"' 'dev/face-ocr-api.yaml'`,
    ]);
    expect(lines.filter((l) => /\bgit rm\b|\brm\b/.test(l))).toEqual([]);
  });

  it("step 2 checks every object's annotation in the cluster before it removes a file", () => {
    const lines = step("2-remove-from-flux.sh").split("\n");
    const checks = lines.filter((l) => l.includes("kubectl get"));
    expect(checks.map((l) => /kubectl get (\S+ \S+ -n \S+)/.exec(l)?.[1])).toEqual([
      "pvc face-ocr-models -n ray",
      "rayservice rayservice -n ray",
      "helmrelease face-ocr-api -n default",
    ]);
    const removal = lines.findIndex((l) => l.startsWith("git rm"));
    expect(lines[removal]).toBe("git rm 'dev/ray-service.yaml' 'dev/face-ocr-api.yaml'");
    expect(lines.findIndex((l) => l.includes("kubectl get"))).toBeLessThan(removal);
    expect(lines.slice(removal).some((l) => l.includes("kubectl"))).toBe(false);
  });

  it("the runbook verifies each step with kubectl and flux, with the inventory ids kustomize-controller uses", () => {
    const runbook = step("README.md");
    expect(runbook.indexOf("## Step 1")).toBeLessThan(runbook.indexOf("## Step 2"));
    expect(runbook).toContain("flux reconcile kustomization draft-deployments -n flux-system --with-source");
    expect(runbook).toContain(
      "grep -E '^ray_face-ocr-models__PersistentVolumeClaim$|^ray_rayservice_ray\\.io_RayService$|^default_face-ocr-api_helm\\.toolkit\\.fluxcd\\.io_HelmRelease$'",
    );
  });

  it("names follow config: another release name moves the file and the object", () => {
    const config = parseStackConfigOrThrow({ ...minimalStackConfig(), api: { releaseName: "faces" } }, "dev");
    const removal = gitopsCutover(config).find((f) => f.path === "dev/2-remove-from-flux.sh")!.content;
    expect(removal).toContain("git rm 'dev/ray-service.yaml' 'dev/faces.yaml'");
    expect(inventoryId({ group: "", kind: "PersistentVolumeClaim", resource: "pvc", namespace: "ray", name: "m" })).toBe(
      "ray_m__PersistentVolumeClaim",
    );
  });
});

/** Every checkout the tests make is in this folder, removed when they end. */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cutover-test-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/**
 * The scripts run under bash in a throwaway GitOps checkout, with `yq` and `kubectl` stubbed: yq lists the objects a
 * file holds (from `<file>.objects`) and marks an in-place edit; kubectl answers the annotation from ANNOTATION.
 */
function checkout(): string {
  const dir = fs.mkdtempSync(path.join(scratch, "cutover-"));
  const bin = path.join(dir, ".bin");
  fs.mkdirSync(path.join(dir, "dev"), { recursive: true });
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, "yq"),
    '#!/usr/bin/env bash\nfile="${@: -1}"\nif [ "$1" = -N ]; then cat "$file.objects"; else echo "# annotated" >> "$file"; fi\n',
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(bin, "kubectl"), '#!/usr/bin/env bash\nprintf %s "${ANNOTATION:-}"\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, "dev/ray-service.yaml"), "kind: RayService\n");
  fs.writeFileSync(
    path.join(dir, "dev/ray-service.yaml.objects"),
    "RayService/ray/rayservice\nPersistentVolumeClaim/ray/face-ocr-models\n",
  );
  fs.writeFileSync(path.join(dir, "dev/face-ocr-api.yaml"), "kind: HelmRelease\n");
  fs.writeFileSync(path.join(dir, "dev/face-ocr-api.yaml.objects"), "HelmRelease/default/face-ocr-api\n");
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "add", "dev/ray-service.yaml", "dev/face-ocr-api.yaml");
  git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "live");
  return dir;
}

function runStep(dir: string, name: string, annotation: string) {
  const script = path.join(dir, ".bin", name);
  fs.writeFileSync(script, step(name));
  return spawnSync("bash", [script], {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      PATH: `${path.join(dir, ".bin")}:${process.env.PATH}`,
      ANNOTATION: annotation,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.invalid",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.invalid",
    },
  });
}

const tracked = (dir: string) => execFileSync("git", ["ls-files"], { cwd: dir, encoding: "utf8" }).trim().split("\n");

describe("the steps, run", () => {
  it("step 2 refuses while an object lacks the annotation in the cluster, and removes nothing", () => {
    const dir = checkout();
    const result = runStep(dir, "2-remove-from-flux.sh", "");
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      "PersistentVolumeClaim/ray/face-ocr-models has no kustomize.toolkit.fluxcd.io/prune: disabled in the cluster yet: finish step 1\n",
    );
    expect(tracked(dir)).toEqual(["dev/face-ocr-api.yaml", "dev/ray-service.yaml"]);
  });

  it("step 1 annotates and commits; step 2 then removes both files in one commit", () => {
    const dir = checkout();
    expect(runStep(dir, "1-prune-disabled.sh", "").status).toBe(0);
    expect(fs.readFileSync(path.join(dir, "dev/ray-service.yaml"), "utf8")).toBe("kind: RayService\n# annotated\n");
    expect(runStep(dir, "2-remove-from-flux.sh", "disabled").status).toBe(0);
    expect(tracked(dir)).toEqual([""]);
    const log = execFileSync("git", ["log", "--format=%s"], { cwd: dir, encoding: "utf8" }).trim().split("\n");
    expect(log).toEqual([
      "Stop applying dev/ray-service.yaml, dev/face-ocr-api.yaml with Flux: the face-ocr platform stack owns these objects",
      "Keep the objects of dev/ray-service.yaml, dev/face-ocr-api.yaml when they leave Flux (kustomize.toolkit.fluxcd.io/prune: disabled)",
      "live",
    ]);
  });

  it("each step refuses a file that holds an object it does not know, before changing anything", () => {
    const dir = checkout();
    fs.appendFileSync(path.join(dir, "dev/face-ocr-api.yaml.objects"), "ConfigMap/default/other\n");
    const result = runStep(dir, "1-prune-disabled.sh", "");
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      "dev/face-ocr-api.yaml holds ConfigMap/default/other HelmRelease/default/face-ocr-api, expected HelmRelease/default/face-ocr-api: stop, nothing changed\n",
    );
    expect(fs.readFileSync(path.join(dir, "dev/ray-service.yaml"), "utf8")).toBe("kind: RayService\n");
  });
});
