import { describe, expect, it } from "vitest";
import { containerScript, globCovers, parseShell, pipInstalls, removals } from "../../policies/lib/shell";

describe("the shell reader behind the script policies", () => {
  it("joins continued lines, drops comments and keeps the line each command starts on", () => {
    const cmds = parseShell("set -e\n# comment\npip install --target=/p \\\n  a b  # trailing\necho 'x # y'\n");
    expect(cmds.map((c) => [c.line, c.words])).toEqual([
      [1, ["set", "-e"]],
      [3, ["pip", "install", "--target=/p", "a", "b"]],
      [5, ["echo", "x # y"]],
    ]);
  });

  it("splits on ;, &&, || and | and strips if/then keywords", () => {
    const cmds = parseShell("if [ -f a ] && [ -f b ]; then echo yes; else rm -rf /x; fi");
    expect(cmds.map((c) => c.words)).toEqual([
      ["[", "-f", "a", "]"],
      ["[", "-f", "b", "]"],
      ["echo", "yes"],
      ["rm", "-rf", "/x"],
    ]);
  });

  it("sees an unquoted >= as bash does: a redirect", () => {
    const [cmd] = parseShell('pip install easyocr>=1.7.0 "paddleocr>=2.7.0,<3.0.0" 2>/dev/null');
    expect(cmd.words).toEqual(["pip", "install", "easyocr", "paddleocr>=2.7.0,<3.0.0"]);
    expect(cmd.redirects).toEqual([
      { op: ">", target: "=1.7.0", gluedTo: "easyocr" },
      { op: ">", target: "/dev/null" },
    ]);
  });

  it("expands variables assigned earlier, with defaults", () => {
    const cmds = parseShell('T=/shared-packages\nexport U="$T/sub"\npip install -t ${T} x\nrm -rf "$U"/y ${MISSING:-/d}/z \'$T\'');
    expect(cmds.slice(2).map((c) => c.words)).toEqual([
      ["pip", "install", "-t", "/shared-packages", "x"],
      ["rm", "-rf", "/shared-packages/sub/y", "/d/z", "$T"],
    ]);
  });

  it("skips heredoc bodies", () => {
    const cmds = parseShell("python - <<'EOF'\npip install not-a-command\nEOF\necho after");
    expect(cmds.map((c) => c.words)).toEqual([
      ["python", "-"],
      ["echo", "after"],
    ]);
  });

  it("reads pip options: target, upgrade, no-deps, requirement files, combined short flags", () => {
    const installs = pipInstalls(
      parseShell(
        "python3 -m pip install -qU --target /t/ --no-deps a==1\npip3 install -r req.txt --index-url https://x torch\nuv pip install Foo_Bar[extra]>=2",
      ),
    );
    expect(
      installs.map((p) => ({
        target: p.target,
        upgrade: p.upgrade,
        noDeps: p.noDeps,
        files: p.requirementFiles,
        reqs: p.requirements.map((r) => `${r.name}${r.spec}`),
      })),
    ).toEqual([
      { target: "/t", upgrade: true, noDeps: true, files: [], reqs: ["a==1"] },
      { target: undefined, upgrade: false, noDeps: false, files: ["req.txt"], reqs: ["torch"] },
      { target: undefined, upgrade: false, noDeps: false, files: [], reqs: ["foo-bar"] },
    ]);
  });

  it("lists rm paths and matches globs against a path or its parents", () => {
    expect(removals(parseShell("rm -rf -- /p/click* /p/google"))).toEqual([{ line: 1, paths: ["/p/click*", "/p/google"] }]);
    expect(globCovers("/p/google/protobuf*", "/p/google/protobuf")).toBe(true);
    expect(globCovers("/p/google", "/p/google/protobuf")).toBe(true);
    expect(globCovers("/p/protobuf*", "/p/google/protobuf")).toBe(false);
    expect(globCovers("click*", "/p/click")).toBe(false);
  });

  it("matches globs as bash expands them: braces, [!...] classes, no dot files for *", () => {
    expect(globCovers("/p/{click,protobuf}*", "/p/protobuf-4.25.dist-info")).toBe(true);
    expect(globCovers("/p/google/[!x]rotobuf", "/p/google/protobuf")).toBe(true);
    expect(globCovers("/p/google/[!p]rotobuf", "/p/google/protobuf")).toBe(false);
    expect(globCovers("/p/*", "/p/.hidden")).toBe(false);
    expect(globCovers("/p/?lick", "/p/click/core.py")).toBe(true);
  });

  it("finds the script after -c in command + args", () => {
    expect(containerScript({ command: ["/bin/bash", "-c"], args: ["echo hi"] }, "c")).toEqual({ text: "echo hi", path: "c.args[0]" });
    expect(containerScript({ command: ["sh", "-ec", "echo hi"] }, "c")).toEqual({ text: "echo hi", path: "c.command[2]" });
    expect(containerScript({ image: "x" }, "c")).toBeUndefined();
  });
});
