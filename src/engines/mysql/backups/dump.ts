/**
 * create_backup on MySQL/MariaDB: mariadb-dump (or mysqldump) --single-transaction of the DSN's
 * database, without CREATE DATABASE or USE (so it restores into whatever schema is chosen). The
 * row counts come from our own consistent-snapshot read-only transaction opened just before.
 */
import type { Logger } from '../../../core/logging.js';
import { ToolError } from '../../../core/errors.js';
import { programError, runProgram } from '../../kit/backups/process.js';
import { ticker } from '../../kit/backups/progress.js';
import type { BackupEnv, DumpResult } from '../../contract/backups.js';
import { clientArgs, dumpBin, mysqlConnect, targetOf } from './conn.js';
import { mysqlTableCounts } from './tables.js';
import { killQuery, redactorFor } from '../core/connect.js';
import { toMysqlToolError } from '../core/errors.js';
import type { EngineSource } from '../../contract/engine.js';

const silent = { warn: () => {} } as unknown as Logger;

async function countInSnapshot(source: EngineSource, database: string, signal: AbortSignal) {
  const t = targetOf(source);
  const conn = await mysqlConnect(source, t, database);
  // a cancelled call stops the counts too (a count waiting on a lock, a long count)
  const onAbort = () => void killQuery(source, conn.threadId, silent);
  signal.addEventListener('abort', onAbort, { once: true });
  // A table another session has locked must not hold the call (and this session) forever.
  const lockWaitS = Math.max(1, Math.ceil(source.limits.statement_timeout_ms / 1000));
  try {
    await conn.query(`SET SESSION lock_wait_timeout = ${lockWaitS}`);
    await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    return await mysqlTableCounts(conn, database);
  } catch (err) {
    if (signal.aborted)
      throw new ToolError(
        'QUERY_CANCELLED',
        'the call was cancelled by the client; the row counts were stopped',
        'Nothing was kept. Call the tool again when you want it.',
        { cause: err },
      );
    if ((err as { errno?: number }).errno !== 1205) throw err;
    throw new ToolError(
      'QUERY_TIMEOUT',
      `create_backup waited ${lockWaitS} s for a table lock another session holds: ${(err as Error).message}`,
      "Another session holds a lock on a table (LOCK TABLES, or DDL; check_health's lock_waits check shows who). Try again when it is released, or raise limits.statement_timeout_ms (the longest create_backup waits for a lock).",
      { cause: err },
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
    await conn.query('ROLLBACK').catch(() => {});
    await conn.end().catch(() => conn.destroy());
  }
}

export async function mysqlDump(source: EngineSource, file: string, env: BackupEnv): Promise<DumpResult> {
  const database = source.parsed.database;
  if (!database)
    throw new ToolError(
      'INVALID_ARGUMENT',
      'the DSN names no database: create_backup dumps the one database the DSN names',
      'Add the database to the DSN path: mysql://user@host:3306/shop.',
    );
  const bin = dumpBin();
  const redact = redactorFor(source);
  let tables;
  try {
    tables = await countInSnapshot(source, database, env.signal);
  } catch (err) {
    throw toMysqlToolError(err, { where: targetOf(source).where, redact });
  }
  const { args, env: childEnv } = clientArgs(targetOf(source));
  const progress = ticker(env.progress, tables.length);
  const res = await runProgram(
    bin,
    [
      ...args,
      '--single-transaction',
      '--no-create-db',
      '--no-tablespaces',
      '--hex-blob',
      '--triggers',
      '--verbose',
      `--result-file=${file}`,
      '--',
      database,
    ],
    {
      env: childEnv,
      signal: env.signal,
      onStderrLine: (line) => {
        const m = /Retrieving table structure for table (.+?)\.\.\./.exec(line);
        if (m) progress.tick(`dump: ${m[1]}`);
      },
    },
  );
  if (res.code !== 0) throw programError('mariadb-dump', res, redact);
  await progress.done(`dump: ${tables.length} tables dumped`);
  const version = (await runProgram(bin, ['--version'])).stdout.trim();
  return {
    tool: version || bin,
    tables,
    countsFrom:
      'a consistent-snapshot transaction opened just before the dump (writes in between would show as differences)',
  };
}
