/**
 * The error a tool call ends with when it cannot do what was asked. It becomes an `isError`
 * result carrying `{code, message, hint}`: the model reads the code, the person reads the hint.
 * Protocol faults (bad cursor, unknown resource) are McpErrors instead, thrown only outside tools.
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_CURSOR'
  | 'SOURCE_NOT_FOUND'
  | 'SOURCE_REQUIRED'
  | 'CONNECTION_FAILED'
  | 'AUTH_FAILED'
  | 'DATABASE_NOT_FOUND'
  | 'SQL_SYNTAX'
  | 'SQL_ERROR'
  | 'MULTIPLE_STATEMENTS'
  | 'READ_ONLY_VIOLATION'
  | 'STATEMENT_NOT_ALLOWED'
  | 'FUNCTION_NOT_ALLOWED'
  | 'PRIVILEGE_TOO_BROAD'
  | 'TABLE_DENIED'
  | 'PERMISSION_DENIED'
  | 'QUERY_TIMEOUT'
  | 'QUERY_CANCELLED'
  | 'RESULT_TOO_LARGE'
  | 'UNSUPPORTED_BY_ENGINE'
  | 'NOT_CONFIGURED'
  | 'PROGRAM_NOT_FOUND'
  | 'AUDIT_UNAVAILABLE'
  | 'INTERNAL';

/**
 * Codes that mean a policy refused the call (a guard, or a tool applying the same rule to SQL it
 * builds or reads, e.g. propose_index's workload): its audit record says 'denied', not 'error'.
 */
export const POLICY_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'MULTIPLE_STATEMENTS',
  'READ_ONLY_VIOLATION',
  'STATEMENT_NOT_ALLOWED',
  'FUNCTION_NOT_ALLOWED',
  'PRIVILEGE_TOO_BROAD',
  'TABLE_DENIED',
]);

export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint: string,
    options?: { cause?: unknown; sqlState?: string },
  ) {
    super(message, options);
    if (options?.sqlState) this.sqlState = options.sqlState;
  }

  /** The database's SQLSTATE, where the error came from a statement. */
  readonly sqlState?: string;

  toJSON(): { code: ErrorCode; message: string; hint: string } {
    return { code: this.code, message: this.message, hint: this.hint };
  }
}

export function isToolError(err: unknown): err is ToolError {
  return err instanceof ToolError;
}

/** Wraps anything thrown into a ToolError, keeping the original as `cause`. */
export function asToolError(err: unknown): ToolError {
  if (isToolError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ToolError(
    'INTERNAL',
    message,
    'This is a bug in dba-mcp or an unexpected server state; the server log has details.',
    { cause: err },
  );
}
