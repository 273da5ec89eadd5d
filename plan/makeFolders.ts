import * as fs from "fs";
import * as path from "path";

/**
 * `mkdir -p DIR`, one folder at a time. Node 20's `fs.mkdirSync(dir, { recursive: true })` never returns for a
 * folder under /proc (it retries the ENOENT forever); here the first folder that cannot be made throws its error.
 */
export function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); !fs.existsSync(at); at = path.dirname(at)) {
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  for (const folder of missing) {
    try {
      fs.mkdirSync(folder);
    } catch (err) {
      // made meanwhile by another run
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || !fs.statSync(folder).isDirectory()) throw err;
    }
  }
}
