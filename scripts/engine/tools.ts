/** Builds or reuses the pinned engine tools (tools/engine/build.sh) and returns their bin folder. */
import { spawnSync } from "child_process";
import * as path from "path";

export class ToolBuildError extends Error {}

export function buildTools(projectDir: string): string {
  const script = path.join(projectDir, "tools", "engine", "build.sh");
  const r = spawnSync("bash", [script], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  if (r.error) throw new ToolBuildError(`engine tools: cannot run ${script}: ${r.error.message}`);
  if (r.status !== 0)
    throw new ToolBuildError(`engine tools: ${path.relative(projectDir, script)} exited ${r.status}; see its output above`);
  const lines = r.stdout.trim().split("\n");
  return lines[lines.length - 1];
}
