/**
 * verify_backup on PostgreSQL: pg_restore into a scratch database (dba_bk_<random>) created on
 * the configured scratch server or the source's own server, count its rows, and drop it, also
 * after a failure. The source database is never connected to here.
 */
import { randomBytes } from 'node:crypto';
import { ToolError } from '../../../core/errors.js';
import { runProgram, stderrTail } from '../../kit/backups/process.js';
import { ticker } from '../../kit/backups/progress.js';
import type { Logger } from '../../../core/logging.js';
import { BackupDefect, type BackupEnv, type RestoreResult } from '../../contract/backups.js';
import { libpqArgs, pgConnect, pgScratchTarget, withDatabase, type PgTarget } from './conn.js';
import { pgBin } from './dump.js';
import { pgTableCounts } from './tables.js';
import { toPgToolError } from '../core/errors.js';
import type { EngineSource } from '../../contract/engine.js';

export const SCRATCH_PREFIX = 'dba_bk_';

async function createScratch(
  admin: Awaited<ReturnType<typeof pgConnect>>,
  target: PgTarget,
  name: string,
): Promise<void> {
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)} TEMPLATE template0`);
  } catch (err) {
    const mapped = toPgToolError(err, target.where);
    if (mapped.code === 'PERMISSION_DENIED' || mapped.code === 'READ_ONLY_VIOLATION') {
      throw new ToolError(
        'PERMISSION_DENIED',
        `cannot create the scratch database ${name} on ${target.where}: ${mapped.message}`,
        'verify_backup needs a login that may CREATE DATABASE: set backups.scratch_dsn to such a login (it never touches the source).',
        { cause: err },
      );
    }
    throw mapped;
  }
}

async function countRestored(scratch: PgTarget) {
  const client = await pgConnect(scratch, { readOnly: true });
  try {
    return await pgTableCounts(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function pgRestore(
  source: EngineSource,
  file: string,
  env: BackupEnv,
  logger: Logger,
): Promise<RestoreResult> {
  const bin = pgBin('pg_restore');
  const server = pgScratchTarget(env.scratch, source.parsed.normalized);
  const name = `${SCRATCH_PREFIX}${randomBytes(4).toString('hex')}`;
  if (name === source.parsed.database)
    throw new ToolError(
      'INTERNAL',
      'the scratch database name equals the source database',
      'This is a bug in dba-mcp.',
    );
  const admin = await pgConnect(server, { readOnly: false, connectTimeoutMs: source.limits.connect_timeout_ms });
  let created = false;
  try {
    await createScratch(admin, server, name);
    created = true;
    const scratch = withDatabase(server, name);
    const { dbname, env: childEnv } = libpqArgs(scratch, false);
    const progress = ticker(env.progress, undefined);
    const t0 = performance.now();
    const res = await runProgram(
      bin,
      ['--no-owner', '--no-privileges', '--exit-on-error', '--verbose', '--no-password', dbname, file],
      {
        env: childEnv,
        signal: env.signal,
        onStderrLine: (line) => {
          const m = /processing data for table "?([^"]+)"?/.exec(line);
          if (m) progress.tick(`pg_restore: ${m[1]}`);
        },
      },
    );
    const restoreMs = Math.round(performance.now() - t0);
    if (res.code !== 0)
      throw new BackupDefect(
        `${
          stderrTail(
            res.stderr
              .split('\n')
              .filter((l) => !/^pg_restore: (processing|creating|executing|connecting|implied|restoring)/.test(l))
              .join('\n'),
          ) || `exit code ${res.code}`
        }`,
      );
    await progress.done('pg_restore finished; counting rows');
    const tables = await countRestored(scratch);
    return { tables, restoreMs, target: `scratch database ${name} on ${server.where} (dropped)` };
  } finally {
    if (created) {
      await admin
        .query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`)
        .catch((err: Error) =>
          logger.warn(
            { source: source.id, database: name, err: err.message },
            'could not drop the scratch database; drop it by hand',
          ),
        );
    }
    await admin.end().catch(() => {});
  }
}
