/** How an approved request_change runs: its one statement on the engine's change connection. */
import type { ChangeOutcome, StoredChange } from '../../approvals/types.js';
import type { RunTarget } from '../../approvals/runners.js';
import { judgeClassification } from '../../guards/statement.js';

/** One statement, re-classified at run time: it must still be exactly one write or DDL statement. */
export async function runSqlChange(change: StoredChange, { source, engine }: RunTarget): Promise<ChangeOutcome> {
  const classification = await engine.classify(change.sql);
  const verdict = judgeClassification(classification, 'change');
  if (verdict.decision === 'deny')
    return {
      rows_affected: null,
      error: {
        code: verdict.code ?? 'STATEMENT_NOT_ALLOWED',
        message: verdict.reason ?? 'refused by the statement guard',
      },
    };
  const result = await engine.executeChange(change.sql, {
    timeoutMs: source.limits.statement_timeout_ms,
    dryRun: false,
    classification,
  });
  return { rows_affected: result.rowsAffected };
}
