/**
 * How the libpq programs (pg_dump, pg_restore, pg_verifybackup) and our own short-lived
 * connections reach a server for backups: the DSN without its password on the command line, the
 * password only in PGPASSWORD, never a shell.
 */
import pg from 'pg';
import type { ParsedDsn } from '../../contract/engine.js';
import { ToolError } from '../../../core/errors.js';
import { toPgToolError } from '../core/errors.js';

export interface PgTarget {
  /** A normalized postgres:// URL (with the password, for pg.Client only). */
  url: string;
  /** host:port, for messages. */
  where: string;
}

export function pgTarget(url: string): PgTarget {
  const u = new URL(url);
  return { url, where: `${u.hostname || 'localhost'}:${u.port || 5432}` };
}

/** The scratch server's DSN, checked: it must be a PostgreSQL DSN. */
export function pgScratchTarget(parsed: ParsedDsn | undefined, sourceUrl: string): PgTarget {
  if (!parsed) return pgTarget(sourceUrl);
  if (parsed.engine !== 'postgres')
    throw new ToolError(
      'INVALID_ARGUMENT',
      `backups.scratch_dsn must be a postgres:// DSN for a PostgreSQL source, not ${parsed.scheme}://`,
      'Point scratch_dsn at a PostgreSQL server where the login may CREATE DATABASE.',
    );
  return pgTarget(parsed.normalized);
}

/** The same server, another database. */
export function withDatabase(target: PgTarget, database: string): PgTarget {
  const u = new URL(target.url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return { url: u.toString(), where: target.where };
}

/** `--dbname` for a libpq program (no password) and the environment that carries the password. */
export function libpqArgs(target: PgTarget, readOnly: boolean): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(target.url);
  // a password may also be a query parameter (?password=...): neither form goes on the command line
  const password = decodeURIComponent(u.password) || (u.searchParams.get('password') ?? '');
  u.password = '';
  u.searchParams.delete('password');
  const env: NodeJS.ProcessEnv = { ...process.env, PGAPPNAME: 'dba-mcp-backup', PGCONNECT_TIMEOUT: '10' };
  delete env.PGPASSWORD;
  if (password) env.PGPASSWORD = password;
  if (readOnly) env.PGOPTIONS = '-c default_transaction_read_only=on';
  return { dbname: `--dbname=${u.toString().replace(/^postgresql:/, 'postgres:')}`, env };
}

/** A short-lived connection of its own (never the read-only pool), ended by the caller. */
export async function pgConnect(
  target: PgTarget,
  opts: { readOnly: boolean; connectTimeoutMs?: number },
): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: target.url,
    application_name: 'dba-mcp-backup',
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    ...(opts.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  client.on('error', () => {}); // a dropped connection must not crash the process; the query rejects
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw toPgToolError(err, target.where);
  }
  return client;
}
