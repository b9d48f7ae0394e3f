/**
 * How mariadb-dump/mysqldump and the mariadb/mysql client reach a server for backups: host, port
 * and user as arguments, the password only in MYSQL_PWD, --no-defaults so no option file
 * changes where they connect; and short-lived mysql2 connections of our own.
 */
import mysql from 'mysql2/promise';
import { ToolError } from '../../../core/errors.js';
import { MYSQL_INSTALL, requireBinary } from '../../kit/backups/binaries.js';
import { connectionOptions, endpointOf } from '../core/connect.js';
import type { EngineSource, ParsedDsn } from '../../contract/engine.js';

export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  where: string;
}

export function targetOf(source: EngineSource): MysqlTarget {
  const url = source.parsed.url!;
  const { host, port, where } = endpointOf(source);
  return { host, port, where, user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}

/** The scratch server: backups.scratch_dsn (a mysql:// or mariadb:// DSN) or the source's own. */
export function scratchTargetOf(source: EngineSource, parsed: ParsedDsn | undefined): MysqlTarget {
  if (!parsed) return targetOf(source);
  if (parsed.engine !== 'mysql')
    throw new ToolError(
      'INVALID_ARGUMENT',
      `backups.scratch_dsn must be a mysql:// or mariadb:// DSN for a MySQL/MariaDB source, not ${parsed.scheme}://`,
      'Point scratch_dsn at a server where the login may create and drop dba_bk_% databases.',
    );
  return targetOf({ ...source, parsed });
}

/** Arguments (after --no-defaults) and environment of a client program. */
export function clientArgs(t: MysqlTarget): { args: string[]; env: NodeJS.ProcessEnv } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.MYSQL_PWD;
  delete env.MYSQL_HOST;
  if (t.password) env.MYSQL_PWD = t.password;
  const args = [
    '--no-defaults',
    `--host=${t.host}`,
    `--port=${t.port}`,
    `--user=${t.user}`,
    '--default-character-set=utf8mb4',
  ];
  if (t.host === 'localhost') args.push('--protocol=socket');
  return { args, env };
}

/** A mysql2 connection of its own to a target (no database selected). */
export async function mysqlConnect(source: EngineSource, t: MysqlTarget, database?: string): Promise<mysql.Connection> {
  const base = connectionOptions(source);
  const conn = await mysql.createConnection({
    ...base,
    host: t.host,
    port: t.port,
    user: t.user,
    password: t.password,
    database,
  });
  (conn as unknown as { connection: NodeJS.EventEmitter }).connection.on('error', () => {});
  return conn;
}

export const dumpBin = () => requireBinary({ names: ['mariadb-dump', 'mysqldump'], install: MYSQL_INSTALL });
export const clientBin = () => requireBinary({ names: ['mariadb', 'mysql'], install: MYSQL_INSTALL });
