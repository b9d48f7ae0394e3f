/**
 * The SQLite side of propose_index (#6): query shapes from sqlparser-rs's SQLite dialect, what-if
 * planning on an in-memory copy of the schema and statistics (.expert's approach), statistics from
 * sqlite_stat1 (when the source was analyzed) and row counts.
 */
import { ToolError } from '../../../core/errors.js';
import type {
  ColumnFacts,
  IndexAdvisorOps,
  IndexCandidate,
  KeyTerm,
  TableStats,
} from '../../contract/index-advisor.js';
import type { EngineDeps, TableRef, EngineSource } from '../../contract/engine.js';
import type { SqliteDriver } from '../core/driver.js';
import { sqlparserQueryShape } from '../../kit/sqlparser/query-shape.js';
import { SqliteWhatIf } from './session.js';
import { sqliteIndexUsage } from './index-usage.js';

const quote = (name: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);

function keySql(term: KeyTerm, opclass?: string | null): string {
  const key = term.column !== undefined ? quote(term.column) : term.expression!;
  return opclass ? `${key} ${opclass}` : key;
}

function body(c: IndexCandidate): string {
  return `ON ${quote(c.table.name)} (${c.keys.map((k, i) => keySql(k, c.opclass?.[i])).join(', ')})${c.where ? ` WHERE ${c.where}` : ''}`;
}

/** Row count and distinct values per indexed column from sqlite_stat1 (rows / rows-per-key of an index led by it). */
function stat1Stats(driver: SqliteDriver, table: TableRef): TableStats {
  const columns = new Map<string, ColumnFacts>();
  let rows: number | null = null;
  try {
    for (const r of driver.all<{ idx: string | null; stat: string }>(
      'SELECT idx, stat FROM sqlite_stat1 WHERE tbl = ?',
      table.name,
    )) {
      const [total, perKey] = r.stat.split(' ').map(Number);
      if (total !== undefined && Number.isFinite(total)) rows = Math.max(rows ?? 0, total);
      if (!r.idx || total === undefined || !(perKey! > 0)) continue;
      const lead = driver.all<{ name: string }>('SELECT name FROM pragma_index_info(?) WHERE seqno = 0', r.idx)[0]
        ?.name;
      if (lead)
        columns.set(lead, {
          distinct: Math.round(total / perKey!),
          nullFraction: null,
          correlation: null,
          mcv: [],
          bounds: [],
        });
    }
  } catch {
    // never analyzed: no sqlite_stat1
  }
  return { rows, columns };
}

export function createIndexAdvisor(
  driver: SqliteDriver,
  _source: EngineSource,
  _deps: EngineDeps,
): IndexAdvisorOps | undefined {
  const measured = new Map<string, TableStats>();
  return {
    shape: (sql, hasColumn) => sqlparserQueryShape(sql, 'sqlite', quote, hasColumn),
    async tableStats(table) {
      const s = stat1Stats(driver, table);
      measured.set(table.name, s);
      return s;
    },
    async openSession() {
      return { ok: true, session: SqliteWhatIf.open({ driver, stats: () => measured, body }), notes: [] };
    },
    async workload() {
      throw new ToolError(
        'UNSUPPORTED_BY_ENGINE',
        'SQLite keeps no statistics of the statements it ran',
        "Pass the queries with sql or queries (for example from the application's query log).",
      );
    },
    indexUsage: (filter) => sqliteIndexUsage(filter),
    ddl: (c, name) => `CREATE INDEX IF NOT EXISTS ${quote(name)} ${body(c)};`,
    keySql,
    // SQLite's LIKE ignores case (ASCII): a prefix LIKE uses an index only when the key is NOCASE
    prefixOpclass: async () => 'COLLATE NOCASE',
    tableSql: (t) => quote(t.name),
    supports: { partial: true, include: false, expression: true, brin: false },
    literal: (v) => `'${v.replace(/'/g, "''")}'`,
    placeholder: 'question',
  };
}
