/**
 * Catalog facts propose_index needs on PostgreSQL: column statistics from pg_stats (distinct
 * values, null fraction, correlation with the physical order, most common values with their
 * frequencies, histogram bounds), the workload from pg_stat_statements, and the collation.
 */
import { ToolError } from '../../../core/errors.js';
import type { ColumnFacts, TableStats, WorkloadEntry } from '../../contract/index-advisor.js';
import type { TableRef } from '../../contract/engine.js';
import type { PgDriver } from '../core/driver.js';

interface StatsRow {
  column: string;
  n_distinct: number | null;
  null_frac: number | null;
  correlation: number | null;
  mcv: string[] | null;
  mcf: number[] | null;
  bounds: string[] | null;
  reltuples: number | null;
}

export async function pgTableStats(driver: PgDriver, table: TableRef, columns: readonly string[]): Promise<TableStats> {
  const [rel] = await driver.catalog<{ reltuples: number | null; writes: number | null }>(
    `SELECT CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::float8 END AS reltuples,
            (SELECT (t.n_tup_ins + t.n_tup_upd + t.n_tup_del)::float8 FROM pg_stat_user_tables t WHERE t.relid = c.oid) AS writes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [table.schema, table.name],
  );
  const rows =
    columns.length === 0
      ? []
      : await driver.catalog<StatsRow>(
          `SELECT s.attname AS column, s.n_distinct::float8 AS n_distinct, s.null_frac::float8 AS null_frac, s.correlation::float8 AS correlation,
            s.most_common_vals::text::text[] AS mcv, s.most_common_freqs::float8[] AS mcf, s.histogram_bounds::text::text[] AS bounds, NULL::float8 AS reltuples
       FROM pg_stats s WHERE s.schemaname = $1 AND s.tablename = $2 AND s.attname = ANY($3::text[])`,
          [table.schema, table.name, [...columns]],
        );
  const total = rel?.reltuples ?? null;
  const out = new Map<string, ColumnFacts>();
  for (const r of rows) {
    const nd = r.n_distinct;
    const distinct = nd === null ? null : nd >= 0 ? nd : total ? Math.round(-nd * total) : null;
    out.set(r.column, {
      distinct,
      nullFraction: r.null_frac,
      correlation: r.correlation,
      mcv: (r.mcv ?? []).map((value, i) => ({ value, freq: r.mcf?.[i] ?? 0 })),
      bounds: r.bounds ?? [],
    });
  }
  return { rows: total, writes: rel?.writes ?? null, columns: out };
}

const STATEMENTS_HINT =
  "pg_stat_statements must be preloaded (postgresql.conf: shared_preload_libraries = 'pg_stat_statements', then restart) and created in this database: CREATE EXTENSION pg_stat_statements; then let the workload run. Or pass the queries with `sql` or `queries`.";

export async function pgWorkload(driver: PgDriver, limit: number): Promise<WorkloadEntry[]> {
  const [ext] = await driver.catalog<{ schema: string | null }>(
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'`,
  );
  if (!ext?.schema)
    throw new ToolError(
      'UNSUPPORTED_BY_ENGINE',
      'pg_stat_statements is not installed in this database, so there is no workload to read',
      STATEMENTS_HINT,
    );
  try {
    return await driver.catalog<WorkloadEntry>(
      `SELECT query AS sql, calls::float8 AS calls, total_exec_time::float8 AS "totalMs"
         FROM ${quote(ext.schema)}.pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) -- not statements on system catalogs (ours, monitoring)
          AND query ~* '^\\s*(with|select|update|delete)\\y' AND query !~* '\\mpg_[a-z_]+\\M|\\mhypopg|information_schema\\.'
        ORDER BY total_exec_time DESC LIMIT $1`,
      [limit],
    );
  } catch (err) {
    if (err instanceof ToolError && /shared_preload_libraries|must be loaded/i.test(err.message))
      throw new ToolError(
        'UNSUPPORTED_BY_ENGINE',
        'pg_stat_statements is installed but not preloaded',
        STATEMENTS_HINT,
        { cause: err },
      );
    throw err;
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function pgCollationIsC(driver: PgDriver): Promise<boolean> {
  const [row] = await driver.catalog<{ c: string }>(
    `SELECT datcollate AS c FROM pg_database WHERE datname = current_database()`,
  );
  return row?.c === 'C' || row?.c === 'POSIX';
}
