/**
 * The audit record: what the pipeline hands the sink (AuditEntry) and what lands on disk
 * (AuditRecord, one JSON line, snake_case, hash-chained). Records never hold row data.
 */
import type { Verdict } from '../core/verdict.js';

/** tool: tools/call; resource: resources/read; prompt: prompts/get; approval: a change asked for or decided; server: start, config, stop and the log's own events. */
export type AuditKind = 'tool' | 'resource' | 'prompt' | 'approval' | 'server';

export type AuditOutcome = 'ok' | 'error' | 'denied';

/** Who approved (or rejected) a change, and through which path. Filled by the approval flow. */
export interface ApprovalInfo {
  id: string;
  decided_by?: string;
  path?: 'elicitation' | 'cli' | 'http';
  decision?: 'requested' | 'approved' | 'rejected' | 'expired';
}

/** What the pipeline records; the sink redacts it, numbers it and chains it. */
export interface AuditEntry {
  kind: AuditKind;
  /** The tool, resource URI, prompt, approval event or server event (start, config, stop, ...). */
  name: string;
  requestId?: string;
  sessionId?: string;
  client?: { name: string; version: string };
  source?: string;
  args?: Record<string, unknown>;
  /** The SQL text; taken from args.sql when not set. */
  sql?: string;
  sql_fingerprint?: string;
  classification?: string;
  verdicts?: readonly Verdict[];
  approval?: ApprovalInfo;
  outcome: AuditOutcome;
  errorCode?: string;
  rowCount?: number;
  truncated?: boolean;
  durationMs: number;
  /** Server events: version, pid, redacted config summary, outage facts. */
  details?: Record<string, unknown>;
}

/** One line of the log. `hash` = sha256(prev_hash + canonical(record without hash)). */
export interface AuditRecord {
  v: 1;
  seq: number;
  ts: string;
  kind: AuditKind;
  name: string;
  request_id?: string;
  session_id?: string;
  client?: { name: string; version: string };
  source?: string;
  args?: Record<string, unknown>;
  sql?: string;
  sql_fingerprint?: string;
  classification?: string;
  verdicts?: Record<string, unknown>[];
  approval?: ApprovalInfo;
  outcome: AuditOutcome;
  error_code?: string;
  row_count?: number;
  truncated?: boolean;
  duration_ms: number;
  details?: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export type AuditStatus =
  | { state: 'off' }
  | { state: 'ok'; file: string }
  | { state: 'failed'; file: string; since: string; error: string; refused: number };
