/**
 * Running SQLite migration steps on a read-write connection opened for them (the engine's own
 * connections are read-only). The dry run lives in migration-dry-run.ts (a child process, so it
 * can be bounded). busy_timeout is SQLite's lock timeout; there is no statement timeout.
 */
import Database from 'better-sqlite3';
import type { HistoryRow, RunnableStep, StepDraft, StepOutcome, StepTimeouts } from '../../contract/migrations.js';
import { toSqliteToolError } from '../core/errors.js';
import { runSteps } from '../../kit/migrations/run-steps.js';

export const SQLITE_HISTORY_TABLE = 'dba_mcp_migrations';

export function composeSqlite(step: StepDraft, t: StepTimeouts): string[] {
  const busy = `PRAGMA busy_timeout = ${Math.max(1, Math.round(t.lock_timeout_ms))}`;
  return step.transactional ? [busy, 'BEGIN IMMEDIATE', ...step.body, 'COMMIT'] : [busy, ...step.body];
}

/** Runs one statement; PRAGMA foreign_key_check fails when it returns rows. */
function run(db: Database.Database, sql: string): number | null {
  const stmt = db.prepare(sql);
  if (stmt.reader) {
    const rows = stmt.all();
    if (/^\s*pragma\s+foreign_key_check\b/i.test(sql) && rows.length)
      throw new Error(
        `foreign_key_check found ${rows.length} row(s) whose parent is missing, e.g. ${JSON.stringify(rows[0])}`,
      );
    return null;
  }
  const res = stmt.run();
  return /^\s*(insert|update|delete|replace)\b/i.test(sql) ? res.changes : null;
}

export async function applySqlite(
  file: string,
  steps: readonly RunnableStep[],
  onStep: (s: StepOutcome) => void,
): Promise<StepOutcome[]> {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 5_000 });
  } catch (err) {
    throw toSqliteToolError(err, file);
  }
  try {
    return await runSteps(
      steps,
      {
        run: (sql) => run(db, sql),
        recover: (step) => {
          if (db.inTransaction) db.exec('ROLLBACK');
          if (step.statements.some((x) => /^pragma\s+foreign_keys\s*=\s*off/i.test(x))) db.pragma('foreign_keys = ON');
        },
        error: (err) => toSqliteToolError(err, file),
      },
      onStep,
    );
  } finally {
    db.close();
  }
}

export function recordSqliteHistory(file: string, row: HistoryRow): void {
  const db = new Database(file, { fileMustExist: true, timeout: 5_000 });
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS ${SQLITE_HISTORY_TABLE} (id TEXT PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, steps TEXT NOT NULL,
      requested_by TEXT, approved_by TEXT, started TEXT NOT NULL, finished TEXT, outcome TEXT NOT NULL)`);
    db.prepare(
      `INSERT INTO ${SQLITE_HISTORY_TABLE} (id, name, sha256, steps, requested_by, approved_by, started, finished, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET finished = excluded.finished, outcome = excluded.outcome`,
    ).run(
      row.id,
      row.name,
      row.sha256,
      row.steps,
      row.requested_by,
      row.approved_by,
      row.started.toISOString(),
      row.finished?.toISOString() ?? null,
      row.outcome,
    );
  } catch (err) {
    throw toSqliteToolError(err, file);
  } finally {
    db.close();
  }
}
