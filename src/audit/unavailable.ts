/** The error every call gets while the audit log cannot be written: nothing runs unrecorded. */
import { ToolError } from '../core/errors.js';

export interface Outage {
  file: string;
  since: string;
  error: string;
  /** Calls refused since the outage began. */
  refused: number;
}

export class AuditUnavailableError extends ToolError {
  constructor(readonly outage: Outage) {
    super(
      'AUDIT_UNAVAILABLE',
      `the audit log cannot be written (${outage.error}) since ${outage.since}; dba-mcp refuses every call until it can, so that nothing runs unrecorded`,
      `A person must fix the audit log location ${outage.file} (free disk space, fix its permissions, or set audit.path in the config). dba-mcp retries on each later call and resumes by itself once a record can be written; restarting it also works.`,
    );
  }
}

export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message.replace(/^[A-Z]+: /, '')}` : String(e.message ?? err);
}
