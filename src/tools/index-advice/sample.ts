/**
 * Column statistics the engine does not keep (MySQL/MariaDB without persistent statistics, SQLite
 * without sqlite_stat1 or for unindexed columns), measured the way the sqlite3 shell's .expert
 * does: one read-only aggregate over the table on the engine's read path (distinct values and
 * nulls per column), and the frequencies of the commonest values of columns with few distinct values. Only for tables up to
 * SAMPLE_MAX_ROWS; bigger ones keep what the engine knows.
 */
import type { IndexAdvisorOps, TableStats } from '../../engines/contract/index-advisor.js';
import type { EngineAdapter, TableDetail } from '../../engines/contract/engine.js';

export const SAMPLE_MAX_ROWS = 2_000_000;
/** The alias of dba-mcp's own sampling reads: it survives in statement digests, so workload mode can leave them out. */
export const SAMPLE_MARK = 'dba_mcp_sample';
/** Columns with at most this many distinct values get the frequencies of their 10 commonest values. */
const LOW_CARDINALITY = 1000;
const MOST_COMMON = 10;

export async function sampleColumns(
  engine: EngineAdapter,
  ops: IndexAdvisorOps,
  d: TableDetail,
  stats: TableStats,
  columns: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const rows = stats.rows ?? d.row_estimate;
  if (rows !== null && rows > SAMPLE_MAX_ROWS) return;
  const table = ops.tableSql(d);
  const cols = columns.map((c) => ops.keySql({ column: c, columns: [c] }));
  try {
    const res = await engine.runRead({
      sql: `SELECT ${[`COUNT(*) AS ${SAMPLE_MARK}`, ...cols.map((c) => `COUNT(DISTINCT ${c}), SUM(CASE WHEN ${c} IS NULL THEN 1 ELSE 0 END)`)].join(', ')} FROM ${table}`,
      maxRows: 1,
      timeoutMs,
    });
    const row = res.rows[0] ?? [];
    const total = Number(row[0] ?? 0);
    stats.rows ??= total;
    for (const [i, c] of columns.entries()) {
      const distinct = Number(row[1 + 2 * i] ?? 0);
      const nulls = Number(row[2 + 2 * i] ?? 0);
      const had = stats.columns.get(c);
      const mcv =
        distinct > 0 && distinct <= LOW_CARDINALITY ? await frequencies(engine, table, cols[i]!, total, timeoutMs) : [];
      stats.columns.set(c, {
        distinct,
        nullFraction: total ? nulls / total : null,
        correlation: had?.correlation ?? null,
        mcv: had?.mcv.length ? had.mcv : mcv,
        bounds: had?.bounds ?? [],
      });
    }
  } catch {
    // statistics are best effort: without them the model uses defaults
  }
}

async function frequencies(
  engine: EngineAdapter,
  table: string,
  col: string,
  total: number,
  timeoutMs: number,
): Promise<{ value: string; freq: number }[]> {
  const res = await engine.runRead({
    sql: `SELECT ${col}, COUNT(*) AS ${SAMPLE_MARK} FROM ${table} GROUP BY ${col} ORDER BY 2 DESC`,
    maxRows: MOST_COMMON,
    timeoutMs,
  });
  return res.rows
    .filter((r) => r[0] !== null)
    .map((r) => ({ value: String(r[0]), freq: total ? Number(r[1]) / total : 0 }));
}

/** At most this many rows are read for sample values, and this many kept per column. */
const VALUE_ROWS = 100;
const VALUE_BOUNDS = 11;
const VALUE_CHARS = 64;

/**
 * Real values of columns that have neither common values nor histogram bounds (MySQL/MariaDB and
 * SQLite keep none; PostgreSQL before ANALYZE), from the table's first rows, kept sorted as
 * histogram-like bounds: a normalized statement's placeholders need realistic literals to be
 * planned. Best effort: a failed read leaves the columns as they were.
 */
export async function sampleValues(
  engine: EngineAdapter,
  ops: IndexAdvisorOps,
  d: TableDetail,
  stats: TableStats,
  columns: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const wanted = columns.filter((c) => {
    const f = stats.columns.get(c);
    return !f?.mcv.length && !f?.bounds.length;
  });
  if (wanted.length === 0) return;
  let rows: unknown[][];
  try {
    const cols = wanted.map((c) => ops.keySql({ column: c, columns: [c] }));
    rows = (
      await engine.runRead({
        sql: `SELECT ${cols.join(', ')}, 1 AS ${SAMPLE_MARK} FROM ${ops.tableSql(d)} LIMIT ${VALUE_ROWS}`,
        maxRows: VALUE_ROWS,
        timeoutMs,
      })
    ).rows;
  } catch {
    return;
  }
  wanted.forEach((c, i) => {
    const bounds = boundsOf(rows.map((r) => r[i]));
    if (bounds.length === 0) return;
    const had = stats.columns.get(c);
    stats.columns.set(c, {
      distinct: had?.distinct ?? null,
      nullFraction: had?.nullFraction ?? null,
      correlation: had?.correlation ?? null,
      mcv: had?.mcv ?? [],
      bounds,
    });
  });
}

/** Distinct values, sorted (numbers as numbers), thinned to VALUE_BOUNDS evenly spaced ones. */
function boundsOf(cells: readonly unknown[]): string[] {
  const values = [
    ...new Set(
      cells
        .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
        .map((v) => String(v).slice(0, VALUE_CHARS)),
    ),
  ];
  const numeric = values.every((v) => v !== '' && Number.isFinite(Number(v)));
  values.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (values.length <= VALUE_BOUNDS) return values;
  return Array.from(
    { length: VALUE_BOUNDS },
    (_, k) => values[Math.round((k * (values.length - 1)) / (VALUE_BOUNDS - 1))]!,
  );
}
