/**
 * Runs one approved (or dry-run) change on a fresh read-write connection of its own, never the
 * read-only pool: BEGIN; the statement (extended protocol: one statement only); COMMIT, or
 * ROLLBACK for a dry run. statement_timeout bounds it.
 */
import pg from 'pg';
import type { ChangeOptions, ChangeResult, EngineSource } from '../../contract/engine.js';
import { toPgToolError } from './errors.js';

export async function executePgChange(
  source: EngineSource,
  where: string,
  sql: string,
  opts: ChangeOptions,
): Promise<ChangeResult> {
  const client = new pg.Client({
    connectionString: source.parsed.normalized,
    application_name: 'dba-mcp-change',
    connectionTimeoutMillis: source.limits.connect_timeout_ms,
  });
  client.on('error', () => {}); // a dropped connection must not crash the process; the query rejects
  let open = false;
  try {
    await client.connect();
    await client.query(`SET statement_timeout = ${Math.max(1, Math.round(opts.timeoutMs))}`);
    await client.query('BEGIN');
    open = true;
    const res = await client.query({ text: sql, queryMode: 'extended' } as pg.QueryConfig);
    await client.query(opts.dryRun ? 'ROLLBACK' : 'COMMIT');
    open = false;
    return {
      rowsAffected: typeof res.rowCount === 'number' ? res.rowCount : null,
      dryRun: opts.dryRun ? 'rolled-back' : null,
    };
  } catch (err) {
    if (open) await client.query('ROLLBACK').catch(() => {});
    throw toPgToolError(err, where);
  } finally {
    await client.end().catch(() => {});
  }
}
