/**
 * Column statistics on MySQL/MariaDB: the cardinality of an index led by the column
 * (information_schema.STATISTICS), and on MariaDB mysql.column_stats (engine-independent
 * statistics, after ANALYZE TABLE ... PERSISTENT) when present and readable.
 */
import type { ColumnStats, ReadQuery, QueryResult, TableRef } from '../../contract/engine.js';

export async function mysqlColumnStats(
  read: (q: ReadQuery) => Promise<QueryResult>,
  table: TableRef,
  columns: readonly string[],
): Promise<ColumnStats[]> {
  if (columns.length === 0) return [];
  const marks = columns.map(() => '?').join(', ');
  const out = new Map<string, ColumnStats>();
  const idx = await read({
    sql: `SELECT COLUMN_NAME, MAX(CARDINALITY) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND SEQ_IN_INDEX = 1 AND COLUMN_NAME IN (${marks}) GROUP BY COLUMN_NAME`,
    params: [table.schema, table.name, ...columns],
    maxRows: 1000,
    timeoutMs: 5000,
  });
  for (const [col, card] of idx.rows) {
    const n = card === null ? null : Number(card);
    out.set(String(col).toLowerCase(), {
      column: String(col),
      distinct: n !== null && Number.isFinite(n) ? n : null,
      null_fraction: null,
    });
  }
  try {
    const cs = await read({
      sql: `SELECT column_name, nulls_ratio, avg_frequency FROM mysql.column_stats WHERE db_name = ? AND table_name = ? AND column_name IN (${marks})`,
      params: [table.schema, table.name, ...columns],
      maxRows: 1000,
      timeoutMs: 5000,
    });
    const rows = await read({
      sql: `SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
      params: [table.schema, table.name],
      maxRows: 1,
      timeoutMs: 5000,
    });
    const total = Number(rows.rows[0]?.[0] ?? NaN);
    for (const [col, nulls, freq] of cs.rows) {
      const key = String(col).toLowerCase();
      const nullFraction = nulls === null ? null : Number(nulls);
      const f = freq === null ? NaN : Number(freq);
      const fromFreq = Number.isFinite(total) && f > 0 ? Math.round((total * (1 - (nullFraction ?? 0))) / f) : null;
      const had = out.get(key);
      out.set(key, {
        column: had?.column ?? String(col),
        distinct: had?.distinct ?? fromFreq,
        null_fraction: nullFraction,
      });
    }
  } catch {
    // MySQL has no mysql.column_stats, and the login may not read it: the index cardinality stands
  }
  return [...out.values()];
}
