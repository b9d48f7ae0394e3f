/**
 * The read path for SQLite: a read-only connection opened on first use, one statement per call
 * (better-sqlite3 refuses more), and SQLite's own verdict (`stmt.readonly`) checked before it runs.
 * better-sqlite3 is synchronous: a statement cannot be cancelled from here once it runs.
 */
import Database from 'better-sqlite3';
import type { ResolvedSource } from '../../config/load.js';
import { ToolError } from '../../errors.js';
import type { CellValue, ColumnMeta, QueryResult, ReadQuery } from '../types.js';
import { toSqliteToolError } from './errors.js';
import { storageClass, toCell } from './values.js';

export class SqliteDriver {
  #db: Database.Database | undefined;
  readonly file: string;

  constructor(source: ResolvedSource) {
    this.file = source.parsed.file!;
  }

  get db(): Database.Database {
    if (!this.#db) {
      try {
        const db = new Database(this.file, { readonly: true, fileMustExist: true });
        db.pragma('query_only = ON');
        this.#db = db;
      } catch (err) {
        throw toSqliteToolError(err, this.file);
      }
    }
    return this.#db;
  }

  /** Runs one of our own catalog statements. */
  all<R>(sql: string, ...params: unknown[]): R[] {
    try {
      return this.db.prepare(sql).all(...params) as R[];
    } catch (err) {
      throw toSqliteToolError(err, this.file);
    }
  }

  runRead(q: ReadQuery): QueryResult {
    if (q.signal?.aborted) throw new ToolError('QUERY_CANCELLED', 'the query was cancelled by the client', 'The request was cancelled before it ran.');
    try {
      const stmt = this.db.prepare(q.sql);
      if (!stmt.readonly || !stmt.reader) {
        throw new ToolError('READ_ONLY_VIOLATION', 'SQLite reports that this statement is not a read-only query', 'run_query runs reads that return rows. A change goes through request_change and a person approves it.');
      }
      stmt.raw(true).safeIntegers(true);
      const raw: unknown[][] = [];
      for (const row of stmt.iterate(...(q.params ?? [])) as IterableIterator<unknown[]>) {
        raw.push(row);
        if (raw.length > q.maxRows) break; // leaving the loop resets the statement
      }
      const truncated = raw.length > q.maxRows;
      const kept = truncated ? raw.slice(0, q.maxRows) : raw;
      return { columns: columnMeta(stmt.columns(), kept), rows: kept.map((row) => row.map(toCell) as CellValue[]), truncated };
    } catch (err) {
      throw toSqliteToolError(err, this.file);
    }
  }

  close(): void {
    this.#db?.close();
    this.#db = undefined;
  }
}

function columnMeta(columns: Database.ColumnDefinition[], rows: unknown[][]): ColumnMeta[] {
  return columns.map((c, i) => ({
    name: c.name,
    type: c.type?.toLowerCase() || rows.map((r) => storageClass(r[i])).find(Boolean) || 'unknown',
  }));
}
