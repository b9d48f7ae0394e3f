import type { HealthCheck, HealthOps } from '../../contract/health.js';
import type { EngineDeps, EngineSource } from '../../contract/engine.js';
import type { PgDriver } from '../core/driver.js';
import { blocking, connections, deadlocks, idleInTransaction, longQueries, preparedTransactions } from './activity.js';
import { analyzeStaleness, indexBloat, tableBloat, vacuum, xidWraparound } from './maintenance.js';
import { duplicateIndexes, invalidIndexes, unusedIndexes } from './indexes.js';
import { cacheHit, replication, replicationSlots, sequences } from './misc.js';
import { pgTopQueries } from './top.js';
import { pgSecurityReport } from './security.js';
import { pgSessions } from './sessions.js';
import { needsVisibility } from '../../kit/health/judge.js';

/**
 * The postgres side of check_health / top_queries / check_security and session actions. Every
 * check reads the catalog through the driver's catalog connection (never the user read path).
 */
export function createHealth(driver: PgDriver, source: EngineSource, _deps: EngineDeps): HealthOps | undefined {
  let versionNum: Promise<number> | undefined;
  const version = () => {
    versionNum ??= driver
      .catalog<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)
      .then((r) => Number(r[0]?.v ?? 0));
    versionNum.catch(() => (versionNum = undefined));
    return versionNum;
  };
  // Without pg_read_all_stats (pg_monitor) other users' sessions show no state or query.
  const seesAll = async () =>
    (
      await driver.catalog<{ all: boolean }>(
        `SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) OR pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS all`,
      )
    )[0]?.all === true;
  const visible = (check: HealthCheck) =>
    needsVisibility(check, seesAll, 'GRANT pg_monitor TO the login (or pg_read_all_stats) to see every session');
  const checks = new Map<string, HealthCheck>([
    ['connections', connections(driver)],
    ['long_queries', visible(longQueries(driver))],
    ['idle_in_transaction', visible(idleInTransaction(driver))],
    ['blocking', visible(blocking(driver, version))],
    ['prepared_transactions', preparedTransactions(driver)],
    ['deadlocks', deadlocks(driver)],
    ['vacuum', vacuum(driver)],
    ['analyze', analyzeStaleness(driver)],
    ['xid_wraparound', xidWraparound(driver)],
    ['table_bloat', tableBloat(driver)],
    ['index_bloat', indexBloat(driver)],
    ['invalid_indexes', invalidIndexes(driver)],
    ['duplicate_indexes', duplicateIndexes(driver)],
    ['unused_indexes', unusedIndexes(driver)],
    ['sequences', sequences(driver)],
    ['cache_hit', cacheHit(driver)],
    ['replication', replication(driver)],
    ['replication_slots', replicationSlots(driver)],
  ]);
  return {
    checks,
    topQueries: ({ orderBy, limit }) => pgTopQueries(driver, orderBy, limit, version),
    securityReport: async ({ isSensitive }) => pgSecurityReport(driver, isSensitive, await version()),
    sessions: pgSessions(source, driver.where),
  };
}
