/**
 * Runs one approved (or dry-run) change on a fresh connection of its own (never the read-only
 * pool; single-statement protocol). DML runs in START TRANSACTION ... COMMIT, or ROLLBACK for a
 * dry run. DDL commits implicitly in MySQL and MariaDB, so it cannot be dry-run: it is not run.
 */
import mysql from 'mysql2/promise';
import type { ResultSetHeader } from 'mysql2/promise';
import type { ChangeOptions, ChangeResult, EngineSource } from '../../contract/engine.js';
import { connectionOptions, endpointOf, redactorFor } from './connect.js';
import { toMysqlToolError } from './errors.js';
import { parseVersion, timeoutStatement } from './session.js';

export const DDL_DRY_RUN_NOTE = 'MySQL DDL commits implicitly and cannot be rolled back, so it was not dry-run';

export async function executeMysqlChange(
  source: EngineSource,
  sql: string,
  opts: ChangeOptions,
): Promise<ChangeResult> {
  const ddl = opts.classification.class === 'ddl';
  if (ddl && opts.dryRun) return { rowsAffected: null, dryRun: 'not-possible', note: DDL_DRY_RUN_NOTE };
  const errorContext = { where: endpointOf(source).where, redact: redactorFor(source), sql, timeoutMs: opts.timeoutMs };
  let conn: mysql.Connection | undefined;
  let open = false;
  try {
    conn = await mysql.createConnection(connectionOptions(source));
    (conn as unknown as { connection: NodeJS.EventEmitter }).connection.on('error', () => {});
    const [rows] = await conn.query('SELECT VERSION() AS v');
    const { variant } = parseVersion(String((rows as { v?: unknown }[])[0]?.v ?? ''));
    await conn.query(timeoutStatement(variant, opts.timeoutMs)).catch(() => {}); // MySQL < 5.7.8: no limit
    if (!ddl) {
      await conn.query('START TRANSACTION');
      open = true;
    }
    const [result] = await conn.query(sql);
    const header = Array.isArray(result) ? undefined : (result as ResultSetHeader);
    if (open) {
      await conn.query(opts.dryRun ? 'ROLLBACK' : 'COMMIT');
      open = false;
    }
    return {
      rowsAffected: header && typeof header.affectedRows === 'number' ? header.affectedRows : null,
      dryRun: opts.dryRun ? 'rolled-back' : null,
    };
  } catch (err) {
    if (open) await conn?.query('ROLLBACK').catch(() => {});
    throw toMysqlToolError(err, errorContext);
  } finally {
    await conn?.end().catch(() => conn?.destroy());
  }
}
