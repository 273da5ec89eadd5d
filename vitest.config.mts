import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The Pulumi runtime keeps global state: one process per test file keeps runs apart.
    pool: "forks",
    isolate: true,
    testTimeout: 20000,
  },
});
