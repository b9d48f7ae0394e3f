/** MySQL/MariaDB top queries from performance_schema statement digests, with a clear answer when it is off. */
import type { TopQueriesOrder, TopQueriesResult } from '../../contract/health.js';
import type { MysqlDriver } from '../core/driver.js';
import { globalVariables } from './vars.js';
import type { Variant } from '../core/session.js';

const ORDER: Record<TopQueriesOrder, string> = {
  total_time: 'total_ms',
  mean_time: 'mean_ms',
  calls: 'calls',
  rows: 'rows_sent',
};
const SOURCE = 'performance_schema.events_statements_summary_by_digest';

interface DigestRow {
  db: string | null;
  query: string;
  calls: string | number;
  total_ms: string | number;
  mean_ms: string | number;
  rows_sent: string | number;
  rows_examined: string | number;
  no_index_used: string | number;
  tmp_disk_tables: string | number;
}

/**
 * Why the digests cannot be read, and how to turn them on; null when they can. `performanceSchema`
 * is the server's variable (ON/OFF); `consumer` the statements_digest consumer's ENABLED (YES/NO),
 * undefined when it was not read.
 */
export function digestsUnavailableNote(
  variant: Variant,
  performanceSchema: string | undefined,
  consumer?: string,
): string | null {
  if (String(performanceSchema ?? 'OFF').toUpperCase() !== 'ON') {
    const extra = variant === 'mariadb' ? ' (MariaDB ships it OFF)' : '';
    return `performance_schema is OFF on this server${extra}: set performance_schema=ON under [mysqld] in the server's config file and restart it; statement digests are collected from then on (consumer statements_digest, on by default).`;
  }
  if (consumer !== undefined && consumer !== 'YES') {
    return "performance_schema is ON but the statements_digest consumer is off: UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME = 'statements_digest' (an admin; or performance-schema-consumer-statements-digest=ON in the config).";
  }
  return null;
}

export async function mysqlTopQueries(
  driver: MysqlDriver,
  orderBy: TopQueriesOrder,
  limit: number,
): Promise<TopQueriesResult> {
  const { variant } = await driver.server();
  const vars = await globalVariables(driver, ['performance_schema']);
  const off = digestsUnavailableNote(variant, vars.performance_schema);
  if (off) return { source: SOURCE, available: false, queries: [], note: off };
  const [consumer] = await driver.catalog<{ enabled: string }>(
    `SELECT ENABLED AS enabled FROM performance_schema.setup_consumers WHERE NAME = 'statements_digest'`,
  );
  const consumerOff = digestsUnavailableNote(variant, vars.performance_schema, consumer?.enabled);
  if (consumerOff) return { source: SOURCE, available: false, queries: [], note: consumerOff };
  const rows = await driver.catalog<DigestRow>(
    `
    SELECT SCHEMA_NAME AS db, DIGEST_TEXT AS query, COUNT_STAR AS calls, SUM_TIMER_WAIT / 1000000000 AS total_ms, AVG_TIMER_WAIT / 1000000000 AS mean_ms,
      SUM_ROWS_SENT + SUM_ROWS_AFFECTED AS rows_sent, SUM_ROWS_EXAMINED AS rows_examined, SUM_NO_INDEX_USED AS no_index_used, SUM_CREATED_TMP_DISK_TABLES AS tmp_disk_tables
    FROM performance_schema.events_statements_summary_by_digest
    WHERE DIGEST_TEXT IS NOT NULL AND DIGEST_TEXT NOT LIKE '%performance_schema%' AND (DATABASE() IS NULL OR SCHEMA_NAME = DATABASE())
    ORDER BY ${ORDER[orderBy]} DESC LIMIT ?`,
    [limit],
  );
  return {
    source: SOURCE,
    available: true,
    note: 'times in milliseconds since the server started or the digest table was truncated',
    queries: rows.map((r) => ({
      query: r.query,
      calls: Number(r.calls),
      total_ms: round(Number(r.total_ms)),
      mean_ms: round(Number(r.mean_ms)),
      rows: Number(r.rows_sent),
      extra: {
        db: r.db,
        rows_examined: Number(r.rows_examined),
        no_index_used: Number(r.no_index_used),
        tmp_disk_tables: Number(r.tmp_disk_tables),
      },
    })),
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
