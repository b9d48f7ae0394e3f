import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration and e2e suites share real database servers: run files one at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
      // Corpus evaluations (blind/workload corpora scored against thresholds): minutes each, so
      // not part of `npm test` (which runs `--project '!corpus'`); run them with `npm run corpus`.
      { extends: true, test: { name: 'corpus', include: ['test/corpus/**/*.test.ts'] } },
    ],
  },
});
