/** A mistake in the plan's arguments or input files: printed with the usage line, exit code 2, no stack trace. */
export class PlanInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanInputError";
  }
}
