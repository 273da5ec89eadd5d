import { z } from "zod";
import { REMOVE_KEY } from "../issues";
import { PLACEHOLDER_OBJECT_ID } from "../realRun";

/** The stacks in the order the platform pipeline deploys them: what is shared first, production last. */
export const DEFAULT_DEPLOYMENT_STACKS: readonly string[] = ["shared", "dev", "uat", "prod"];

/** The stack whose deployments wait for a person's approval unless config names other approvals for it. */
export const DEFAULT_APPROVAL_STACK = "prod";

/**
 * Minutes an approval waits before the deployment fails: a day, not the provider's 30 days. Azure DevOps takes the
 * Environment's exclusive lock only after the approval, so an old run approved late would deploy its older release over
 * a newer promotion approved meanwhile; a short wait keeps that window small. A timed-out stage is re-run from the run's
 * page.
 */
export const DEFAULT_APPROVAL_TIMEOUT_MINUTES = 1440;
/** The longest wait Azure DevOps allows a check: 30 days. */
export const MAX_CHECK_TIMEOUT_MINUTES = 43200;

/** Pulumi stack names as this project's stack files carry them (`Pulumi.<stack>.yaml`). */
const STACK_NAME = /^[a-z][a-z0-9-]{0,39}$/;
const stackName = z
  .string()
  .regex(STACK_NAME, { error: 'expected a stack name of lower-case letters, digits and hyphens, such as "prod"' });

/** Azure DevOps identity ids (a group's or user's `originId`): GUIDs. */
const IDENTITY_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const approvalSchema = z
  .object({
    /**
     * Identity ids of the groups or users who may approve a deployment of the stack; required. A group is easier
     * to keep current than people.
     */
    approvers: z
      .array(z.string().regex(IDENTITY_ID, { error: "expected an Azure DevOps identity id (a GUID), such as a group's originId" }))
      .min(1, { error: "expected at least one approver's identity id" }),
    /** How many of the approvers must approve. @default 1 */
    minimumApprovers: z.int({ error: "expected a whole number of approvers" }).min(1, { error: "expected 1 or more" }).default(1),
    /** Minutes the approval waits before the deployment fails. @default 1440 */
    timeoutMinutes: z
      .int({ error: "expected whole minutes" })
      .min(1, { error: `expected 1 to ${MAX_CHECK_TIMEOUT_MINUTES} minutes` })
      .max(MAX_CHECK_TIMEOUT_MINUTES, {
        error: `expected 1 to ${MAX_CHECK_TIMEOUT_MINUTES} minutes (30 days, the most Azure DevOps allows)`,
      })
      .default(DEFAULT_APPROVAL_TIMEOUT_MINUTES),
  })
  .strict()
  .superRefine((approval, ctx) => {
    if (!Array.isArray(approval.approvers) || approval.approvers.length === 0 || typeof approval.minimumApprovers !== "number") return;
    if (approval.minimumApprovers > approval.approvers.length) {
      ctx.addIssue({
        code: "custom",
        path: ["minimumApprovers"],
        input: approval.minimumApprovers,
        message: `more than the ${approval.approvers.length} approver(s) listed; allowed: 1 to ${approval.approvers.length}`,
      });
    }
  });

/** What prod carries when config names no approval for it: a placeholder approver, refused by a real run (config/realRun.ts). */
export const DEFAULT_APPROVAL: z.output<typeof approvalSchema> = {
  approvers: [PLACEHOLDER_OBJECT_ID],
  minimumApprovers: 1,
  timeoutMinutes: DEFAULT_APPROVAL_TIMEOUT_MINUTES,
};

/**
 * Config key `pipelines.deployments`: the stacks the platform pipeline deploys, each through its own Azure DevOps
 * Environment, and the approvals those Environments carry.
 */
export const deploymentsConfigSchema = z
  .object({
    /** The stacks in deployment order; each gets an Environment. @default ["shared", "dev", "uat", "prod"] */
    stacks: z
      .array(stackName)
      .min(1, { error: "expected at least one stack" })
      .default([...DEFAULT_DEPLOYMENT_STACKS])
      .superRefine((stacks, ctx) => {
        stacks.forEach((stack, i) => {
          if (stacks.indexOf(stack) < i) {
            ctx.addIssue({ code: "custom", path: [i], input: stack, message: `listed twice; allowed: each stack once` });
          }
        });
      }),
    /**
     * Stack to the approval its deployments wait for. A stack listed here replaces the default's entry, so it
     * needs its own approvers. @default { prod: { approvers: ["00000000-0000-0000-0000-000000000000"] } } (a placeholder)
     */
    approvals: z.record(z.string(), approvalSchema).default({}),
  })
  .strict()
  .superRefine((deployments, ctx) => {
    if (!Array.isArray(deployments.stacks) || !deployments.approvals) return;
    for (const stack of Object.keys(deployments.approvals)) {
      if (deployments.stacks.includes(stack)) continue;
      ctx.addIssue({
        code: "custom",
        path: ["approvals", stack],
        input: stack,
        message: `not a stack of pipelines.deployments.stacks; allowed: ${deployments.stacks.join(", ")} (or add the stack there)`,
        params: REMOVE_KEY,
      });
    }
  })
  .transform((deployments): { stacks: string[]; approvals: Record<string, ApprovalConfig> } => ({
    stacks: deployments.stacks,
    approvals: {
      ...(deployments.stacks.includes(DEFAULT_APPROVAL_STACK) ? { [DEFAULT_APPROVAL_STACK]: DEFAULT_APPROVAL } : {}),
      ...deployments.approvals,
    },
  }))
  .prefault({});

export type DeploymentsConfig = z.infer<typeof deploymentsConfigSchema>;
export type ApprovalConfig = z.output<typeof approvalSchema>;
