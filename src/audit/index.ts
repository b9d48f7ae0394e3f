/**
 * The audit hook of the pipeline. Every tool call, resource read and server event produces one
 * record through an AuditSink; the sink decides where it goes (never stdout).
 */
import type { Verdict } from '../guards/index.js';

export interface AuditEntry {
  kind: 'tool' | 'resource' | 'server';
  name: string;
  requestId?: string;
  sessionId?: string;
  client?: { name: string; version: string };
  source?: string;
  args?: Record<string, unknown>;
  verdicts?: Verdict[];
  outcome: 'ok' | 'error' | 'denied';
  errorCode?: string;
  rowCount?: number;
  truncated?: boolean;
  durationMs: number;
}

export interface AuditSink {
  record(entry: AuditEntry): Promise<void>;
  close(): Promise<void>;
}

/** Keeps nothing; the default until a persistent sink is configured. */
export const nullAuditSink: AuditSink = {
  record: async () => {},
  close: async () => {},
};
