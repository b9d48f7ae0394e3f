/**
 * The running server's side of out-of-band approval. Every ~500 ms it reads the approvals
 * directory: a decision made at a terminal (`dba-mcp approvals approve|reject`) or over HTTP is
 * written to this server's audit log (the CLI never writes the log: one writer per log), then an
 * approved change is run, once, and its execution recorded too. A pending change past its expiry
 * is marked expired. A change for a source this server does not serve is left alone.
 */
import type { AuditEntry, AuditSink } from '../audit/index.js';
import type { Logger } from '../core/logging.js';
import type { Sources } from '../sources.js';
import { runApproved, type ResolveSource } from './execute.js';
import type { ApprovalStore, StoredChange } from './store.js';
import type { ChangeRunners } from './runners.js';

/** An elicitation-path change is run by the request_change call that asked; the poller only takes over if that call died. */
const ELICITATION_GRACE_MS = 30_000;

export interface ExecutorDeps {
  store: ApprovalStore;
  sources: Sources;
  audit: AuditSink;
  logger: Logger;
  /** How each kind of change runs (src/tools/index.ts CHANGE_RUNNERS). */
  runners: ChangeRunners;
  intervalMs?: number;
}

export function decisionEntry(change: StoredChange): AuditEntry {
  const d = change.decision;
  return {
    kind: 'approval',
    name: d?.decision === 'expired' ? 'expire' : d?.decision === 'rejected' ? 'reject' : 'approve',
    source: change.source,
    sql: change.sql,
    classification: change.classification.class,
    approval: {
      id: change.id,
      ...(d ? { decided_by: d.by, decision: d.decision } : {}),
      ...(d && d.path !== 'server' ? { path: d.path } : {}),
    },
    outcome: 'ok',
    durationMs: 0,
    details: { sha256: change.sha256 },
  };
}

export function executionEntry(change: StoredChange, durationMs: number): AuditEntry {
  const d = change.decision;
  return {
    kind: 'approval',
    name: 'execute',
    source: change.source,
    sql: change.sql,
    classification: change.classification.class,
    approval: {
      id: change.id,
      decision: 'approved',
      ...(d ? { decided_by: d.by } : {}),
      ...(d && d.path !== 'server' ? { path: d.path } : {}),
    },
    outcome: change.status === 'executed' ? 'ok' : 'error',
    ...(change.outcome?.error ? { errorCode: change.outcome.error.code } : {}),
    ...(typeof change.outcome?.rows_affected === 'number' ? { rowCount: change.outcome.rows_affected } : {}),
    durationMs,
    details: {
      sha256: change.sha256,
      status: change.status,
      ...(change.outcome?.error ? { error: change.outcome.error.message } : {}),
    },
  };
}

export function sourceResolver(sources: Sources): ResolveSource {
  return async (id) => {
    const source = sources.list.find((s) => s.id === id);
    return source ? { source, engine: await sources.engine(source) } : undefined;
  };
}

export function startApprovalExecutor(deps: ExecutorDeps): { stop(): Promise<void> } {
  const { store, sources, audit, logger } = deps;
  const served = new Set(sources.list.map((s) => s.id));
  const resolve = sourceResolver(sources);
  let running: Promise<void> | undefined;
  let stopped = false;

  const handle = async (change: StoredChange) => {
    if (!served.has(change.source)) return;
    if (change.status === 'pending' && store.isExpired(change)) {
      const expired = store.expire(change.id);
      if (expired) {
        await audit.record(decisionEntry(expired));
        store.markDecisionRecorded(expired.id);
      }
      return;
    }
    if ((change.status === 'approved' || change.status === 'rejected') && !change.decision_recorded) {
      await audit.record(decisionEntry(change)); // throws when the log cannot be written: then nothing runs
      store.markDecisionRecorded(change.id);
    }
    if (change.status !== 'approved') return;
    if (change.decision?.path === 'elicitation' && Date.now() - Date.parse(change.decision.at) < ELICITATION_GRACE_MS)
      return;
    audit.ensureWritable();
    const started = performance.now();
    const done = await runApproved(store, change.id, resolve, deps.runners);
    if (done) await audit.record(executionEntry(done, performance.now() - started));
  };

  const tick = async () => {
    for (const change of store.list()) {
      if (stopped) return;
      try {
        await handle(change);
      } catch (err) {
        logger.warn({ change: change.id, err: (err as Error).message }, 'approval executor: could not handle a change');
      }
    }
  };

  const timer = setInterval(() => {
    if (running || stopped) return;
    running = tick().finally(() => (running = undefined));
  }, deps.intervalMs ?? 500);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
