// The install-heavy-deps script: its exact text, the order rules it derives from the typed step list, and
// what bash actually does with it (fake pip/python/wget on PATH, temporary directories instead of the volumes).
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, describe, expect, it } from "vitest";
import { cudaVersionLabel, heavyDependencies, InstallStep, pytorchIndexUrl } from "../../components/ray/heavyDependencies";
import { fixesFor, installScript, installScriptInputs, shellQuote, STALE_PART_MINUTES } from "../../components/ray/installScript";
import { MODEL_DOWNLOADS } from "../../components/ray/models";
import { ldLibraryPath, pythonPath } from "../../components/ray/workerEnv";

/** The steps of the default CUDA tag (`cudaTag`, cu121). */
const STEPS = heavyDependencies("cu121");
const defaultScript = () => installScript(installScriptInputs(STEPS));

describe("the generated script", () => {
  it("is exactly this", () => {
    expect(defaultScript()).toMatchInlineSnapshot(`
      "set -e
      echo "=== Installing heavy ML dependencies ==="

      # [1/6] PyTorch + CUDA 12.1
      pip install --target=/shared-packages --no-cache-dir \\
        torch torchvision --index-url https://download.pytorch.org/whl/cu121

      # [2/6] PaddlePaddle + PaddleOCR
      #   paddleocr>=2.7.0,<3.0.0: v3.x has breaking API changes
      pip install --target=/shared-packages --no-cache-dir \\
        'paddlepaddle-gpu>=2.5.0' 'paddleocr>=2.7.0,<3.0.0'

      # [3/6] EasyOCR
      pip install --target=/shared-packages --no-cache-dir \\
        'easyocr>=1.7.0'

      # [4/6] ONNX Runtime GPU + cuDNN 9
      #   nvidia-cudnn-cu12: ONNX Runtime 1.19+ needs cuDNN 9, not 8
      pip install --target=/shared-packages --no-cache-dir \\
        onnxruntime-gpu nvidia-cudnn-cu12 'numpy<2'

      # [5/6] OpenCV
      pip install --target=/shared-packages --no-cache-dir \\
        opencv-python-headless==4.8.1.78

      # [6/6] Re-pin numpy<2 after every install (OpenCV installs numpy 2.x, ONNX Runtime crashes with it)
      pip install --target=/shared-packages --no-cache-dir --upgrade 'numpy<2'

      # Remove packages that shadow the versions Ray needs
      # protobuf: PaddlePaddle installs protobuf 6.x, Ray needs <5.0
      rm -rf /shared-packages/protobuf* /shared-packages/google/protobuf* /shared-packages/google-*.dist-info 2>/dev/null || true
      # click: PaddleOCR's click conflicts with Ray CLI
      rm -rf /shared-packages/click* /shared-packages/click-*.dist-info 2>/dev/null || true

      # Verify
      export PYTHONPATH=/shared-packages
      python -c "import torch; print('PyTorch:', torch.__version__)"
      python -c "import paddle; print('PaddlePaddle:', paddle.__version__)"
      python -c "import onnxruntime; print('ONNX Runtime:', onnxruntime.__version__)"
      python -c "import cv2; print('OpenCV:', cv2.__version__)" || echo "cv2 skipped"

      # Download models to the model cache (each skipped when already present)
      mkdir -p /tmp/models
      # Partial downloads must not fill the volume: this pod's are removed however the script ends (set -e stops it
      # at a failed wget); those of killed pods once untouched for 60 minutes (a younger one may be a replica's, in progress).
      trap 'rm -f /tmp/models/*.part-"$HOSTNAME"' EXIT
      find /tmp/models -maxdepth 1 -name '*.part-*' -mmin +60 -delete 2>/dev/null || true
      if [ -f /tmp/models/scrfd_10g.onnx ]; then
        echo "SCRFD already in /tmp/models"
      else
        echo "Downloading SCRFD"
        wget -q -O "/tmp/models/scrfd_10g.onnx.part-$HOSTNAME" https://huggingface.co/immich-app/buffalo_l/resolve/main/detection/model.onnx
        mv "/tmp/models/scrfd_10g.onnx.part-$HOSTNAME" /tmp/models/scrfd_10g.onnx
      fi
      if [ -f /tmp/models/w600k_r50.onnx ]; then
        echo "ArcFace already in /tmp/models"
      else
        echo "Downloading ArcFace"
        wget -q -O "/tmp/models/w600k_r50.onnx.part-$HOSTNAME" https://huggingface.co/immich-app/buffalo_l/resolve/main/recognition/model.onnx
        mv "/tmp/models/w600k_r50.onnx.part-$HOSTNAME" /tmp/models/w600k_r50.onnx
      fi

      echo "=== Done ==="
      "
    `);
  });

  const lines = defaultScript().split("\n");
  const indexOf = (pattern: RegExp) => {
    const found = lines.flatMap((l, i) => (pattern.test(l) ? [i] : []));
    if (found.length !== 1) throw new Error(`expected one line matching ${pattern}, found ${found.length}`);
    return found[0];
  };

  it("re-pins numpy after the OpenCV install, which is the last install", () => {
    const opencv = indexOf(/^\s+opencv-python-headless==4\.8\.1\.78$/);
    const repin = indexOf(/--upgrade 'numpy<2'$/);
    expect(repin).toBeGreaterThan(opencv);
    const installs = lines.flatMap((l, i) => (l.startsWith("pip install") ? [i] : []));
    expect(installs).toHaveLength(6);
    expect(installs[5]).toBe(repin);
  });

  it("removes protobuf and click after the PaddlePaddle install and after every install", () => {
    const paddle = indexOf(/'paddlepaddle-gpu>=2\.5\.0'/);
    const protobuf = indexOf(/^rm -rf \/shared-packages\/protobuf\*/);
    const click = indexOf(/^rm -rf \/shared-packages\/click\*/);
    const lastInstall = Math.max(...lines.flatMap((l, i) => (l.startsWith("pip install") ? [i] : [])));
    expect(protobuf).toBeGreaterThan(paddle);
    expect(protobuf).toBeGreaterThan(lastInstall);
    expect(click).toBe(protobuf + 2);
  });

  it("checks imports after the cleanup and downloads models after the checks", () => {
    expect(indexOf(/^export PYTHONPATH=/)).toBeGreaterThan(indexOf(/^rm -rf \/shared-packages\/click\*/));
    expect(indexOf(/^mkdir -p \/tmp\/models$/)).toBeGreaterThan(indexOf(/import cv2/));
    // The partial-file cleanup is in place before the first download starts.
    const firstDownload = lines.findIndex((l) => l.trim().startsWith("wget "));
    expect(indexOf(/^trap 'rm -f \/tmp\/models\/\*\.part-"\$HOSTNAME"' EXIT$/)).toBeLessThan(firstDownload);
    expect(indexOf(/^find \/tmp\/models .*-name '\*\.part-\*' .*-delete/)).toBeLessThan(firstDownload);
  });

  it("skips each download when its file is already present", () => {
    for (const m of MODEL_DOWNLOADS) {
      const check = indexOf(new RegExp(`^if \\[ -f /tmp/models/${m.file.replace(/\./g, "\\.")} \\]; then$`));
      expect(lines[check + 1]).toBe(`  echo "${m.name} already in /tmp/models"`);
      expect(lines[check + 2]).toBe("else");
      expect(lines[check + 4]).toContain(`wget -q -O "/tmp/models/${m.file}.part-$HOSTNAME" ${m.url}`);
    }
  });

  it("quotes every requirement with < or >: none is left for the shell to read as a redirect", () => {
    const unquoted = defaultScript()
      .split("\n")
      .filter((l) => !l.startsWith("#") && !l.includes("2>/dev/null"))
      .map((l) => l.replace(/'[^']*'/g, "''").replace(/"[^"]*"/g, '""'));
    expect(unquoted.filter((l) => /[<>]/.test(l))).toEqual([]);
  });
});

describe("fixes follow the step list", () => {
  const step = (name: string, version?: string): InstallStep => ({ title: name, requirements: [{ name, version }] });

  it("a list without OpenCV or Paddle needs no fix, and the script has none", () => {
    const steps = [step("torch"), step("easyocr", ">=1.7.0")];
    expect(fixesFor(steps)).toEqual({ numpyReasons: [], conflicts: [] });
    const script = installScript({ steps, models: [], target: "/shared-packages", modelDir: "/tmp/models" });
    expect(script).not.toContain("--upgrade");
    expect(script).not.toContain("rm -rf");
    expect(script).toContain("# [2/2] easyocr");
    expect(script).not.toContain("python -c");
  });

  it("a new package appended after OpenCV is installed before the numpy re-pin", () => {
    const steps = [...STEPS, step("insightface", ">=0.7.3")];
    const script = installScript({ steps, models: [], target: "/shared-packages", modelDir: "/tmp/models" }).split("\n");
    const added = script.findIndex((l) => l.includes("'insightface>=0.7.3'"));
    const repin = script.findIndex((l) => l.includes("--upgrade 'numpy<2'"));
    expect(added).toBeGreaterThan(0);
    expect(repin).toBeGreaterThan(added);
    expect(script).toContain("# [6/7] insightface");
    expect(script[repin - 1]).toMatch(/^# \[7\/7\] Re-pin numpy<2/);
  });

  it("a package with a declared side effect brings its fix", () => {
    const steps: InstallStep[] = [
      {
        title: "X",
        requirements: [{ name: "some-lib" }],
        sideEffects: [{ kind: "ray-conflict", package: "click", why: "some-lib pins click 7" }],
      },
    ];
    expect(fixesFor(steps)).toEqual({ numpyReasons: [], conflicts: [{ package: "click", why: "some-lib pins click 7" }] });
  });

  it("paddlepaddle (CPU build) is known to bring protobuf, like paddlepaddle-gpu", () => {
    expect(fixesFor([step("paddlepaddle")]).conflicts.map((c) => c.package)).toEqual(["protobuf"]);
  });

  it("refuses a requirement that is not a PEP 440 specifier", () => {
    expect(() =>
      installScript({ steps: [step("easyocr", "1.7.0")], models: [], target: "/shared-packages", modelDir: "/tmp/models" }),
    ).toThrow('heavy dependency "easyocr": "1.7.0" is not a PEP 440 version specifier such as ">=1.7.0" or ">=2.7.0,<3.0.0"');
  });

  it("refuses an index URL, a model URL, a model file or a directory that carries shell syntax", () => {
    const render = (inputs: Partial<Parameters<typeof installScript>[0]>) => () =>
      installScript({ steps: [], models: [], target: "/shared-packages", modelDir: "/tmp/models", ...inputs });
    const torch = { ...step("torch"), indexUrl: "https://download.pytorch.org/whl/cu121 --trusted-host evil" };
    expect(render({ steps: [torch] })).toThrow(
      'step "torch": "https://download.pytorch.org/whl/cu121 --trusted-host evil" is not an https index URL',
    );
    const model = { name: "SCRFD", url: "https://huggingface.co/x/model.onnx", file: "scrfd.onnx" };
    expect(render({ models: [{ ...model, url: "https://huggingface.co/$(id)" }] })).toThrow(
      'model SCRFD: "https://huggingface.co/$(id)" is not an https URL',
    );
    expect(render({ models: [{ ...model, file: ".." }] })).toThrow('model file ".." must be a plain file name');
    expect(render({ modelDir: "/tmp/../etc" })).toThrow(
      'model directory "/tmp/../etc" must be an absolute path of letters, digits, "_", ".", "-" and "/", without "." or ".." segments',
    );
  });
});

describe("the steps follow the stack's CUDA tag", () => {
  it("PyTorch's wheel index and the step's title come from the tag", () => {
    const [torch] = heavyDependencies("cu124");
    expect([torch.title, torch.indexUrl]).toEqual(["PyTorch + CUDA 12.4", "https://download.pytorch.org/whl/cu124"]);
    expect(cudaVersionLabel("cu118")).toBe("CUDA 11.8");
    expect(pytorchIndexUrl("cu121")).toBe("https://download.pytorch.org/whl/cu121");
    expect(() => heavyDependencies("cuda12")).toThrow('CUDA tag "cuda12" is not of the form cuXXX, such as "cu121"');
  });

  it("only the PyTorch step differs between two tags", () => {
    const [a, ...restA] = heavyDependencies("cu121");
    const [b, ...restB] = heavyDependencies("cu124");
    expect(restB).toEqual(restA);
    expect({ ...b, title: a.title, indexUrl: a.indexUrl }).toEqual(a);
  });
});

describe("derived env follows the steps", () => {
  it("PYTHONPATH is the install target, then the worker code", () => {
    expect(pythonPath()).toBe("/shared-packages:/app");
  });
  it("LD_LIBRARY_PATH lists the steps' library dirs, later steps first", () => {
    expect(ldLibraryPath(STEPS)).toBe("/shared-packages/nvidia/cudnn/lib:/shared-packages/nvidia/cuda_runtime/lib");
    expect(ldLibraryPath([...STEPS, { title: "T", requirements: [{ name: "tensorrt" }], libraryDirs: ["tensorrt_libs"] }])).toBe(
      "/shared-packages/tensorrt_libs:/shared-packages/nvidia/cudnn/lib:/shared-packages/nvidia/cuda_runtime/lib",
    );
  });
});

describe("shellQuote", () => {
  it("leaves plain words bare and single-quotes the rest", () => {
    expect(shellQuote("opencv-python-headless==4.8.1.78")).toBe("opencv-python-headless==4.8.1.78");
    expect(shellQuote("easyocr>=1.7.0")).toBe("'easyocr>=1.7.0'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});

describe("running the script under bash (fake pip, python and wget)", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  function sandbox() {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "ray-install-"));
    dirs.push(root);
    const bin = path.join(root, "bin");
    const target = path.join(root, "shared-packages");
    const models = path.join(root, "models");
    const cwd = path.join(root, "cwd");
    for (const d of [bin, target, cwd]) fs.mkdirSync(d);
    const log = path.join(root, "calls.log");
    // Each fake records its argv, one argument per line, between markers.
    const recorder = (name: string, body: string) =>
      fs.writeFileSync(
        path.join(bin, name),
        `#!/bin/bash\n{ echo "<${name}>"; printf '%s\\n' "$@"; echo "</${name}>"; } >> "${log}"\n${body}\n`,
        { mode: 0o755 },
      );
    recorder("pip", "exit 0");
    recorder("python", "exit 0");
    recorder(
      "wget",
      'out="$3"; url="$4"; if [ "$url" = "$FAIL_URL" ]; then echo partial > "$out"; exit 4; fi; echo "model from $url" > "$out"',
    );
    const script = installScript({ steps: STEPS, models: MODEL_DOWNLOADS, target, modelDir: models });
    const run = (env: Record<string, string> = {}) =>
      spawnSync("/bin/bash", ["-c", script], {
        cwd,
        env: { PATH: `${bin}:/usr/bin:/bin`, HOSTNAME: "gpu-pod-1", ...env },
        encoding: "utf8",
      });
    const calls = (name: string) => {
      const text = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
      return [...text.matchAll(new RegExp(`<${name}>\\n([\\s\\S]*?)</${name}>`, "g"))].map((m) => m[1].split("\n").slice(0, -1));
    };
    return { root, target, models, cwd, run, calls, log };
  }

  it("passes every requirement to pip as one argument and writes no stray files", () => {
    const box = sandbox();
    const result = box.run();
    expect(result.status).toBe(0);
    const pip = box.calls("pip");
    expect(pip).toHaveLength(6);
    expect(pip[2]).toEqual(["install", `--target=${box.target}`, "--no-cache-dir", "easyocr>=1.7.0"]);
    expect(pip[1]).toEqual(["install", `--target=${box.target}`, "--no-cache-dir", "paddlepaddle-gpu>=2.5.0", "paddleocr>=2.7.0,<3.0.0"]);
    expect(pip[5]).toEqual(["install", `--target=${box.target}`, "--no-cache-dir", "--upgrade", "numpy<2"]);
    // The guide's unquoted easyocr>=1.7.0 would have created a file "=1.7.0" here.
    expect(fs.readdirSync(box.cwd)).toEqual([]);
  });

  it("the guide's unquoted form really does redirect (the bug this fixes)", () => {
    const box = sandbox();
    execFileSync("/bin/bash", ["-c", `pip install --target=${box.target} --no-cache-dir easyocr>=1.7.0`], {
      cwd: box.cwd,
      env: { PATH: `${path.join(box.root, "bin")}:/usr/bin:/bin` },
    });
    expect(fs.readdirSync(box.cwd)).toEqual(["=1.7.0"]);
    expect(box.calls("pip")).toEqual([["install", `--target=${box.target}`, "--no-cache-dir", "easyocr"]]);
  });

  it("removes protobuf and click from the target", () => {
    const box = sandbox();
    for (const d of ["protobuf", "google/protobuf", "google-x.dist-info", "click", "click-8.1.dist-info", "torch"])
      fs.mkdirSync(path.join(box.target, d), { recursive: true });
    expect(box.run().status).toBe(0);
    expect(fs.readdirSync(box.target).sort()).toEqual(["google", "torch"]);
    expect(fs.readdirSync(path.join(box.target, "google"))).toEqual([]);
  });

  it("downloads both models once; a second start downloads nothing", () => {
    const box = sandbox();
    expect(box.run().status).toBe(0);
    expect(box.calls("wget")).toHaveLength(2);
    expect(fs.readdirSync(box.models).sort()).toEqual(["scrfd_10g.onnx", "w600k_r50.onnx"]);
    expect(box.run().status).toBe(0);
    expect(box.calls("wget")).toHaveLength(2);
  });

  it("downloads only the missing model", () => {
    const box = sandbox();
    fs.mkdirSync(box.models);
    fs.writeFileSync(path.join(box.models, "scrfd_10g.onnx"), "cached");
    const result = box.run();
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("SCRFD already in");
    expect(box.calls("wget").map((args) => args[3])).toEqual([MODEL_DOWNLOADS[1].url]);
    expect(fs.readFileSync(path.join(box.models, "scrfd_10g.onnx"), "utf8")).toBe("cached");
  });

  it("a failed download fails the pod and leaves neither a file that would pass as present nor a partial one", () => {
    const box = sandbox();
    const failed = box.run({ FAIL_URL: MODEL_DOWNLOADS[1].url });
    expect(failed.status).toBe(4);
    // The fake wget wrote "partial" to w600k_r50.onnx.part-gpu-pod-1 before failing; the EXIT trap removed it.
    expect(box.calls("wget").map((args) => args[2])).toEqual([
      path.join(box.models, "scrfd_10g.onnx.part-gpu-pod-1"),
      path.join(box.models, "w600k_r50.onnx.part-gpu-pod-1"),
    ]);
    expect(fs.readdirSync(box.models)).toEqual(["scrfd_10g.onnx"]);
    const retried = box.run();
    expect(retried.status).toBe(0);
    expect(fs.readFileSync(path.join(box.models, "w600k_r50.onnx"), "utf8")).toBe(`model from ${MODEL_DOWNLOADS[1].url}\n`);
    expect(fs.readdirSync(box.models).filter((f) => f.includes(".part-"))).toEqual([]);
  });

  it(`removes other pods' partial files once untouched for ${STALE_PART_MINUTES} minutes, keeps younger ones (a replica's, in progress)`, () => {
    const box = sandbox();
    fs.mkdirSync(box.models);
    const stale = path.join(box.models, "w600k_r50.onnx.part-gpu-pod-killed");
    const inProgress = path.join(box.models, "w600k_r50.onnx.part-gpu-pod-2");
    fs.writeFileSync(stale, "partial");
    fs.writeFileSync(inProgress, "partial");
    const old = new Date(Date.now() - (STALE_PART_MINUTES + 5) * 60_000);
    fs.utimesSync(stale, old, old);
    expect(box.run().status).toBe(0);
    expect(fs.readdirSync(box.models).sort()).toEqual(["scrfd_10g.onnx", "w600k_r50.onnx", "w600k_r50.onnx.part-gpu-pod-2"]);
  });
});
