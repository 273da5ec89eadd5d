import * as pulumi from "@pulumi/pulumi";

/**
 * A mistake in stack config. Extends `pulumi.RunError` so a real
 * `pulumi preview`/`up` prints only the message, without a stack trace, and
 * the offline plan recognises it and exits with code 2.
 */
export class StackConfigError extends pulumi.RunError {
  constructor(message: string) {
    super(message);
    this.name = "StackConfigError";
  }
}

export function isStackConfigError(err: unknown): err is StackConfigError {
  return err instanceof Error && err.name === "StackConfigError";
}
