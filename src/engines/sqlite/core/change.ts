/**
 * Runs one approved (or dry-run) change on a read-write connection opened for it (the engine's
 * own connections are read-only): BEGIN IMMEDIATE; the statement; COMMIT, or ROLLBACK for a dry
 * run. SQLite's DDL is transactional, so DDL is dry-run too. Preparing refuses a second statement.
 */
import Database from 'better-sqlite3';
import type { ChangeOptions, ChangeResult } from '../../contract/engine.js';
import { toSqliteToolError } from './errors.js';

export function executeSqliteChange(file: string, sql: string, opts: ChangeOptions): ChangeResult {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: Math.min(opts.timeoutMs, 10_000) });
    const stmt = db.prepare(sql);
    db.exec('BEGIN IMMEDIATE');
    try {
      let changes: number;
      if (stmt.reader) {
        stmt.all(); // a write with RETURNING
        changes = (db.prepare('SELECT changes() AS n').get() as { n: number }).n;
      } else {
        changes = stmt.run().changes;
      }
      db.exec(opts.dryRun ? 'ROLLBACK' : 'COMMIT');
      const ddl = opts.classification.class === 'ddl' || /^\s*(create|drop|alter)\b/i.test(sql);
      return { rowsAffected: ddl ? null : changes, dryRun: opts.dryRun ? 'rolled-back' : null };
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw err;
    }
  } catch (err) {
    throw toSqliteToolError(err, file);
  } finally {
    db?.close();
  }
}
