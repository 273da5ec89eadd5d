import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Every program run resets the Pulumi runtime (plan/runProgram.ts), so test files can share a worker's
    // modules: loading @pulumi/pulumi once per worker instead of once per file keeps the suite within seconds.
    pool: "forks",
    isolate: false,
    testTimeout: 20000,
  },
});
