/**
 * npm run ray-upgrade-impact -- PREVIEW.json
 *
 * Reads a saved `pulumi preview --json` and says, for each RayService step, what KubeRay v1.7.0 will do:
 * new cluster (zero-downtime upgrade, with the extra GPU nodes the switch needs), in place, or no effect on
 * running pods (components/ray/upgradeImpact.ts). Update steps carry the old and new inputs it compares.
 *
 * A relative PREVIEW path is read from where npm was started (INIT_CWD).
 *
 * Exit codes: 0 labelled (whatever the labels); 2 bad arguments or an unreadable preview.
 */
import * as path from "path";
import { parseArgs } from "util";
import { formatImpacts, impactsOfPreview, PreviewReadError, readPreviewJson } from "../plan/rayUpgradeImpact";

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const USAGE = "usage: npm run ray-upgrade-impact -- PREVIEW.json   (saved with `pulumi preview --json`)";

export interface ImpactResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runRayUpgradeImpact(argv: readonly string[], cwd: string): ImpactResult {
  let positionals: string[];
  try {
    positionals = parseArgs({ args: [...argv], options: {}, strict: true, allowPositionals: true }).positionals;
  } catch (err) {
    return { exitCode: EXIT_USAGE, stdout: "", stderr: `${(err as Error).message}\n${USAGE}\n` };
  }
  if (positionals.length !== 1) return { exitCode: EXIT_USAGE, stdout: "", stderr: `expected one preview file\n${USAGE}\n` };
  const file = path.resolve(cwd, positionals[0]);
  try {
    const impacts = impactsOfPreview(readPreviewJson(file), file);
    const lines =
      impacts.length === 0
        ? [
            `No RayService step in ${file}: the RayService is unchanged (a preview saved without --show-sames leaves unchanged resources out).`,
          ]
        : formatImpacts(impacts);
    return { exitCode: EXIT_OK, stdout: `${lines.join("\n")}\n`, stderr: "" };
  } catch (err) {
    if (err instanceof PreviewReadError) return { exitCode: EXIT_USAGE, stdout: "", stderr: `${err.message}\n` };
    throw err;
  }
}

if (require.main === module) {
  const result = runRayUpgradeImpact(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd());
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exit(result.exitCode);
}
