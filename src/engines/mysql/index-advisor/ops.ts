/**
 * The MySQL/MariaDB side of propose_index (#6). Neither server has hypothetical indexes, so there
 * is no what-if session: proposals are a heuristic from statistics (table rows, index cardinality
 * from information_schema.STATISTICS, MariaDB's mysql.column_stats, and measured distinct values),
 * labelled as such. DDL is ALTER TABLE ... ADD INDEX ..., ALGORITHM=INPLACE, LOCK=NONE (online).
 */
import { ToolError } from '../../../core/errors.js';
import type {
  ColumnFacts,
  IndexAdvisorOps,
  IndexCandidate,
  KeyTerm,
  TableStats,
  WorkloadEntry,
} from '../../contract/index-advisor.js';
import type { EngineDeps, TableRef, EngineSource } from '../../contract/engine.js';
import type { MysqlDriver } from '../core/driver.js';
import { runRead } from '../core/read.js';
import { mysqlColumnStats } from '../core/column-stats.js';
import { sqlparserQueryShape } from '../../kit/sqlparser/query-shape.js';
import { mysqlIndexUsage } from './index-usage.js';

const quote = (name: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``);

function keySql(term: KeyTerm, _opclass?: string | null): string {
  return term.column !== undefined ? quote(term.column) : `(${term.expression!})`;
}

const tableSql = (t: TableRef) => `${quote(t.schema)}.${quote(t.name)}`;

const DIGEST_HINT =
  'Turn performance_schema on (my.cnf [mysqld]: performance_schema = ON, then restart the server; MariaDB has it off by default) so statement digests are collected, and make sure the login may read performance_schema. Or pass the queries with sql or queries.';

/** What workload: "top" answers when the server collects no statement digests. */
export function performanceSchemaOff(): ToolError {
  return new ToolError(
    'UNSUPPORTED_BY_ENGINE',
    'performance_schema is off on this server, so there are no statement digests to read',
    DIGEST_HINT,
  );
}

/**
 * A statement digest as SQL the parser reads. Digests collapse value lists (`IN (...)`,
 * `?, ...`), print COUNT(DISTINCT x) as COUNT ( DISTINCTROW x ) and quote system variables
 * (@@`name`); each of those is written back as plain SQL with one placeholder per list.
 */
export function digestSql(digest: string): string {
  return digest
    .replace(/\(\s*\.\.\.\s*\)/g, '(?)')
    .replace(/\?\s*,\s*\.\.\./g, '?')
    .replace(/\bDISTINCTROW\b/g, 'DISTINCT')
    .replace(/@@`([A-Za-z0-9_]+)`/g, '@@$1')
    .trim();
}

/**
 * The statements of this database, heaviest first. Left out: statements on the system schemas
 * (dba-mcp's own catalog reads among them) and dba-mcp's own column sampling (its `dba_mcp_`
 * alias survives in the digest), which would otherwise come back as workload of their own.
 */
async function workload(driver: MysqlDriver, limit: number): Promise<WorkloadEntry[]> {
  const read = (sql: string, params: (string | number)[] = []) =>
    runRead(driver, { sql, params, maxRows: 1000, timeoutMs: 10_000 });
  const on = await read('SELECT @@performance_schema');
  if (Number(on.rows[0]?.[0] ?? 0) !== 1) throw performanceSchemaOff();
  try {
    const res = await read(
      `SELECT DIGEST_TEXT, COUNT_STAR, SUM_TIMER_WAIT / 1000000000 FROM performance_schema.events_statements_summary_by_digest
        WHERE SCHEMA_NAME = DATABASE() AND DIGEST_TEXT IS NOT NULL AND (DIGEST_TEXT LIKE 'SELECT%' OR DIGEST_TEXT LIKE 'UPDATE%' OR DIGEST_TEXT LIKE 'DELETE%' OR DIGEST_TEXT LIKE 'WITH%')
          AND DIGEST_TEXT NOT LIKE '%performance_schema%' AND DIGEST_TEXT NOT LIKE '%information_schema%'
          AND DIGEST_TEXT NOT LIKE '%\`mysql\` .%' AND DIGEST_TEXT NOT LIKE '%\`sys\` .%' AND DIGEST_TEXT NOT LIKE '%\`dba\\_mcp\\_%'
        ORDER BY SUM_TIMER_WAIT DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
    );
    return res.rows.map((r) => ({ sql: digestSql(String(r[0])), calls: Number(r[1]), totalMs: Number(r[2]) }));
  } catch (err) {
    throw new ToolError(
      'UNSUPPORTED_BY_ENGINE',
      `the statement digests could not be read: ${(err as Error).message}`,
      DIGEST_HINT,
      { cause: err },
    );
  }
}

/**
 * Column facts found whatever the case of the name: MySQL column names are case-insensitive, and
 * statement digests print some (STATUS, NAME, ID) as upper-case keywords.
 */
class ColumnFactsMap extends Map<string, ColumnFacts> {
  override get(name: string): ColumnFacts | undefined {
    return super.get(name) ?? [...this.entries()].find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  }

  override has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

async function tableStats(driver: MysqlDriver, table: TableRef, columns: readonly string[]): Promise<TableStats> {
  const read = (q: Parameters<typeof runRead>[1]) => runRead(driver, q);
  const rows = await read({
    sql: 'SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    params: [table.schema, table.name],
    maxRows: 1,
    timeoutMs: 10_000,
  });
  const total = rows.rows[0]?.[0];
  const out = new ColumnFactsMap();
  for (const s of await mysqlColumnStats(read, table, columns))
    out.set(s.column, { distinct: s.distinct, nullFraction: s.null_fraction, correlation: null, mcv: [], bounds: [] });
  return { rows: total === null || total === undefined ? null : Number(total), columns: out };
}

export function createIndexAdvisor(
  driver: MysqlDriver,
  _source: EngineSource,
  _deps: EngineDeps,
): IndexAdvisorOps | undefined {
  const body = (c: IndexCandidate) => `(${c.keys.map((k) => keySql(k)).join(', ')})`;
  return {
    shape: (sql, hasColumn) => sqlparserQueryShape(sql, 'mysql', quote, hasColumn),
    tableStats: (table, columns) => tableStats(driver, table, columns),
    async openSession() {
      return {
        ok: false,
        notes: [
          'MySQL and MariaDB have no hypothetical indexes: proposals are heuristic, from table and column statistics (row counts, index cardinality, measured distinct values). Test one on a replica or a copy before relying on it.',
        ],
      };
    },
    workload: (limit) => workload(driver, limit),
    indexUsage: (filter) => mysqlIndexUsage(driver, filter),
    ddl: (c, name) =>
      `ALTER TABLE ${tableSql(c.table)} ADD INDEX ${quote(name)} ${body(c)}, ALGORITHM=INPLACE, LOCK=NONE;`,
    keySql,
    prefixOpclass: async () => null,
    tableSql,
    // no partial indexes; INCLUDE does not exist (InnoDB secondary indexes carry the primary key);
    // functional indexes only on MySQL 8.0.13+ (MariaDB: an indexed generated column), so none are proposed
    supports: { partial: false, include: false, expression: false, brin: false },
    literal: (v) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`,
    placeholder: 'question',
  };
}
