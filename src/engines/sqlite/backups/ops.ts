import type { BackupCheck, BackupOps } from '../../contract/backups.js';
import type { EngineDeps, EngineSource } from '../../contract/engine.js';
import type { SqliteDriver } from '../core/driver.js';
import { inspectFile, MAGIC, sqliteDump, sqliteRestore } from './file.js';

function journalCheck(driver: SqliteDriver): BackupCheck {
  const mode = String(driver.all<{ journal_mode: string }>('PRAGMA journal_mode')[0]?.journal_mode ?? 'unknown');
  const evidence = { journal_mode: mode };
  if (mode === 'off' || mode === 'memory')
    return {
      id: 'journal_mode',
      status: 'warn',
      message: `journal_mode is ${mode}: a crash or power cut during a write can corrupt the database`,
      evidence,
      fix: 'PRAGMA journal_mode = WAL (or DELETE).',
    };
  const note =
    mode === 'wal'
      ? ': never copy the .db file alone (the -wal file holds recent commits); create_backup uses the online backup API, which includes them'
      : '';
  return { id: 'journal_mode', status: 'ok', message: `journal_mode is ${mode}${note}`, evidence };
}

/** The sqlite side of check_backups / create_backup / verify_backup (#8). */
export function createBackups(driver: SqliteDriver, _source: EngineSource, _deps: EngineDeps): BackupOps | undefined {
  return {
    format: 'SQLite database file (online backup API)',
    extension: '.db',
    isBackupFile: (head) => head.subarray(0, MAGIC.length).equals(MAGIC),
    readinessChecks: async () => [journalCheck(driver)],
    inspect: async (file) => inspectFile(file),
    dump: (file, env) => sqliteDump(driver.file, file, env),
    restore: (file) => sqliteRestore(file),
  };
}
