import type { MigrationOps } from '../../contract/migrations.js';
import type { EngineDeps, EngineSource } from '../../contract/engine.js';
import type { PgDriver } from '../core/driver.js';
import { analyzePostgres } from './analyze.js';
import { applyPg, composePg, dryRunPg, PG_HISTORY_TABLE, recordPgHistory } from './run.js';

/** The PostgreSQL side of plan_migration / apply_migration (#7). */
export function createMigrations(driver: PgDriver, source: EngineSource, _deps: EngineDeps): MigrationOps | undefined {
  return {
    analyze: (sql) => analyzePostgres(driver, sql),
    timeouts: { lock: true, statement: true },
    compose: composePg,
    dryRun: (steps, t) => dryRunPg(source, driver.where, steps, t),
    apply: (steps, onStep) => applyPg(source, driver.where, steps, onStep),
    recordHistory: (row) => recordPgHistory(source, driver.where, row),
    quoteIdent: (name) => `"${name.replace(/"/g, '""')}"`,
    historyTable: PG_HISTORY_TABLE,
  };
}
