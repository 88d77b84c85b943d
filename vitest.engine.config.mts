import { defineConfig } from "vitest/config";

// The real-engine suite: real `pulumi` commands in user projects installed from the packed tarball.
export default defineConfig({
  test: {
    include: ["test/engine/**/*.test.ts"],
    globalSetup: ["test/engine/globalSetup.ts"],
    // A cold CLI build takes minutes; a 19,999-entry stack's commands take tens of seconds.
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
    pool: "forks",
    // Two cores: one CLI run at a time keeps timings and the emulator's view predictable.
    fileParallelism: false,
    reporters: ["default", ["json", { outputFile: "dist/engine-test-results.json" }]],
  },
});
