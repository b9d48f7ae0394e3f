import type { ResolvedSource } from '../../config/load.js';
import type { HealthCheck, HealthOps } from '../health-types.js';
import type { EngineDeps } from '../types.js';
import type { MysqlDriver } from './driver.js';
import { connections, idleInTransaction, lockWaits, longQueries, longTransactions } from './health-activity.js';
import { autoIncrement, duplicateIndexes, unusedIndexes } from './health-indexes.js';
import { bufferPool, replication } from './health-misc.js';
import { mysqlTopQueries } from './health-top.js';
import { mysqlSecurityReport } from './health-security.js';
import { mysqlSessions } from './health-sessions.js';
import { seesAllSessions } from './health-vars.js';
import { needsVisibility } from '../../health/judge.js';

/**
 * The mysql / mariadb side of check_health / top_queries / check_security and session actions.
 * Checks read through the driver's catalog connection, never the user read path.
 */
export function createHealth(driver: MysqlDriver, source: ResolvedSource, _deps: EngineDeps): HealthOps | undefined {
  // Schema-level checks look at the source's database; server-level ones at the whole server.
  const database = source.parsed.database ?? null;
  const visible = (check: HealthCheck) => needsVisibility(check, () => seesAllSessions(driver), 'GRANT PROCESS ON *.* to the account to see every session (it also shows their statements)');
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
    securityReport: ({ masking }) => mysqlSecurityReport(driver, masking, source.parsed.database),
    sessions: mysqlSessions(source, driver.where),
  };
}
