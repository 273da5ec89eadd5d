import { PolicyPack } from "@pulumi/policy";
import { DEFAULT_ENFORCEMENT_LEVEL, POLICIES, POLICY_PACK_NAME } from "./pack";

new PolicyPack(POLICY_PACK_NAME, {
  enforcementLevel: DEFAULT_ENFORCEMENT_LEVEL,
  policies: POLICIES,
});
