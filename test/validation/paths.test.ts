import * as path from "path";
import { afterEach, describe, expect, it } from "vitest";
import { cacheDir, sharedDir } from "../../validation/paths";
import { PROJECT_DIR } from "../harness";

const saved = { shared: process.env.FACE_OCR_SHARED_DIR, cache: process.env.FACE_OCR_CACHE_DIR };
const restore = (name: string, value: string | undefined) => (value === undefined ? delete process.env[name] : (process.env[name] = value));
afterEach(() => {
  restore("FACE_OCR_SHARED_DIR", saved.shared);
  restore("FACE_OCR_CACHE_DIR", saved.cache);
});

describe("the shared and cache folders", () => {
  it("are beside the project and in .cache/validators by default, and where the variables point when they are set", () => {
    delete process.env.FACE_OCR_SHARED_DIR;
    delete process.env.FACE_OCR_CACHE_DIR;
    expect([sharedDir(), cacheDir()]).toEqual([path.resolve(PROJECT_DIR, "..", "shared"), path.join(PROJECT_DIR, ".cache", "validators")]);
    process.env.FACE_OCR_SHARED_DIR = "/fake/shared";
    process.env.FACE_OCR_CACHE_DIR = "/fake/cache";
    expect([sharedDir(), cacheDir()]).toEqual(["/fake/shared", "/fake/cache"]);
  });

  it("take an empty variable as unset: `FACE_OCR_CACHE_DIR= npm run plan` wrote the validators into the working folder", () => {
    process.env.FACE_OCR_SHARED_DIR = "";
    process.env.FACE_OCR_CACHE_DIR = "";
    expect([sharedDir(), cacheDir()]).toEqual([path.resolve(PROJECT_DIR, "..", "shared"), path.join(PROJECT_DIR, ".cache", "validators")]);
  });
});
