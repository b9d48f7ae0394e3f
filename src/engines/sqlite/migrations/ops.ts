import type { MigrationOps } from '../../contract/migrations.js';
import type { EngineDeps, EngineSource } from '../../contract/engine.js';
import type { SqliteDriver } from '../core/driver.js';
import { analyzeSqlite } from './analyze.js';
import { q } from './rebuild.js';
import { dryRunSqlite } from './dry-run.js';
import { applySqlite, composeSqlite, recordSqliteHistory, SQLITE_HISTORY_TABLE } from './run.js';

/** The SQLite side of plan_migration / apply_migration (#7). */
export function createMigrations(
  driver: SqliteDriver,
  _source: EngineSource,
  _deps: EngineDeps,
): MigrationOps | undefined {
  return {
    analyze: (sql) => analyzeSqlite(driver, sql),
    timeouts: { lock: true, statement: false },
    compose: composeSqlite,
    dryRun: (steps, t) => dryRunSqlite(driver.file, steps, t),
    apply: async (steps, onStep) => applySqlite(driver.file, steps, onStep),
    recordHistory: async (row) => recordSqliteHistory(driver.file, row),
    quoteIdent: q,
    historyTable: SQLITE_HISTORY_TABLE,
  };
}
