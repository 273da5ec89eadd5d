import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { DEFAULT_ENFORCEMENT_LEVEL, POLICIES, POLICY_PACK_NAME } from "../../policies/pack";

const POLICIES_DIR = path.resolve(__dirname, "../../policies");

describe("the policy pack", () => {
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
    ]);
    for (const p of POLICIES) {
      expect(p.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(p.description.length).toBeGreaterThan(20);
    }
  });

  it("has one factory per file in policies/rules, each registered", () => {
    const files = fs.readdirSync(path.join(POLICIES_DIR, "rules")).filter((f) => f.endsWith(".ts"));
    expect(files).toHaveLength(POLICIES.length);
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
