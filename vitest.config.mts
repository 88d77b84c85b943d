import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "emulator/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // The JSON report is what .ci/run counts; the default reporter prints the summary people read.
    reporters: ["default", ["json", { outputFile: "dist/test-results.json" }]],
  },
});
