/**
 * verify_backup on MySQL/MariaDB: the dump, checked to stay inside one schema, is fed to the
 * mariadb/mysql client into a scratch schema dba_bk_<random> on the scratch server (or the
 * source's), its rows counted, and the schema dropped, also after a failure.
 */
import { randomBytes } from 'node:crypto';
import { ToolError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logging.js';
import { runProgram, stderrTail } from '../../kit/backups/process.js';
import { ticker } from '../../kit/backups/progress.js';
import { BackupDefect, type BackupEnv, type RestoreResult } from '../../contract/backups.js';
import type mysql from 'mysql2/promise';
import { clientArgs, clientBin, mysqlConnect, scratchTargetOf, type MysqlTarget } from './conn.js';
import { completion, schemaEscape } from './file.js';
import { mysqlTableCounts } from './tables.js';
import { redactorFor } from '../core/connect.js';
import { toMysqlToolError } from '../core/errors.js';
import type { EngineSource } from '../../contract/engine.js';

export const SCRATCH_PREFIX = 'dba_bk_';

async function checkDumpFile(file: string): Promise<void> {
  const done = completion(file);
  if (!done.ok) throw new BackupDefect(done.message);
  const escape = await schemaEscape(file);
  if (escape)
    throw new BackupDefect(
      `the dump would not stay in the scratch schema, so dba-mcp does not restore it (a dump made with --databases, or objects created with a database name): ${escape}`,
    );
}

const sandbox = new Map<string, Promise<string[]>>();

/** MariaDB's client (10.5.25+, 10.6.18+, 10.11.8+) refuses file-system commands with --sandbox. */
function sandboxFlag(bin: string): Promise<string[]> {
  let found = sandbox.get(bin);
  if (!found) {
    found = runProgram(bin, ['--no-defaults', '--help']).then(
      (r) => (/--sandbox\b/.test(r.stdout) ? ['--sandbox'] : []),
      () => [],
    );
    sandbox.set(bin, found);
  }
  return found;
}

async function createScratch(
  source: EngineSource,
  target: MysqlTarget,
  name: string,
  redact: (s: string) => string,
): Promise<mysql.Connection> {
  let admin: mysql.Connection | undefined;
  try {
    admin = await mysqlConnect(source, target);
    await admin.query(`CREATE DATABASE ${admin.escapeId(name)}`);
    return admin;
  } catch (err) {
    await admin?.end().catch(() => admin?.destroy());
    const mapped = toMysqlToolError(err, { where: target.where, redact });
    if (mapped.code === 'PERMISSION_DENIED')
      throw new ToolError(
        'PERMISSION_DENIED',
        `cannot create the scratch schema ${name} on ${target.where}: ${mapped.message}`,
        'verify_backup needs a login that may create and drop dba_bk_% databases: set backups.scratch_dsn to one (GRANT ALL ON `dba\\_bk\\_%`.* TO ...); it never touches the source.',
        { cause: err },
      );
    throw mapped;
  }
}

export async function mysqlRestore(
  source: EngineSource,
  file: string,
  env: BackupEnv,
  logger: Logger,
): Promise<RestoreResult> {
  const bin = clientBin();
  const target = scratchTargetOf(source, env.scratch);
  const redact = redactorFor(source);
  const name = `${SCRATCH_PREFIX}${randomBytes(4).toString('hex')}`;
  if (name === source.parsed.database)
    throw new ToolError('INTERNAL', 'the scratch schema name equals the source database', 'This is a bug in dba-mcp.');
  await checkDumpFile(file);
  const admin = await createScratch(source, target, name, redact);
  try {
    const { args, env: childEnv } = clientArgs(target);
    const progress = ticker(env.progress, undefined);
    const t0 = performance.now();
    // --binary-mode: no client commands (\! shell, source, connect, tee, \u) from the file; --sandbox too where the client has it.
    const res = await runProgram(
      bin,
      [...args, '--batch', '--binary-mode', ...(await sandboxFlag(bin)), `--database=${name}`],
      { env: childEnv, signal: env.signal, stdinFile: file },
    );
    const restoreMs = Math.round(performance.now() - t0);
    if (res.code !== 0)
      throw new BackupDefect(`the mariadb client: ${redact(stderrTail(res.stderr, 3)) || `exit code ${res.code}`}`);
    await progress.done('restored; counting rows');
    const tables = await mysqlTableCounts(admin, name);
    return { tables, restoreMs, target: `scratch schema ${name} on ${target.where} (dropped)` };
  } finally {
    await admin
      .query(`DROP DATABASE IF EXISTS ${admin.escapeId(name)}`)
      .catch((err: Error) =>
        logger.warn(
          { source: source.id, schema: name, err: redact(err.message) },
          'could not drop the scratch schema; drop it by hand',
        ),
      );
    await admin.end().catch(() => admin.destroy());
  }
}
