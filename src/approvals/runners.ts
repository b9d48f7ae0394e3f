/**
 * How an approved change of each kind runs. `sql` (request_change) is one statement on the
 * engine's change connection; the other kinds belong to the tools that create them. A runner gets
 * the claimed change (its sha256 already re-checked) and the source, and returns the outcome; it
 * never decides whether to run: approval, expiry and read-only were checked before.
 */
import type { ResolvedSource } from '../config/load.js';
import type { EngineAdapter } from '../engines/contract/engine.js';
import { judgeClassification } from '../guards/statement.js';
import { runMigrationChange } from '../tools/migrations/run-change.js';
import { runSessionAction } from '../tools/health/session-action.js';
import type { ChangeKind, ChangeOutcome, StoredChange } from './types.js';

export interface RunTarget {
  source: ResolvedSource;
  engine: EngineAdapter;
}

export type ChangeRunner = (change: StoredChange, target: RunTarget) => Promise<ChangeOutcome>;

/** One statement, re-classified at run time: it must still be exactly one write or DDL statement. */
async function runSqlChange(change: StoredChange, { source, engine }: RunTarget): Promise<ChangeOutcome> {
  const classification = await engine.classify(change.sql);
  const verdict = judgeClassification(classification, 'change');
  if (verdict.decision === 'deny') return { rows_affected: null, error: { code: verdict.code ?? 'STATEMENT_NOT_ALLOWED', message: verdict.reason ?? 'refused by the statement guard' } };
  const result = await engine.executeChange(change.sql, { timeoutMs: source.limits.statement_timeout_ms, dryRun: false, classification });
  return { rows_affected: result.rowsAffected };
}

export const CHANGE_RUNNERS: Record<ChangeKind, ChangeRunner> = {
  sql: runSqlChange,
  migration: runMigrationChange,
  session_action: runSessionAction,
};
