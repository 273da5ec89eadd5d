import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Temporary files go to a folder of the run's own, and a run that leaves any fails (test/temporaryFolder.ts); a run
    // that changes the shared material fails too (test/sharedUntouched.ts).
    globalSetup: ["test/temporaryFolder.ts", "test/sharedUntouched.ts"],
    // Every program run resets the Pulumi runtime (plan/runProgram.ts), so test files can share a worker's
    // modules: loading @pulumi/pulumi once per worker instead of once per file keeps the suite within seconds.
    pool: "forks",
    isolate: false,
    // vitest's default (one fewer worker than cores) leaves a 2-core machine one worker; the CLI tests spend
    // their time waiting on child processes, so a worker per core keeps both busy.
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 20000,
    // Transformed test and source modules are kept between runs, keyed by their content, in .cache/ beside the
    // compiled commands and validators (outside node_modules, so npm ci keeps them): a fifth of a run's CPU time.
    experimental: { fsModuleCache: true, fsModuleCachePath: ".cache/vitest" },
  },
});
