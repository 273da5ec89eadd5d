import * as fs from "fs";
import * as path from "path";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { DEFAULT_ENFORCEMENT_LEVEL, POLICIES, POLICY_PACK_NAME, PROGRAM_PROJECT } from "../../policies/pack";
import { PROJECT_NAME } from "../../config/projectName";

const POLICIES_DIR = path.resolve(__dirname, "../../policies");

type Policy = ResourceValidationPolicy & StackValidationPolicy;

function callQuietly(fn: () => unknown): unknown {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

describe("the policy pack", () => {
  it("names the program it checks as Pulumi.yaml and the offline plan do", () => {
    const pulumiYaml = fs.readFileSync(path.resolve(POLICIES_DIR, "../Pulumi.yaml"), "utf8");
    expect([PROGRAM_PROJECT, PROJECT_NAME, /^name:\s*(\S+)/m.exec(pulumiYaml)?.[1]]).toEqual([
      "face-ocr-platform",
      "face-ocr-platform",
      "face-ocr-platform",
    ]);
  });

  it("registers every rule with a kebab-case, unique name, a description and a level", () => {
    expect(POLICY_PACK_NAME).toBe("face-ocr-platform");
    expect(DEFAULT_ENFORCEMENT_LEVEL).toBe("mandatory");
    expect(POLICIES.map((p) => [p.name, p.enforcementLevel])).toEqual([
      ["ray-version-lockstep", "mandatory"],
      ["no-plaintext-secrets", "mandatory"],
      ["no-mutable-images", "mandatory"],
      ["container-resources", "mandatory"],
      ["gpu-group-scheduling", "mandatory"],
      ["shared-packages-env", "mandatory"],
      ["heavy-deps-install-order", "mandatory"],
      ["pip-pins-quoted", "mandatory"],
      ["protect-stateful-resources", "mandatory"],
      ["ray-client-reachable", "mandatory"],
    ]);
    for (const p of POLICIES) {
      expect(p.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(p.description.length).toBeGreaterThan(20);
    }
  });

  it("has one factory per file in policies/rules, each registered", async () => {
    const files = fs
      .readdirSync(path.join(POLICIES_DIR, "rules"))
      .filter((f) => f.endsWith(".ts"))
      .sort();
    expect(files.length).toBeGreaterThan(0);
    const factoryNames: string[] = [];
    for (const file of files) {
      const mod = (await import(path.join(POLICIES_DIR, "rules", file))) as Record<string, unknown>;
      // A factory returns a policy (a name and a validateResource or validateStack function) when called with no
      // arguments; the other exports (message builders, helpers) return something else or throw.
      const policies = Object.entries(mod)
        .filter((entry): entry is [string, () => unknown] => typeof entry[1] === "function")
        .map(([exported, fn]) => ({ exported, policy: callQuietly(fn) as Partial<Policy> | undefined }))
        .filter(
          ({ policy }) =>
            typeof policy?.name === "string" &&
            (typeof policy.validateResource === "function" || typeof policy.validateStack === "function"),
        );
      expect(
        policies.map((p) => p.exported),
        `${file} exports one policy factory`,
      ).toHaveLength(1);
      const name = policies[0].policy!.name as string;
      expect(
        POLICIES.map((p) => p.name),
        `${file}: policy "${name}" is registered in POLICIES (policies/pack.ts)`,
      ).toContain(name);
      factoryNames.push(name);
    }
    expect(new Set(factoryNames).size, "every factory has its own name").toBe(factoryNames.length);
    // POLICIES has no other names: each registered policy comes from exactly one file in policies/rules.
    expect([...POLICIES.map((p) => p.name)].sort()).toEqual([...factoryNames].sort());
  });

  it("keeps every stack's policy config to known policies and valid settings", () => {
    const known = new Set(POLICIES.map((p) => p.name));
    for (const file of fs.readdirSync(path.join(POLICIES_DIR, "config"))) {
      const config = JSON.parse(fs.readFileSync(path.join(POLICIES_DIR, "config", file), "utf8")) as Record<
        string,
        { environment?: string }
      >;
      for (const name of Object.keys(config)) expect(known, `${file}: ${name}`).toContain(name);
      const env = config["no-mutable-images"]?.environment;
      if (env !== undefined) expect(["dev", "uat", "prod"]).toContain(env);
    }
    expect(JSON.parse(fs.readFileSync(path.join(POLICIES_DIR, "config", "dev.json"), "utf8"))).toEqual({
      "no-mutable-images": { environment: "dev" },
    });
  });
});
