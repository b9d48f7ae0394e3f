/**
 * Per-index scan counts and sizes from pg_stat_user_indexes (since the database's statistics reset).
 * Sizes come from pg_class.relpages (as of the last VACUUM/ANALYZE/CREATE INDEX), not
 * pg_relation_size, which would wait behind an ACCESS EXCLUSIVE lock on the table.
 */
import type { IndexUsageFilter, IndexUsageReport } from '../../contract/health.js';
import type { PgDriver } from '../core/driver.js';

const SQL = `
  SELECT s.schemaname AS schema, s.relname AS table, s.indexrelname AS index, s.idx_scan::float8 AS scans,
    (i.relpages::bigint * current_setting('block_size')::bigint)::float8 AS size_bytes, x.indisunique AS unique, x.indisprimary AS primary
  FROM pg_stat_user_indexes s JOIN pg_index x ON x.indexrelid = s.indexrelid JOIN pg_class i ON i.oid = s.indexrelid
  WHERE ($1::text IS NULL OR s.schemaname = $1) AND ($2::text IS NULL OR s.relname = $2)
  ORDER BY s.schemaname, s.relname, s.indexrelname`;

const SINCE_SQL = `SELECT coalesce(stats_reset, pg_postmaster_start_time())::text AS since FROM pg_stat_database WHERE datname = current_database()`;

export async function pgIndexUsage(driver: PgDriver, filter: IndexUsageFilter = {}): Promise<IndexUsageReport> {
  const [rows, since] = await Promise.all([
    driver.catalog<{
      schema: string;
      table: string;
      index: string;
      scans: number;
      size_bytes: number;
      unique: boolean;
      primary: boolean;
    }>(SQL, [filter.schema ?? null, filter.table ?? null]),
    driver.catalog<{ since: string | null }>(SINCE_SQL),
  ]);
  return { available: true, note: null, stats_since: since[0]?.since ?? null, indexes: rows };
}
