/**
 * Runs one approved change, exactly as stored, at most once: claim it (the once-only lock and the
 * sha256 re-check), check the source is still read-write and the text still one write or DDL
 * statement, run it on the engine's read-write change connection, store the outcome.
 */
import type { ResolvedSource } from '../config/load.js';
import type { EngineAdapter } from '../engines/types.js';
import { asToolError } from '../errors.js';
import { judgeClassification } from '../guards/statement.js';
import type { ApprovalStore, StoredChange } from './store.js';

export type ResolveSource = (id: string) => Promise<{ source: ResolvedSource; engine: EngineAdapter } | undefined>;

/** The change after running it; undefined when someone else claimed it (or it was not approved). */
export async function runApproved(store: ApprovalStore, id: string, resolve: ResolveSource): Promise<StoredChange | undefined> {
  const claimed = store.claim(id);
  if (!claimed) return undefined;
  try {
    const target = await resolve(claimed.source);
    if (!target) return store.finish(id, { rows_affected: null, error: { code: 'SOURCE_NOT_FOUND', message: `source "${claimed.source}" is not configured on this server` } });
    if (target.source.mode !== 'read-write') return store.finish(id, { rows_affected: null, error: { code: 'READ_ONLY_VIOLATION', message: `source "${claimed.source}" is read-only now; the change was not run` } });
    const classification = await target.engine.classify(claimed.sql);
    const verdict = judgeClassification(classification, 'change');
    if (verdict.decision === 'deny') return store.finish(id, { rows_affected: null, error: { code: verdict.code ?? 'STATEMENT_NOT_ALLOWED', message: verdict.reason ?? 'refused by the statement guard' } });
    const result = await target.engine.executeChange(claimed.sql, { timeoutMs: target.source.limits.statement_timeout_ms, dryRun: false, classification });
    return store.finish(id, { rows_affected: result.rowsAffected });
  } catch (err) {
    const failure = asToolError(err);
    return store.finish(id, { rows_affected: null, error: { code: failure.code, message: failure.message } });
  }
}

/** Waits until a change claimed elsewhere has finished (or `ms` passed); returns its last state. */
export async function awaitOutcome(store: ApprovalStore, id: string, ms: number): Promise<StoredChange | undefined> {
  const until = Date.now() + ms;
  for (;;) {
    const change = store.get(id);
    if (!change || change.status === 'executed' || change.status === 'failed' || Date.now() >= until) return change;
    await new Promise((r) => setTimeout(r, 100));
  }
}
