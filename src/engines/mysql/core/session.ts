/**
 * What the server is and how each pooled connection is prepared. MariaDB is a variant of the one
 * code path, told apart by `SELECT VERSION()`; the switches are small and live here.
 *
 * Every new connection gets `SET SESSION TRANSACTION READ ONLY` (on MariaDB this, not
 * `START TRANSACTION READ ONLY` alone, is what refuses DDL: DDL commits implicitly and would
 * otherwise run outside the read-only transaction) and the statement time limit.
 * It also drops NO_BACKSLASH_ESCAPES, ANSI_QUOTES and ANSI from sql_mode: under them the server
 * reads quotes differently from the classifier's parser (`SELECT '\' , SLEEP(1) -- '` hides a
 * call from every parser when backslashes do not escape). Statements cannot set it back: the
 * classifier refuses SET.
 */
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';

export type Variant = 'mysql' | 'mariadb';

export interface DetectedServer {
  variant: Variant;
  /** The release number alone, e.g. '10.11.19'. */
  version: string;
  /** What VERSION() said, e.g. '10.11.19-MariaDB-0+deb12u1'. */
  full: string;
  major: number;
}

/** Per-connection state we set and must keep in step. */
export interface SessionState {
  /** The statement time limit currently set on the session; null when the server has none. */
  timeoutMs: number | null;
}

const UNKNOWN_SYSTEM_VARIABLE = 1193;

export function parseVersion(full: string): DetectedServer {
  const variant: Variant = /mariadb/i.test(full) ? 'mariadb' : 'mysql';
  const version = /^\d+(\.\d+)*/.exec(full)?.[0] ?? full;
  return { variant, version, full, major: Number.parseInt(version, 10) || 0 };
}

export async function detectServer(conn: PoolConnection): Promise<DetectedServer> {
  const [rows] = await conn.query<RowDataPacket[]>('SELECT VERSION() AS v');
  return parseVersion(String(rows[0]?.v ?? ''));
}

export function timeoutStatement(variant: Variant, timeoutMs: number): string {
  const ms = Math.max(1, Math.round(timeoutMs));
  return variant === 'mariadb'
    ? `SET SESSION max_statement_time = ${ms / 1000}`
    : `SET SESSION max_execution_time = ${ms}`;
}

/** Sets the statement time limit; a server without the variable (MySQL < 5.7.8) keeps none. */
export async function applyTimeout(conn: PoolConnection, variant: Variant, timeoutMs: number): Promise<number | null> {
  try {
    await conn.query(timeoutStatement(variant, timeoutMs));
    return timeoutMs;
  } catch (err) {
    if ((err as { errno?: number }).errno === UNKNOWN_SYSTEM_VARIABLE) return null;
    throw err;
  }
}

const PARSER_SAFE_SQL_MODE = `SET SESSION sql_mode = TRIM(BOTH ',' FROM
  REPLACE(REPLACE(REPLACE(CONCAT(',', @@SESSION.sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ','), ',ANSI_QUOTES,', ','), ',ANSI,', ','))`;

export async function prepareSession(conn: PoolConnection, variant: Variant, timeoutMs: number): Promise<SessionState> {
  await conn.query('SET SESSION TRANSACTION READ ONLY');
  await conn.query(PARSER_SAFE_SQL_MODE);
  return { timeoutMs: await applyTimeout(conn, variant, timeoutMs) };
}
