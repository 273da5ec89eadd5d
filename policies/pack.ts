/**
 * The policies of the pack and its name. Kept apart from `index.ts` because
 * constructing a `PolicyPack` starts the policy server; the offline plan and
 * the tests import the policies from here instead.
 */
import type { EnforcementLevel, Policies } from "@pulumi/policy";

export const POLICY_PACK_NAME = "face-ocr-platform";

/** Level for policies that do not set one; a stack can lower it in its policy config. */
export const DEFAULT_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

export const POLICIES: Policies = [];
