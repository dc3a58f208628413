import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-main/**/*.test.ts', 'src-renderer/**/*.test.{ts,tsx}', 'tools/**/*.test.ts'],
    environment: 'node',
    // Tests that spawn the CLI run its compiled JavaScript: build it once per run when stale.
    globalSetup: ['./src-main/testing/cli-build.ts'],
    // Native modules (better-sqlite3, onnxruntime-node, sharp) are not safe to share across
    // worker threads that get torn down mid-test; forks isolate them.
    pool: 'forks',
    reporters: ['default', './tools/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
