/** SQLSTATE and socket errors from pg, as ToolErrors with a hint. The original is kept as `cause`. */
import { ToolError, type ErrorCode } from '../../../core/errors.js';

interface PgLikeError {
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
  position?: string;
}

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'EPIPE',
]);

interface Mapping {
  code: ErrorCode;
  hint: string;
}

function bySqlState(state: string, message: string): Mapping | undefined {
  if (state.startsWith('28'))
    return {
      code: 'AUTH_FAILED',
      hint: 'The server refused the login: check the user and password in the DSN (use ${ENV_VAR} for the secret).',
    };
  if (state === '3D000')
    return { code: 'DATABASE_NOT_FOUND', hint: 'Check the database name in the DSN; list databases with psql -l.' };
  if (state === '25006')
    return {
      code: 'READ_ONLY_VIOLATION',
      hint: 'This source is read-only: run_query runs reads only. A change goes through request_change and a person approves it.',
    };
  if (state === '57014')
    return message.includes('statement timeout')
      ? {
          code: 'QUERY_TIMEOUT',
          hint: 'The statement ran past limits.statement_timeout_ms. Narrow it (WHERE, LIMIT), check its plan with analyze_query, or raise the limit in the config.',
        }
      : { code: 'QUERY_CANCELLED', hint: 'The statement was cancelled before it finished.' };
  if (state === '42601' && message.includes('multiple commands'))
    return { code: 'MULTIPLE_STATEMENTS', hint: 'Send exactly one SQL statement per call.' };
  if (state === '42601') return { code: 'SQL_SYNTAX', hint: 'Fix the SQL syntax near the reported position.' };
  if (state === '42501')
    return {
      code: 'PERMISSION_DENIED',
      hint: "The database role lacks a privilege for this; it is the server's decision, not dba-mcp's.",
    };
  if (state === '42P01' || state === '42703' || state === '3F000')
    return { code: 'SQL_ERROR', hint: 'Check names with describe_schema.' };
  if (state.startsWith('08') || state === '57P01' || state === '57P03')
    return {
      code: 'CONNECTION_FAILED',
      hint: 'The server closed or refused the connection; it may be restarting. Retry shortly.',
    };
  return undefined;
}

export function toPgToolError(err: unknown, where: string): ToolError {
  if (err instanceof ToolError) return err;
  const e = (err ?? {}) as PgLikeError;
  const message = e.message ?? String(err);
  if (e.code === 'ERR_STRING_TOO_LONG')
    return new ToolError(
      'RESULT_TOO_LARGE',
      'a value in the result is larger than dba-mcp can receive (over 512 MB); the connection was closed',
      'Select a part of the value (left(col, 1000), length(col), md5(col)) instead of all of it.',
      { cause: err },
    );
  if (e.code && SOCKET_CODES.has(e.code)) {
    return new ToolError(
      'CONNECTION_FAILED',
      `cannot reach PostgreSQL at ${where}: ${message}`,
      'Is the server running and reachable at that host and port? Check the DSN.',
      { cause: err },
    );
  }
  if (/timeout expired|Connection terminated/i.test(message)) {
    return new ToolError(
      'CONNECTION_FAILED',
      `PostgreSQL at ${where}: ${message}`,
      'The server did not answer in time; check that it is up, or raise limits.connect_timeout_ms.',
      { cause: err },
    );
  }
  const mapped = e.code ? bySqlState(e.code, message) : undefined;
  const detail = [message, e.detail, e.position ? `(at character ${e.position})` : undefined].filter(Boolean).join(' ');
  if (mapped)
    return new ToolError(mapped.code, detail, e.hint ? `${e.hint}. ${mapped.hint}` : mapped.hint, {
      cause: err,
      sqlState: e.code,
    });
  if (e.code)
    return new ToolError(
      'SQL_ERROR',
      `${detail} [SQLSTATE ${e.code}]`,
      e.hint ?? 'The database rejected the statement; see the message.',
      { cause: err, sqlState: e.code },
    );
  return new ToolError(
    'INTERNAL',
    message,
    'Unexpected error from the PostgreSQL driver; the server log has details.',
    { cause: err },
  );
}
