/** SQLite file health: quick_check, free pages (fragmentation), WAL size, duplicate indexes. */
import fs from 'node:fs';
import type { HealthCheck } from '../../contract/health.js';
import { ok, pct, plural } from '../../kit/health/judge.js';
import { overlapFinding, type TableIndexes } from '../../kit/health/index-findings.js';
import type { SqliteDriver } from '../core/driver.js';
import { SqliteIntrospector } from '../core/introspector.js';

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
export const sqliteDropIndex = (schema: string, _table: string, index: string) =>
  `DROP INDEX ${schema && schema !== 'main' ? `${ident(schema)}.` : ''}${ident(index)};`;

/** At most this many problems are listed by quick_check. */
const QUICK_CHECK_MAX = 20;

export function quickCheck(driver: SqliteDriver): HealthCheck {
  return async () => {
    const rows = driver.all<{ quick_check: string }>(`PRAGMA quick_check(${QUICK_CHECK_MAX})`);
    const problems = rows.map((r) => r.quick_check).filter((m) => m !== 'ok');
    if (problems.length === 0) return ok('PRAGMA quick_check: ok');
    return {
      status: 'fail',
      message: `PRAGMA quick_check found ${plural(problems.length, 'problem')}${problems.length >= QUICK_CHECK_MAX ? ' (or more)' : ''}: ${problems.slice(0, 3).join('; ')}`,
      evidence: { problems },
      fix: "The file is damaged: stop writers, copy the file, restore the last good backup (verify_backup), or salvage with the sqlite3 shell's .recover into a new file. Run PRAGMA integrity_check for the full list.",
    };
  };
}

export function freelist(driver: SqliteDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const [r] = driver.all<{ pages: number; free: number; page_size: number; auto_vacuum: number }>(
      'SELECT p.page_count AS pages, f.freelist_count AS free, s.page_size AS page_size, a.auto_vacuum AS auto_vacuum FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() s, pragma_auto_vacuum() a',
    );
    const freePct = pct(r!.free, r!.pages);
    const evidence = {
      page_count: r!.pages,
      freelist_count: r!.free,
      page_size: r!.page_size,
      free_bytes: r!.free * r!.page_size,
      free_pct: freePct,
      auto_vacuum: ['none', 'full', 'incremental'][r!.auto_vacuum] ?? r!.auto_vacuum,
    };
    if (freePct < t.sqlite_freelist_pct) return ok(`${freePct}% of the file's pages are free`, evidence);
    return {
      status: 'warn',
      message: `${freePct}% of the file's pages are free (${Math.round(evidence.free_bytes / 1024)} KB): deleted data left the file fragmented and larger than it needs to be`,
      evidence,
      fix: 'VACUUM rebuilds the file compactly (needs free disk space about the size of the file, and an exclusive lock while it runs); or PRAGMA auto_vacuum = INCREMENTAL (set before a VACUUM) with PRAGMA incremental_vacuum.',
    };
  };
}

export function wal(driver: SqliteDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const [r] = driver.all<{ mode: string }>('SELECT journal_mode AS mode FROM pragma_journal_mode()');
    if (r?.mode !== 'wal')
      return ok(`journal mode ${r?.mode ?? 'unknown'} (no WAL file)`, { journal_mode: r?.mode ?? null });
    let bytes = 0;
    try {
      bytes = fs.statSync(`${driver.file}-wal`).size;
    } catch {
      bytes = 0; // no WAL file right now: checkpointed and removed
    }
    const evidence = {
      journal_mode: 'wal',
      wal_file: `${driver.file}-wal`,
      wal_bytes: bytes,
      threshold_mb: t.sqlite_wal_mb,
    };
    if (bytes < t.sqlite_wal_mb * 1024 * 1024) return ok(`WAL file ${Math.round(bytes / 1024)} KB`, evidence);
    return {
      status: 'warn',
      message: `the WAL file is ${Math.round(bytes / 1024 / 1024)} MB: checkpoints are not keeping up (a long-lived reader keeps them from completing, or wal_autocheckpoint is off)`,
      evidence,
      fix: 'Find the reader that never closes its transaction; run PRAGMA wal_checkpoint(TRUNCATE) when no one reads; keep wal_autocheckpoint on (default 1000 pages).',
    };
  };
}

export function duplicateIndexes(driver: SqliteDriver): HealthCheck {
  return async () => {
    const introspector = new SqliteIntrospector(driver);
    const details = introspector.describeTables(introspector.listTables().filter((t) => t.kind === 'table'));
    const sqlOf = new Map(
      driver
        .all<{ name: string; sql: string | null }>(`SELECT name, sql FROM sqlite_schema WHERE type = 'index'`)
        .map((r) => [r.name, r.sql]),
    );
    const tables: TableIndexes[] = details.map((d) => ({
      schema: d.schema,
      table: d.name,
      indexes: d.indexes.map((i) => ({
        ...i,
        definition:
          sqlOf.get(i.name) ??
          `${i.primary ? 'PRIMARY KEY' : i.unique ? 'UNIQUE' : 'INDEX'} ${i.name} (${i.columns.join(', ')}) (automatic)`,
        size_bytes: null,
      })),
    }));
    return overlapFinding(tables, sqliteDropIndex);
  };
}
