/**
 * create_backup on PostgreSQL: pg_dump in custom format. Our own read-only REPEATABLE READ
 * transaction exports its snapshot; the row counts are taken in it and pg_dump dumps that very
 * snapshot (--snapshot), so the manifest's counts are exactly what the dump holds.
 */
import type { ResolvedSource } from '../../config/load.js';
import { PG_BINARY_ROOTS, PG_INSTALL, requireBinary } from '../../backups/binaries.js';
import { programError, runProgram } from '../../backups/process.js';
import { ticker } from '../../backups/progress.js';
import { toPgToolError } from './errors.js';
import type { BackupEnv, DumpResult } from '../backup-types.js';
import { libpqArgs, pgConnect, pgTarget } from './backup-conn.js';
import { pgTableCounts } from './backup-tables.js';

export const pgBin = (name: string) => requireBinary({ names: [name], versionedRoots: PG_BINARY_ROOTS, install: PG_INSTALL });

export async function programVersion(bin: string): Promise<string> {
  const res = await runProgram(bin, ['--version']);
  return res.stdout.trim().split('\n')[0] ?? bin;
}

export async function pgDump(source: ResolvedSource, file: string, env: BackupEnv): Promise<DumpResult> {
  const bin = pgBin('pg_dump');
  const target = pgTarget(source.parsed.normalized);
  const client = await pgConnect(target, { readOnly: true, connectTimeoutMs: source.limits.connect_timeout_ms });
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await client.query<{ s: string }>('SELECT pg_export_snapshot() AS s')).rows[0]!.s;
    const tables = await pgTableCounts(client);
    const progress = ticker(env.progress, tables.length);
    const { dbname, env: childEnv } = libpqArgs(target, true);
    const args = ['--format=custom', `--snapshot=${snapshot}`, `--file=${file}`, '--verbose', '--no-password', dbname];
    const res = await runProgram(bin, args, {
      env: childEnv,
      signal: env.signal,
      onStderrLine: (line) => {
        const m = /dumping contents of table "?([^"]+)"?/.exec(line);
        if (m) progress.tick(`pg_dump: ${m[1]}`);
      },
    });
    if (res.code !== 0) throw programError('pg_dump', res);
    await progress.done(`pg_dump: ${tables.length} tables dumped`);
    return { tool: await programVersion(bin), tables, countsFrom: 'the snapshot pg_dump dumped (--snapshot)' };
  } catch (err) {
    throw toPgToolError(err, target.where);
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.end().catch(() => {});
  }
}
