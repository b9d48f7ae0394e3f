/**
 * SQLite backup files: made with the online backup API (a consistent copy even while others
 * write, WAL included), checked with PRAGMA integrity_check, counted table by table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ticker } from '../../kit/backups/progress.js';
import {
  BackupDefect,
  type BackupEnv,
  type DumpResult,
  type Evidence,
  type RestoreResult,
  type TableCount,
} from '../../contract/backups.js';
import { toSqliteToolError } from '../core/errors.js';

export const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

const TABLES = `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`;

export function sqliteTableCounts(db: Database.Database): TableCount[] {
  const names = db.prepare(TABLES).pluck().all() as string[];
  return names.map((name) => ({
    table: name,
    rows: Number(
      db
        .prepare(`SELECT count(*) FROM "${name.replace(/"/g, '""')}"`)
        .pluck()
        .get(),
    ),
  }));
}

/** integrity_check's verdict: 'ok', or its first complaints. */
function integrity(db: Database.Database): { ok: boolean; problems: string[] } {
  const rows = db.prepare('PRAGMA integrity_check(20)').pluck().all() as string[];
  return { ok: rows.length === 1 && rows[0] === 'ok', problems: rows.filter((r) => r !== 'ok') };
}

/** A read-only look at a backup file: can SQLite open it, and does integrity_check pass? */
export function inspectFile(file: string): { ok: boolean; message: string; evidence: Evidence } {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const check = integrity(db);
    const pages = Number(db.pragma('page_count', { simple: true }));
    if (!check.ok)
      return {
        ok: false,
        message: `PRAGMA integrity_check: ${check.problems.slice(0, 3).join('; ')}`,
        evidence: { integrity_check: check.problems.slice(0, 3).join('; '), page_count: pages },
      };
    return {
      ok: true,
      message: `PRAGMA integrity_check says ok (${pages} pages)`,
      evidence: { integrity_check: 'ok', page_count: pages },
    };
  } catch (err) {
    return {
      ok: false,
      message: `SQLite cannot read it: ${(err as Error).message}`,
      evidence: { error: (err as Error).message },
    };
  } finally {
    db?.close();
  }
}

export async function sqliteDump(sourceFile: string, file: string, env: BackupEnv): Promise<DumpResult> {
  let src: Database.Database;
  try {
    src = new Database(sourceFile, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw toSqliteToolError(err, sourceFile);
  }
  try {
    let progress: ReturnType<typeof ticker> | undefined;
    await src.backup(file, {
      progress({ totalPages, remainingPages }) {
        progress ??= ticker(env.progress, totalPages);
        progress.tick(`${totalPages - remainingPages} of ${totalPages} pages copied`);
        return 256;
      },
    });
    await progress?.done('backup complete');
    const version = src.prepare('SELECT sqlite_version()').pluck().get() as string;
    const copy = new Database(file, { readonly: true });
    try {
      return {
        tool: `SQLite ${version} online backup API (better-sqlite3)`,
        tables: sqliteTableCounts(copy),
        countsFrom: 'the finished copy (the backup API copies one consistent state)',
      };
    } finally {
      copy.close();
    }
  } catch (err) {
    throw toSqliteToolError(err, sourceFile);
  } finally {
    src.close();
  }
}

/** A copy of the backup in a temporary folder, opened, checked and counted, then removed. */
export async function sqliteRestore(file: string): Promise<RestoreResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba_bk_'));
  const copy = path.join(dir, 'restore.db');
  let db: Database.Database | undefined;
  try {
    const t0 = performance.now();
    fs.copyFileSync(file, copy);
    let tables: TableCount[];
    try {
      db = new Database(copy, { fileMustExist: true });
      const check = integrity(db);
      if (!check.ok) throw new BackupDefect(`PRAGMA integrity_check: ${check.problems.slice(0, 3).join('; ')}`);
      const restoreMs = Math.round(performance.now() - t0);
      tables = sqliteTableCounts(db);
      return { tables, restoreMs, target: `temporary file ${copy} (removed)` };
    } catch (err) {
      if (err instanceof BackupDefect) throw err;
      throw new BackupDefect(`SQLite cannot read it: ${(err as Error).message}`);
    }
  } finally {
    db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
