/** better-sqlite3 errors as ToolErrors. The original is kept as `cause`. */
import { ToolError } from '../../../core/errors.js';

export function toSqliteToolError(err: unknown, file: string): ToolError {
  if (err instanceof ToolError) return err;
  const e = err as { code?: string; message?: string };
  const message = e?.message ?? String(err);
  const code = e?.code ?? '';
  if (err instanceof RangeError && /more than one statement/i.test(message)) {
    return new ToolError('MULTIPLE_STATEMENTS', message, 'Send exactly one SQL statement per call.', { cause: err });
  }
  if (err instanceof RangeError || (err instanceof TypeError && /bind|parameter/i.test(message))) {
    return new ToolError('INVALID_ARGUMENT', message, 'The params array must hold one value per ? placeholder.', {
      cause: err,
    });
  }
  if (code === 'SQLITE_CANTOPEN' || /directory does not exist/.test(message))
    return new ToolError(
      'DATABASE_NOT_FOUND',
      `cannot open SQLite file ${file}: ${message}`,
      'Check the path in the sqlite:// DSN and that the file exists and is readable.',
      { cause: err },
    );
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return new ToolError(
      'CONNECTION_FAILED',
      `${file}: ${message}`,
      'The file is not a valid SQLite database (or is damaged).',
      { cause: err },
    );
  if (code.startsWith('SQLITE_READONLY'))
    return new ToolError(
      'READ_ONLY_VIOLATION',
      message,
      'This source is read-only: run_query runs reads only. A change goes through request_change and a person approves it.',
      { cause: err },
    );
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new ToolError('SQL_ERROR', message, 'Another connection holds a lock on the database; retry shortly.', {
      cause: err,
    });
  if (/syntax error|incomplete input|unrecognized token/i.test(message))
    return new ToolError('SQL_SYNTAX', message, 'Fix the SQL syntax (SQLite dialect).', { cause: err });
  if (/no such (table|column)/i.test(message))
    return new ToolError('SQL_ERROR', message, 'Check names with describe_schema.', { cause: err });
  if (code.startsWith('SQLITE_'))
    return new ToolError('SQL_ERROR', `${message} [${code}]`, 'The database rejected the statement; see the message.', {
      cause: err,
    });
  return new ToolError('INTERNAL', message, 'Unexpected error from the SQLite driver; the server log has details.', {
    cause: err,
  });
}
