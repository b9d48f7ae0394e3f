import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AuditUnavailableError } from '../audit/index.js';

import type { ToolError } from '../core/errors.js';

export function toResult(structured: Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/** A failure the model can act on: `{code, message, hint}` as JSON text, and no structuredContent. */
export function toErrorResult(err: ToolError): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(err.toJSON()) }] };
}

/** A read whose record could not be written fails with the audit outage, as a protocol error. */
export function auditFailureToMcp(err: unknown): never {
  if (err instanceof AuditUnavailableError)
    throw new McpError(ErrorCode.InternalError, `${err.code}: ${err.message} (${err.hint})`);
  throw err;
}
