/**
 * `unknownCheckingProxy` and `UnknownValueError` from the module of @pulumi/policy that defines them. The
 * package's index also loads its policy server and @pulumi/pulumi, which `npm run policy` has no use for: the
 * policy CLI starts in a fraction of the time without them. The types are the index's (the module's own
 * declarations are not published).
 */
import type * as policy from "@pulumi/policy";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as Pick<typeof policy, "unknownCheckingProxy" | "UnknownValueError">;

export const unknownCheckingProxy = proxy.unknownCheckingProxy;
export const UnknownValueError = proxy.UnknownValueError;
