/** A pending change as stored in `<state_dir>/approvals/<id>.json`: the exact SQL and everything a person needs to decide. */
export type ChangeStatus = 'pending' | 'approved' | 'rejected' | 'executing' | 'executed' | 'failed' | 'expired';

export type DecisionPath = 'elicitation' | 'cli' | 'http';

/**
 * What a change is: one SQL statement (request_change; the default when absent), a stored
 * migration plan (apply_migration), or an action on a server session (cancel_query /
 * terminate_session). Every kind stores, in `sql`, exactly the text a person is shown and that
 * runs; `payload` carries what the kind's runner needs besides (a plan id, a pid).
 */
export type ChangeKind = 'sql' | 'migration' | 'session_action';

/** What a runner reports: its outcome plus, for multi-step kinds, the steps it ran. */
export interface ChangeOutcome {
  rows_affected: number | null;
  error?: { code: string; message: string };
  /** Kind-specific detail, e.g. a migration's applied steps. */
  report?: Record<string, unknown>;
}

export interface StoredChange {
  v: 1;
  id: string;
  kind?: ChangeKind;
  payload?: Record<string, unknown>;
  source: string;
  engine: string;
  /** Exactly the text that runs, byte for byte. */
  sql: string;
  /** sha256(source + "\n" + sql), hex; re-checked before the change runs. */
  sha256: string;
  reason?: string;
  classification: { class: string; statement_type: string; tables: string[] };
  dry_run: { outcome: 'rolled-back' | 'not-possible'; rows_affected: number | null; note?: string };
  requested_by: { client?: { name: string; version: string }; session_id?: string; request_id: string };
  created_at: string;
  expires_at: string;
  status: ChangeStatus;
  decision?: {
    decision: 'approved' | 'rejected' | 'expired';
    by: string;
    path: DecisionPath | 'server';
    at: string;
    sha256: string;
  };
  /** Set once the decision is in the server's audit log (the CLI never writes the log). */
  decision_recorded?: boolean;
  outcome?: ChangeOutcome & { finished_at: string };
}
