import { sharedDir } from "./paths";

/**
 * Module state derived from the files under `shared/` (parsed schemas, compiled validators), made afresh when
 * {@link sharedDir} names another folder than the state was made from: one process that plans against two shared
 * folders (FACE_OCR_SHARED_DIR set for one run) never answers the second from the first's files.
 */
export function perSharedDir<T>(create: () => T): () => T {
  let madeFrom: string | undefined;
  let state: T | undefined;
  return () => {
    const dir = sharedDir();
    if (state === undefined || madeFrom !== dir) {
      state = create();
      madeFrom = dir;
    }
    return state;
  };
}
