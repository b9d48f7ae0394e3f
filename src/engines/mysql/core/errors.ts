/**
 * mysql2 errors (server errnos and socket codes) as ToolErrors with a hint; the original is kept
 * as `cause`. Messages never carry the DSN password: `redact` scrubs it from whatever the server
 * or the driver said.
 */
import { ToolError, type ErrorCode } from '../../../core/errors.js';
import { inspectSql } from './statements.js';

interface MysqlLikeError {
  code?: string;
  errno?: number;
  message?: string;
  fatal?: boolean;
  sqlState?: string;
}

export interface ErrorContext {
  /** host:port, for connection hints. */
  where: string;
  /** Removes secrets from a message. */
  redact: (text: string) => string;
  /** The statement that failed, when there was one. */
  sql?: string;
  timeoutMs?: number;
}

interface Mapping {
  code: ErrorCode;
  hint: string;
}

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

const READ_ONLY_ERRNOS = new Set([1792, 1290, 1836]); // read-only transaction, --read-only server, read-only mode
const PERMISSION_ERRNOS = new Set([1044, 1142, 1143, 1227, 1370]);
const TIMEOUT_ERRNOS = new Set([3024, 1969]); // MySQL max_execution_time, MariaDB max_statement_time
const CONNECTION_ERRNOS = new Set([1040, 1053, 1129, 1152, 1927]); // too many connections, shutdown, blocked, aborted, killed
const MISSING_OBJECT_ERRNOS = new Set([1146, 1054, 1305]); // no such table, column, function

const HINTS = {
  auth: 'The server refused the login: check the user and password in the DSN (use ${ENV_VAR} for the secret).',
  database: 'Check the database name in the DSN; list databases with SHOW DATABASES.',
  connection: 'The server closed the connection (killed, restarting or overloaded). Retry shortly.',
  readOnly:
    'This source is read-only: run_query runs reads only. A change goes through request_change and a person approves it.',
  permission: "The database user lacks a privilege for this; it is the server's decision, not dba-mcp's.",
  syntax: 'Fix the SQL syntax near the quoted text.',
  multiple: 'Send exactly one SQL statement per call.',
  missing: 'Check table and column names with describe_schema.',
  cancelled: 'The statement was interrupted on the server before it finished.',
} as const;

function timeoutHint(timeoutMs: number | undefined): string {
  const limit =
    timeoutMs === undefined ? 'limits.statement_timeout_ms' : `limits.statement_timeout_ms (${timeoutMs} ms)`;
  return `The statement ran past ${limit}. Narrow it (WHERE, LIMIT), check its plan with analyze_query, or raise the limit in the config.`;
}

function byErrno(errno: number, ctx: ErrorContext): Mapping | undefined {
  if (errno === 1045 || errno === 1698) return { code: 'AUTH_FAILED', hint: HINTS.auth };
  if (errno === 1130)
    return {
      code: 'AUTH_FAILED',
      hint: 'The server does not accept this user from this host; check the user and its allowed hosts.',
    };
  if (CONNECTION_ERRNOS.has(errno)) return { code: 'CONNECTION_FAILED', hint: HINTS.connection };
  if (errno === 1049) return { code: 'DATABASE_NOT_FOUND', hint: HINTS.database };
  if (errno === 1064)
    return inspectSql(ctx.sql ?? '').statements > 1
      ? { code: 'MULTIPLE_STATEMENTS', hint: HINTS.multiple }
      : { code: 'SQL_SYNTAX', hint: HINTS.syntax };
  if (READ_ONLY_ERRNOS.has(errno)) return { code: 'READ_ONLY_VIOLATION', hint: HINTS.readOnly };
  if (PERMISSION_ERRNOS.has(errno)) return { code: 'PERMISSION_DENIED', hint: HINTS.permission };
  if (TIMEOUT_ERRNOS.has(errno)) return { code: 'QUERY_TIMEOUT', hint: timeoutHint(ctx.timeoutMs) };
  if (errno === 1317) return { code: 'QUERY_CANCELLED', hint: HINTS.cancelled };
  if (MISSING_OBJECT_ERRNOS.has(errno)) return { code: 'SQL_ERROR', hint: HINTS.missing };
  return undefined;
}

function isConnectionError(e: MysqlLikeError, message: string): boolean {
  if (e.code && SOCKET_CODES.has(e.code)) return true;
  if (typeof e.errno === 'number' && e.errno < 0) return true; // a Node socket error (errno is -ECONN...)
  return e.errno === undefined && (e.fatal === true || /Pool is closed|closed state/i.test(message));
}

export function toMysqlToolError(err: unknown, ctx: ErrorContext): ToolError {
  if (err instanceof ToolError) return err;
  const e = (err ?? {}) as MysqlLikeError;
  const message = ctx.redact(e.message ?? String(err));
  if (isConnectionError(e, message)) {
    const slow =
      e.code === 'ETIMEDOUT' ? ', or raise limits.connect_timeout_ms if the server is just slow to answer' : '';
    return new ToolError(
      'CONNECTION_FAILED',
      `cannot reach MySQL/MariaDB at ${ctx.where}: ${message}`,
      `Is the server running and reachable at ${ctx.where}? Check the DSN${slow}.`,
      { cause: err },
    );
  }
  if (typeof e.errno !== 'number') {
    return new ToolError('INTERNAL', message, 'Unexpected error from the MySQL driver; the server log has details.', {
      cause: err,
    });
  }
  const mapped = byErrno(e.errno, ctx);
  const sqlState = e.sqlState ? { sqlState: e.sqlState } : {};
  if (mapped) return new ToolError(mapped.code, message, mapped.hint, { cause: err, ...sqlState });
  return new ToolError(
    'SQL_ERROR',
    `${message} [${e.code ?? 'errno'} ${e.errno}]`,
    'The database rejected the statement; see the message.',
    { cause: err, ...sqlState },
  );
}

/** The error a read ends with when the client cancelled it. */
export function cancelledError(): ToolError {
  return new ToolError(
    'QUERY_CANCELLED',
    'the query was cancelled by the client',
    'The request was cancelled; the statement was stopped on the server.',
  );
}

/** The error a read ends with when the server did not stop it in time and we did. */
export function backstopTimeoutError(timeoutMs: number): ToolError {
  return new ToolError(
    'QUERY_TIMEOUT',
    `the statement did not finish within ${timeoutMs} ms and was stopped`,
    timeoutHint(timeoutMs),
  );
}

/** SELECT ... INTO OUTFILE writes on the server host even inside a read-only transaction. */
export function serverFileError(): ToolError {
  return new ToolError(
    'READ_ONLY_VIOLATION',
    'SELECT ... INTO OUTFILE/DUMPFILE writes a file on the database host',
    HINTS.readOnly,
  );
}
