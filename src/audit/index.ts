/**
 * The audit hook of the pipeline. Every tool call, resource read, prompt, approval and server
 * event produces one record through an AuditSink; the sink decides where it goes (never stdout).
 * The pipeline calls `ensureWritable()` before it runs anything and `record()` before it returns:
 * a call whose record cannot be written is refused (AUDIT_UNAVAILABLE).
 */
import type { AuditEntry, AuditRecord, AuditStatus } from './types.js';

export type { ApprovalInfo, AuditEntry, AuditKind, AuditOutcome, AuditRecord, AuditStatus } from './types.js';
export { AuditUnavailableError } from './unavailable.js';

export interface AuditSink {
  /** Resolves once the record is written; rejects with AuditUnavailableError when it could not be. */
  record(entry: AuditEntry): Promise<void>;
  /** Throws AuditUnavailableError while the log cannot be written (after retrying to open it). */
  ensureWritable(): void;
  status(): AuditStatus;
  /** The latest records, oldest first, as written (already redacted). */
  recent(limit: number): AuditRecord[];
  close(): Promise<void>;
}

/** Keeps nothing: for tests and for measuring what the file sink costs. Never used by the server. */
export const nullAuditSink: AuditSink = {
  record: async () => {},
  ensureWritable: () => {},
  status: () => ({ state: 'off' }),
  recent: () => [],
  close: async () => {},
};
