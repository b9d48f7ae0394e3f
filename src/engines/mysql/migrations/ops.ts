import type { MigrationOps } from '../../contract/migrations.js';
import type { EngineDeps, EngineSource } from '../../contract/engine.js';
import type { MysqlDriver } from '../core/driver.js';
import { analyzeMysql } from './analyze.js';
import { quote } from './context.js';
import { applyMysql, composeMysql, dryRunMysql, MYSQL_HISTORY_TABLE, recordMysqlHistory } from './run.js';
import type { Variant } from '../core/session.js';

/** The MySQL/MariaDB side of plan_migration / apply_migration (#7). */
export function createMigrations(
  driver: MysqlDriver,
  source: EngineSource,
  _deps: EngineDeps,
): MigrationOps | undefined {
  let variant: Variant = 'mysql';
  return {
    async analyze(sql) {
      const server = await driver.server();
      variant = server.variant;
      const [a = 0, b = 0, c = 0] = server.version.split('.').map(Number);
      return analyzeMysql(driver, source.parsed.database ?? '', sql, {
        variant: server.variant,
        version: [a, b, c],
        text: server.version,
      });
    },
    get timeouts() {
      return { lock: true, statement: variant === 'mariadb' };
    },
    compose: (step, t) => composeMysql(variant, step, t),
    dryRun: () => dryRunMysql(),
    apply: (steps, onStep) => applyMysql(source, steps, onStep),
    recordHistory: (row) => recordMysqlHistory(source, row),
    quoteIdent: quote,
    historyTable: MYSQL_HISTORY_TABLE,
  };
}
