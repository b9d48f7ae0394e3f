/**
 * create_backup on PostgreSQL: pg_dump in custom format. Our own read-only REPEATABLE READ
 * transaction exports its snapshot; the row counts are taken in it and pg_dump dumps that very
 * snapshot (--snapshot), so the manifest's counts are exactly what the dump holds.
 */
import type pg from 'pg';
import { PG_BINARY_ROOTS, PG_INSTALL, requireBinary } from '../../kit/backups/binaries.js';
import { programError, runProgram } from '../../kit/backups/process.js';
import { ticker } from '../../kit/backups/progress.js';
import { ToolError } from '../../../core/errors.js';
import { toPgToolError } from '../core/errors.js';
import type { BackupEnv, DumpResult } from '../../contract/backups.js';
import { libpqArgs, pgConnect, pgTarget, type PgTarget } from './conn.js';
import { pgTableCounts } from './tables.js';
import type { EngineSource } from '../../contract/engine.js';

export const pgBin = (name: string) =>
  requireBinary({ names: [name], versionedRoots: PG_BINARY_ROOTS, install: PG_INSTALL });

export async function programVersion(bin: string): Promise<string> {
  const res = await runProgram(bin, ['--version']);
  return res.stdout.trim().split('\n')[0] ?? bin;
}

export async function pgDump(source: EngineSource, file: string, env: BackupEnv): Promise<DumpResult> {
  const bin = pgBin('pg_dump');
  const target = pgTarget(source.parsed.normalized);
  const client = await pgConnect(target, { readOnly: true, connectTimeoutMs: source.limits.connect_timeout_ms });
  // a cancelled call stops the counts too (a count waiting on a lock, a long count)
  const onAbort = () => void cancelBackend(target, client);
  env.signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (env.signal.aborted)
      throw new ToolError(
        'QUERY_CANCELLED',
        'the call was cancelled by the client',
        'Nothing was kept. Call the tool again when you want it.',
      );
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // A table another session has locked must not hold the call (and this session) forever.
    const lockWaitMs = Math.floor(source.limits.statement_timeout_ms);
    await client.query(`SET LOCAL lock_timeout = ${lockWaitMs}`);
    const snapshot = (await client.query<{ s: string }>('SELECT pg_export_snapshot() AS s')).rows[0]!.s;
    const tables = await pgTableCounts(client).catch((err: unknown) => {
      throw (err as { code?: string }).code === '55P03' ? lockTimeout(err, lockWaitMs) : err;
    });
    const progress = ticker(env.progress, tables.length);
    const { dbname, env: childEnv } = libpqArgs(target, true);
    const args = [
      '--format=custom',
      `--snapshot=${snapshot}`,
      `--lock-wait-timeout=${lockWaitMs}`,
      `--file=${file}`,
      '--verbose',
      '--no-password',
      dbname,
    ];
    const res = await runProgram(bin, args, {
      env: childEnv,
      signal: env.signal,
      onStderrLine: (line) => {
        const m = /dumping contents of table "?([^"]+)"?/.exec(line);
        if (m) progress.tick(`pg_dump: ${m[1]}`);
      },
    });
    if (res.code !== 0)
      throw /could not obtain lock|lock timeout/i.test(res.stderr)
        ? lockTimeout(programError('pg_dump', res), lockWaitMs)
        : programError('pg_dump', res);
    await progress.done(`pg_dump: ${tables.length} tables dumped`);
    return { tool: await programVersion(bin), tables, countsFrom: 'the snapshot pg_dump dumped (--snapshot)' };
  } catch (err) {
    if (env.signal.aborted && !(err instanceof ToolError))
      throw new ToolError(
        'QUERY_CANCELLED',
        'the call was cancelled by the client; the row counts were stopped',
        'Nothing was kept. Call the tool again when you want it.',
        { cause: err },
      );
    throw toPgToolError(err, target.where);
  } finally {
    env.signal.removeEventListener('abort', onAbort);
    await client.query('ROLLBACK').catch(() => {});
    await client.end().catch(() => {});
  }
}

function lockTimeout(err: unknown, ms: number): ToolError {
  return new ToolError(
    'QUERY_TIMEOUT',
    `create_backup waited ${ms} ms for a table lock another session holds: ${(err as Error).message}`,
    "Another session holds a lock on a table (check_health's blocking check shows who). Try again when it is released, or raise limits.statement_timeout_ms (the longest create_backup waits for a lock).",
    { cause: err },
  );
}

/** pg_cancel_backend of `client`'s backend, from a connection of its own. */
async function cancelBackend(target: PgTarget, client: pg.Client): Promise<void> {
  const pid = (client as unknown as { processID?: number }).processID;
  if (!pid) return;
  const canceller = await pgConnect(target, { readOnly: true }).catch(() => undefined);
  await canceller?.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => {});
  await canceller?.end().catch(() => {});
}
