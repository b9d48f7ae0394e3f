/**
 * The main thread's read-only SQLite connection, opened on first use: catalog reads (our own,
 * bounded SQL) and preparing statements for SQLite's own verdict. User statements run in the
 * worker of reader.ts, where they can be stopped.
 */
import Database from 'better-sqlite3';
import { toSqliteToolError } from './errors.js';
import type { EngineSource } from '../../contract/engine.js';

export class SqliteDriver {
  #db: Database.Database | undefined;
  /** Our own catalog statements, prepared once per connection (they are run on every classification). */
  readonly #prepared = new Map<string, Database.Statement>();
  readonly file: string;

  constructor(source: EngineSource) {
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
      let stmt = this.#prepared.get(sql);
      if (!stmt) {
        stmt = this.db.prepare(sql);
        if (this.#prepared.size < 64) this.#prepared.set(sql, stmt);
      }
      return stmt.all(...params) as R[];
    } catch (err) {
      throw toSqliteToolError(err, this.file);
    }
  }

  close(): void {
    this.#prepared.clear();
    this.#db?.close();
    this.#db = undefined;
  }
}
