/** Column statistics from pg_stats: n_distinct (negative: a fraction of the rows), null_frac, most common values. */
import type { ColumnStats, TableRef } from '../../contract/engine.js';
import type { PgDriver } from './driver.js';

export async function pgColumnStats(
  driver: PgDriver,
  table: TableRef,
  columns: readonly string[],
): Promise<ColumnStats[]> {
  if (columns.length === 0) return [];
  const rows = await driver.catalog<{
    column: string;
    n_distinct: number | null;
    null_frac: number | null;
    reltuples: number | null;
    mcv: string[] | null;
  }>(
    `SELECT s.attname AS column, s.n_distinct::float8 AS n_distinct, s.null_frac::float8 AS null_frac, c.reltuples::float8 AS reltuples,
            (s.most_common_vals::text::text[])[1:5] AS mcv
       FROM pg_stats s
       JOIN pg_namespace n ON n.nspname = s.schemaname
       JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename
      WHERE s.schemaname = $1 AND s.tablename = $2 AND s.attname = ANY($3::text[])`,
    [table.schema, table.name, [...columns]],
  );
  return rows.map((r) => {
    const nd = r.n_distinct;
    const distinct =
      nd === null
        ? null
        : nd >= 0
          ? nd
          : r.reltuples !== null && r.reltuples > 0
            ? Math.round(-nd * r.reltuples)
            : null;
    return { column: r.column, distinct, null_fraction: r.null_frac, ...(r.mcv?.length ? { most_common: r.mcv } : {}) };
  });
}
