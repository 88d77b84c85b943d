import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "emulator/**/*.test.ts"],
    // The real-engine suite has its own config (vitest.engine.config.mts, `npm run test:engine`).
    exclude: [...configDefaults.exclude, "test/engine/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Writes skip the settle re-read (and its wait) unless a test turns it on: the concurrency tests do.
    env: { PRISMA_CLOUD_COMPUTE_SETTLE_MS: "0" },
    // The JSON report is what .ci/run counts; the default reporter prints the summary people read.
    reporters: ["default", ["json", { outputFile: "dist/test-results.json" }]],
  },
});
