/**
 * The policies of the pack and its name. Kept apart from `index.ts` because
 * constructing a `PolicyPack` starts the policy server; the offline plan and
 * the tests import the policies from here instead.
 *
 * Enforcement is chosen here, not in the rules; a stack changes it in its
 * policy config (`policies/config/<stack>.json`, docs/policies.md).
 */
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { containerResources } from "./rules/containerResources";
import { gpuGroupScheduling } from "./rules/gpuGroupScheduling";
import { heavyDepsInstallOrder } from "./rules/heavyDepsInstallOrder";
import { noMutableImages } from "./rules/noMutableImages";
import { noPlaintextSecrets } from "./rules/noPlaintextSecrets";
import { pipPinsQuoted } from "./rules/pipPinsQuoted";
import { protectStatefulResources } from "./rules/protectStatefulResources";
import { rayClientReachable } from "./rules/rayClientReachable";
import { rayVersionLockstep } from "./rules/rayVersionLockstep";
import { sharedPackagesEnv } from "./rules/sharedPackagesEnv";

export const POLICY_PACK_NAME = "face-ocr-platform";

/**
 * The Pulumi project these policies are written for (`name` in Pulumi.yaml). A preview of another program has
 * other resources, on which most policies find nothing to check: `npm run policy` refuses it instead of passing it.
 */
export const PROGRAM_PROJECT = "face-ocr-platform";

/** Level for policies that do not set one; a stack can lower it in its policy config. */
export const DEFAULT_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

/** Each one refuses a failure the deployment guide describes; all stop a plan unless a stack's policy config lowers them. */
export const POLICIES: Policies = [
  { ...rayVersionLockstep(), enforcementLevel: "mandatory" },
  { ...noPlaintextSecrets(), enforcementLevel: "mandatory" },
  { ...noMutableImages(), enforcementLevel: "mandatory" },
  { ...containerResources(), enforcementLevel: "mandatory" },
  { ...gpuGroupScheduling(), enforcementLevel: "mandatory" },
  { ...sharedPackagesEnv(), enforcementLevel: "mandatory" },
  { ...heavyDepsInstallOrder(), enforcementLevel: "mandatory" },
  { ...pipPinsQuoted(), enforcementLevel: "mandatory" },
  { ...protectStatefulResources(), enforcementLevel: "mandatory" },
  { ...rayClientReachable(), enforcementLevel: "mandatory" },
];
