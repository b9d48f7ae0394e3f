/** Column statistics on SQLite: sqlite_stat1 of an index led by the column (after ANALYZE): rows / rows-per-value. */
import type { ColumnStats, ReadQuery, QueryResult, TableRef } from '../../contract/engine.js';

export async function sqliteColumnStats(
  read: (q: ReadQuery) => Promise<QueryResult>,
  table: TableRef,
  columns: readonly string[],
): Promise<ColumnStats[]> {
  if (columns.length === 0) return [];
  let res: QueryResult;
  try {
    res = await read({
      sql: `SELECT ii.name, s.stat FROM sqlite_stat1 s JOIN pragma_index_info(s.idx) ii ON ii.seqno = 0 WHERE s.tbl = ? COLLATE NOCASE AND ii.name IN (${columns.map(() => '?').join(', ')}) COLLATE NOCASE`,
      params: [table.name, ...columns],
      maxRows: 1000,
      timeoutMs: 5000,
    });
  } catch {
    return []; // never analyzed: no sqlite_stat1
  }
  const out = new Map<string, ColumnStats>();
  for (const [col, stat] of res.rows) {
    const [total, perValue] = String(stat).split(' ').map(Number);
    if (total === undefined || perValue === undefined || !Number.isFinite(total) || !(perValue > 0)) continue;
    const distinct = Math.round(total / perValue);
    const key = String(col).toLowerCase();
    const had = out.get(key);
    if (!had || (had.distinct ?? 0) < distinct) out.set(key, { column: String(col), distinct, null_fraction: null });
  }
  return [...out.values()];
}
