/** Why `npm run promote` stopped; each is printed as its message alone, never with a stack trace. */

/** The stacks' plans or the release refuse the promotion (exit 1); nothing was written. */
export class PromoteRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PromoteRefusal";
  }
}

/** A bad argument or a bad `--release` file (exit 2); nothing was written. */
export class PromoteInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PromoteInputError";
  }
}
