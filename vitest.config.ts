import { defineConfig } from 'vitest/config';

/**
 * Integration and e2e files that must not overlap with any other file: they change or read state
 * of the whole database server, or hold a time bound a loaded machine could break. They run one at
 * a time, after every parallel file has finished (sequence.groupOrder).
 * - backups-archiver: ALTER SYSTEM archive_command + reload (every check_backups sees the archiver);
 * - backups-mysql: the server's binary logs and GTID position, which every write moves;
 * - health-*, e2e/health: sessions idle in a transaction and blocked behind locks, read from
 *   pg_stat_activity / the processlist of the whole server;
 * - top-queries, propose-index-mysql: performance_schema's statement digest table is server-wide,
 *   and test/helpers/mysql-features.ts empties it when it is nearly full;
 * - robustness-slow/-cancel, migration-dry-run, migration-sqlite-dry-run-bound, sqlite-read-path,
 *   backups-cancel, mysql-engine: timeouts, cancels and kills timed in hundreds of milliseconds.
 * Every other file works in a database, schema, role and temp dir of its own (random names).
 */
const SERIAL = [
  'test/integration/backups-archiver.test.ts',
  'test/integration/backups-mysql.test.ts',
  'test/integration/backups-cancel.test.ts',
  'test/integration/health-*.test.ts',
  'test/integration/top-queries.test.ts',
  'test/integration/propose-index-mysql.test.ts',
  'test/integration/robustness-slow.test.ts',
  'test/integration/robustness-cancel.test.ts',
  'test/integration/migration-dry-run.test.ts',
  'test/integration/migration-sqlite-dry-run-bound.test.ts',
  'test/integration/sqlite-read-path.test.ts',
  'test/integration/mysql-engine.test.ts',
  'test/e2e/health.test.ts',
];

// The machine this is developed and checked on has 2 cores; more workers only add contention.
const PARALLEL = { fileParallelism: true, maxWorkers: 2, sequence: { groupOrder: 0 } };
const ONE_AT_A_TIME = { fileParallelism: false, maxWorkers: 1 };

export default defineConfig({
  test: {
    testTimeout: 30_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], ...PARALLEL } },
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], exclude: SERIAL, ...PARALLEL },
      },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], exclude: SERIAL, ...PARALLEL } },
      { extends: true, test: { name: 'serial', include: SERIAL, ...ONE_AT_A_TIME, sequence: { groupOrder: 1 } } },
      // Corpus evaluations (blind/workload corpora scored against thresholds): minutes each, so
      // not part of `npm test` (which runs `--project '!corpus'`); run them with `npm run corpus`.
      {
        extends: true,
        test: { name: 'corpus', include: ['test/corpus/**/*.test.ts'], ...ONE_AT_A_TIME, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
