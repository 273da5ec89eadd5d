import { createRequire } from "module";

/**
 * `mkdir -p DIR`, one folder at a time: the launcher's own (scripts/cacheFiles.js, JavaScript as the launcher must
 * be), which its cache writes use too. Node 20's recursive `fs.mkdirSync` never returns for a folder under /proc;
 * this throws the first folder's error instead.
 */
export const makeFolders = (createRequire(__filename)("../scripts/cacheFiles.js") as { makeFolders(dir: string): void }).makeFolders;
