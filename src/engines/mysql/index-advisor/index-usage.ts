/**
 * Per-index read counts and sizes. Counters come from performance_schema
 * (table_io_waits_summary_by_index_usage) when it is on, else from MariaDB's user statistics
 * (information_schema.INDEX_STATISTICS, userstat=ON); with neither, usage is unknown and the note
 * says how to turn it on. Sizes come from mysql.innodb_index_stats (InnoDB, pages x page size) when
 * the login may read it.
 */
import type { IndexUsage, IndexUsageFilter, IndexUsageReport } from '../../contract/health.js';
import type { MysqlDriver } from '../core/driver.js';
import { globalStatus, globalVariables, indexSizes } from '../health/vars.js';

export const SYSTEM_SCHEMAS = `('mysql', 'sys', 'performance_schema', 'information_schema')`;

const INDEXES_SQL = `
  SELECT s.TABLE_SCHEMA AS \`schema\`, s.TABLE_NAME AS \`table\`, s.INDEX_NAME AS \`index\`, MIN(s.NON_UNIQUE) = 0 AS \`unique\`
  FROM information_schema.STATISTICS s
  WHERE s.TABLE_SCHEMA NOT IN ${SYSTEM_SCHEMAS} AND (? IS NULL OR s.TABLE_SCHEMA = ?) AND (? IS NULL OR s.TABLE_NAME = ?)
  GROUP BY s.TABLE_SCHEMA, s.TABLE_NAME, s.INDEX_NAME
  ORDER BY 1, 2, 3`;

export const PERFORMANCE_SCHEMA_SQL = `
  SELECT OBJECT_SCHEMA AS \`schema\`, OBJECT_NAME AS \`table\`, INDEX_NAME AS \`index\`, COUNT_READ AS \`reads\`
  FROM performance_schema.table_io_waits_summary_by_index_usage
  WHERE INDEX_NAME IS NOT NULL AND OBJECT_SCHEMA NOT IN ${SYSTEM_SCHEMAS}`;

export const USERSTAT_SQL = `SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS \`table\`, INDEX_NAME AS \`index\`, ROWS_READ AS \`reads\` FROM information_schema.INDEX_STATISTICS`;

// `reads` is a reserved word (READS SQL DATA): the aliases above quote it.
type Counter = { schema: string; table: string; index: string; reads: number | string };
const key = (r: { schema: string; table: string; index: string }) => `${r.schema}.${r.table}.${r.index}`;

interface CounterSource {
  name: string;
  rows: Counter[];
}

/** Which per-index counters this server keeps, and their rows; null when none. */
async function counters(driver: MysqlDriver): Promise<CounterSource | null> {
  const flags = await globalVariables(driver, ['performance_schema', 'userstat']);
  if (String(flags.performance_schema).toUpperCase() === 'ON')
    return {
      name: 'performance_schema.table_io_waits_summary_by_index_usage',
      rows: await driver.catalog<Counter>(PERFORMANCE_SCHEMA_SQL),
    };
  if (String(flags.userstat ?? '').toUpperCase() === 'ON')
    return {
      name: 'information_schema.INDEX_STATISTICS (userstat)',
      rows: await driver.catalog<Counter>(USERSTAT_SQL),
    };
  return null;
}

export const INDEX_USAGE_DISABLED_NOTE =
  'Index usage is not recorded on this server: performance_schema is OFF (and MariaDB userstat is OFF). Enable performance_schema=ON in the server config (needs a restart), ' +
  'or on MariaDB SET GLOBAL userstat=ON (no restart; counts from then on).';

export async function mysqlIndexUsage(driver: MysqlDriver, filter: IndexUsageFilter = {}): Promise<IndexUsageReport> {
  const schema = filter.schema ?? null;
  const table = filter.table ?? null;
  const [indexes, source, status, sizes] = await Promise.all([
    driver.catalog<{ schema: string; table: string; index: string; unique: number | string }>(INDEXES_SQL, [
      schema,
      schema,
      table,
      table,
    ]),
    counters(driver),
    globalStatus(driver, ['Uptime']),
    indexSizes(driver),
  ]);
  const since = status.uptime ? new Date(Date.now() - Number(status.uptime) * 1000).toISOString() : null;
  const reads = new Map((source?.rows ?? []).map((r) => [key(r), Number(r.reads)]));
  const out: IndexUsage[] = indexes.map((i) => ({
    schema: i.schema,
    table: i.table,
    index: i.index,
    scans: source ? (reads.get(key(i)) ?? 0) : null,
    size_bytes: sizes.get(key(i)) ?? null,
    unique: Number(i.unique) === 1,
    primary: i.index === 'PRIMARY',
  }));
  return {
    available: source !== null,
    note: source ? `from ${source.name}, counting since the server started` : INDEX_USAGE_DISABLED_NOTE,
    stats_since: since,
    indexes: out,
  };
}
