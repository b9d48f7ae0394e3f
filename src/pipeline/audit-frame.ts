/**
 * The audit frame every kind of request shares (tools, resources, prompts): one record per
 * request, opened before anything runs and written when it ends, with its duration and outcome.
 * A request whose record cannot be written fails (the sink throws AuditUnavailableError), so
 * nothing runs unrecorded.
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { AuditEntry } from '../audit/index.js';
import type { PipelineDeps } from './deps.js';

export interface RequestIds {
  requestId: string | number;
  sessionId?: string;
}

/** A fresh record of one request: outcome ok until the request says otherwise. */
export function openRecord(
  kind: AuditEntry['kind'],
  name: string,
  extra: RequestIds,
  server: Server,
  more: Partial<AuditEntry> = {},
): AuditEntry {
  return {
    kind,
    name,
    requestId: String(extra.requestId),
    sessionId: extra.sessionId,
    client: server.getClientVersion(),
    outcome: 'ok',
    durationMs: 0,
    ...more,
  };
}

/**
 * Runs `work` inside the frame: it may fill in the record (source, error code, rows, verdicts);
 * a throw marks the outcome 'error' unless `work` set a more precise one ('denied'). The record
 * is written in every case, after the work.
 */
export async function framed<T>(
  deps: Pick<PipelineDeps, 'audit'>,
  entry: AuditEntry,
  work: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } catch (err) {
    if (entry.outcome === 'ok') entry.outcome = 'error';
    throw err;
  } finally {
    entry.durationMs = performance.now() - started;
    await deps.audit.record(entry);
  }
}
