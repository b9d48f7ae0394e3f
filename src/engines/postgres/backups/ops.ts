import { runProgram, stderrTail } from '../../kit/backups/process.js';
import type { BackupEnv, BackupOps, Evidence } from '../../contract/backups.js';
import type { EngineDeps, EngineSource } from '../../contract/engine.js';
import type { PgDriver } from '../core/driver.js';
import { pgReadinessChecks } from './checks.js';
import { pgBin, pgDump } from './dump.js';
import { pgRestore } from './restore.js';

/** A pg_dump custom-format archive starts with these bytes. */
const MAGIC = Buffer.from('PGDMP');

/** `pg_restore --list` reads the archive's header and table of contents (not the data: a restore proves that). */
async function inspectDump(
  file: string,
  env: BackupEnv,
): Promise<{ ok: boolean; message: string; evidence: Evidence }> {
  const res = await runProgram(pgBin('pg_restore'), ['--list', file], { signal: env.signal });
  if (res.code !== 0)
    return {
      ok: false,
      message: `pg_restore --list cannot read it: ${stderrTail(res.stderr, 3)}`,
      evidence: { pg_restore_list: stderrTail(res.stderr, 3) },
    };
  const header = (key: string) => new RegExp(`^;\\s*${key}:\\s*(.+)$`, 'm').exec(res.stdout)?.[1]?.trim() ?? null;
  const evidence = {
    toc_entries: Number(header('TOC Entries') ?? NaN) || null,
    dumped_from: header('Dumped from database version'),
    dumped_by: header('Dumped by pg_dump version'),
    archive_created: header('Archive created at'),
  };
  return {
    ok: true,
    message: `pg_restore --list reads its table of contents (${evidence.toc_entries} entries, from PostgreSQL ${evidence.dumped_from})`,
    evidence,
  };
}

/** The postgres side of check_backups / create_backup / verify_backup (#8). */
export function createBackups(driver: PgDriver, source: EngineSource, deps: EngineDeps): BackupOps | undefined {
  return {
    format: 'pg_dump custom format',
    extension: '.dump',
    isBackupFile: (head) => head.subarray(0, MAGIC.length).equals(MAGIC),
    readinessChecks: (env) => pgReadinessChecks(driver, env),
    inspect: inspectDump,
    dump: (file, env) => pgDump(source, file, env),
    restore: (file, env) => pgRestore(source, file, env, deps.logger),
  };
}
