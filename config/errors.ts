import { RunError } from "@pulumi/pulumi/errors";

/**
 * A mistake in stack config. Extends the SDK's `RunError` (`pulumi.RunError`, from its errors module alone, so
 * that commands which only read config do not load the whole SDK) so a real
 * `pulumi preview`/`up` prints only the message, without a stack trace, and
 * the offline plan recognises it and exits with code 2.
 */
export class StackConfigError extends RunError {
  constructor(message: string) {
    super(message);
    this.name = "StackConfigError";
  }
}

export function isStackConfigError(err: unknown): err is StackConfigError {
  return err instanceof Error && err.name === "StackConfigError";
}
