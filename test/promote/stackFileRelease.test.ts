// Writing a release into a stack file through the yaml document API (promote/stackFileRelease.ts).
import * as YAML from "yaml";
import { describe, expect, it } from "vitest";
import { stackConfigFromStrings } from "../../config/parse";
import { Release, RELEASE_KEYS, releaseKeyPath, releaseOf, valueAtKey } from "../../config/release";
import { buildPlanConfig } from "../../plan/stackConfigFile";
import { StackFileLayoutError, writeRelease } from "../../promote/stackFileRelease";
import { DEV_DIGEST, FIXTURE_DIR, fixtureText, UAT_AFTER_DEV_RELEASE } from "./fixture";

const PROJECT = "face-ocr-platform";

function devRelease(): Release {
  const plan = buildPlanConfig(FIXTURE_DIR, "dev", []);
  const parsed = stackConfigFromStrings(plan.config, PROJECT, plan.secretKeys, "dev");
  if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
  return releaseOf(parsed.config);
}

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function setAt(node: Loose, [head, ...rest]: string[], value: unknown): void {
  if (rest.length === 0) node[head] = value;
  else setAt((node[head] ??= {}), rest, value);
}

const UAT = fixtureText("Pulumi.uat.yaml");

describe("writeRelease", () => {
  it("changes the values of the release keys in place, keeps every comment and adds the keys the file lacks at the end", () => {
    expect(UAT_AFTER_DEV_RELEASE).not.toBe(UAT);
    const edit = writeRelease(UAT, "Pulumi.uat.yaml", PROJECT, devRelease());
    expect(edit.text).toBe(UAT_AFTER_DEV_RELEASE);
    expect(edit.written).toEqual(RELEASE_KEYS);
    const comments = (text: string) => text.split("\n").flatMap((line) => /#.*$/.exec(line.replace(/"[^"]*"/g, "")) ?? []);
    expect(comments(edit.text)).toEqual(comments(UAT));
    expect(comments(UAT)).toHaveLength(8);
  });

  it("changes exactly the release keys of the parsed file", () => {
    const release = devRelease();
    const before = YAML.parse(UAT).config;
    const after = YAML.parse(writeRelease(UAT, "Pulumi.uat.yaml", PROJECT, release).text).config;
    const expected = structuredClone(before);
    for (const key of RELEASE_KEYS) {
      const [top, ...rest] = releaseKeyPath(key);
      setAt(expected, [`${PROJECT}:${top}`, ...rest], valueAtKey(release, key));
    }
    expect(after).toEqual(expected);
    expect(after[`${PROJECT}:ray`].gpuWorker.maxReplicas).toBe(2);
  });

  it("writes nothing when the file already holds the release", () => {
    const once = writeRelease(UAT, "Pulumi.uat.yaml", PROJECT, devRelease()).text;
    expect(writeRelease(once, "Pulumi.uat.yaml", PROJECT, devRelease())).toEqual({ text: once, written: [] });
  });

  it("replaces a map value whole: pins and image fields the release does not have are removed", () => {
    const text = UAT.replace(
      "      image:\n",
      "      heavyDependencies:\n        mode: baseImage # uat tried the base image\n        pins:\n          torch: 2.5.1\n      image:\n",
    );
    const release = devRelease();
    const digestOnly: Release = { ...release, ray: { gpuWorker: { ...release.ray.gpuWorker, image: { digest: DEV_DIGEST } } } };
    const edit = writeRelease(text, "Pulumi.uat.yaml", PROJECT, digestOnly);
    expect(YAML.parse(edit.text).config[`${PROJECT}:ray`].gpuWorker).toEqual({
      maxReplicas: 2,
      heavyDependencies: { mode: "initContainer", pins: { easyocr: "1.7.1" } },
      image: { digest: DEV_DIGEST },
    });
    expect(edit.text).toContain("        mode: initContainer # uat tried the base image\n");
  });

  it("refuses a file the yaml library would lay out differently, naming the first such line", () => {
    const text = UAT.replace("      maxReplicas: 2", "      maxReplicas:   2");
    expect(() => writeRelease(text, "Pulumi.uat.yaml", PROJECT, devRelease())).toThrow(
      new StackFileLayoutError(
        "Pulumi.uat.yaml:20: the yaml library writes this line differently (spacing, indentation or quoting), so writing the release " +
          "would change lines outside it; lay the file out as `pulumi config set` does (two-space indents, lists indented under their key) and run again",
      ),
    );
  });
});
