/**
 * What the guards learn from a statement's text, parsed by the dialect's real parser. Pure data:
 * the engine adds what only the database knows (which functions are safe) before the guard decides.
 */
import type { ErrorCode } from './errors.js';

export type StatementClass = 'read' | 'write' | 'ddl' | 'admin' | 'unknown';

export interface TableName {
  schema?: string;
  name: string;
}

export interface Classification {
  class: StatementClass;
  /** Why the statement is not a plain read (empty for a read). */
  reasons: string[];
  /** The parser's name for the statement, e.g. SelectStmt, select_stmt. */
  statementType: string;
  /** How many statements the text holds: anything but 1 is refused. */
  statementCount: number;
  /** Every function called anywhere, lowercased, schema-qualified when written so. */
  functions: string[];
  /** Every relation read (CTE names excluded). */
  tables: TableName[];
  /** Functions the engine judged unsafe (writes, locks, files, other servers, sleeps, settings). */
  deniedFunctions: string[];
  /**
   * True when nothing in the statement can change session state (a read calling only known-pure
   * functions), so the engine may skip resetting the connection afterwards.
   */
  sessionNeutral: boolean;
  /** Every column name the statement references, lowercased (for masking values derived from them). */
  columnRefs?: string[];
  /** The statement uses a whole row as a value (SELECT t FROM t, row_to_json(t), f(t.*)): every column of it, named or not. */
  wholeRows?: boolean;
  /** Per output column, the column names its expression references; absent when outputs cannot be lined up (SELECT *, set operations, derived tables and CTEs). */
  outputRefs?: string[][];
  /**
   * Statistics the statement reads sample values from (pg_stats.most_common_vals and
   * histogram_bounds, mysql.column_stats, sqlite_stat4): values of any column, which masking and
   * deny lists cannot follow. Set by the engine; the tables guard judges it.
   */
  statistics?: string[];
  /** When the engine's own parser refused the text, its error (e.g. an unknown table), to report as is. */
  failure?: { code: ErrorCode; message: string; hint: string };
}

/** A statement the parser could not read: always refused. */
export function unparseable(message: string): Classification {
  return {
    class: 'unknown',
    reasons: [`unparseable: ${message}`],
    statementType: 'unknown',
    statementCount: 0,
    functions: [],
    tables: [],
    deniedFunctions: [],
    sessionNeutral: false,
  };
}
