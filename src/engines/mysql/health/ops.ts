import type { HealthCheck, HealthOps } from '../../contract/health.js';
import type { EngineDeps, EngineSource } from '../../contract/engine.js';
import type { MysqlDriver } from '../core/driver.js';
import { connections, idleInTransaction, lockWaits, longQueries, longTransactions } from './activity.js';
import { autoIncrement, duplicateIndexes, unusedIndexes } from './indexes.js';
import { bufferPool, replication } from './misc.js';
import { mysqlTopQueries } from './top.js';
import { mysqlSecurityReport } from './security.js';
import { mysqlSessions } from './sessions.js';
import { seesAllSessions } from './vars.js';
import { needsVisibility } from '../../kit/health/judge.js';

/**
 * The mysql / mariadb side of check_health / top_queries / check_security and session actions.
 * Checks read through the driver's catalog connection, never the user read path.
 */
export function createHealth(driver: MysqlDriver, source: EngineSource, _deps: EngineDeps): HealthOps | undefined {
  // Schema-level checks look at the source's database; server-level ones at the whole server.
  const database = source.parsed.database ?? null;
  const visible = (check: HealthCheck) =>
    needsVisibility(
      check,
      () => seesAllSessions(driver),
      'GRANT PROCESS ON *.* to the account to see every session (it also shows their statements)',
    );
  const checks = new Map<string, HealthCheck>([
    ['connections', connections(driver)],
    ['long_queries', visible(longQueries(driver))],
    ['long_transactions', visible(longTransactions(driver))],
    ['idle_in_transaction', visible(idleInTransaction(driver))],
    ['lock_waits', visible(lockWaits(driver))],
    ['buffer_pool', bufferPool(driver)],
    ['duplicate_indexes', duplicateIndexes(driver, database)],
    ['unused_indexes', unusedIndexes(driver, database)],
    ['auto_increment', autoIncrement(driver, database)],
    ['replication', replication(driver)],
  ]);
  return {
    checks,
    topQueries: ({ orderBy, limit }) => mysqlTopQueries(driver, orderBy, limit),
    securityReport: ({ isSensitive }) => mysqlSecurityReport(driver, isSensitive, source.parsed.database),
    sessions: mysqlSessions(source, driver.where),
  };
}
