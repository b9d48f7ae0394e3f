/**
 * Runs an approved migration change: the steps carried in its payload, which must render to
 * exactly the text that was approved (the change's sql, whose sha256 the store re-checked), in
 * order on the engine's read-write connection, stopping at the first failure. A row in the
 * history table says it started, then how it ended; the report says what was applied.
 */
import type { RunTarget } from '../../approvals/runners.js';
import type { ChangeOutcome, StoredChange } from '../../approvals/types.js';
import type { HistoryRow, RunnableStep, StepOutcome } from '../../engines/contract/migrations.js';
import { reportMigrationProgress } from './progress.js';
import { stepsText } from './steps-text.js';

const refuse = (code: string, message: string): ChangeOutcome => ({ rows_affected: null, error: { code, message } });

function requester(change: StoredChange): string {
  const c = change.requested_by.client;
  return c ? `${c.name} ${c.version}` : 'unknown client';
}

function reportOf(steps: RunnableStep[], done: StepOutcome[], table: string) {
  const failed = done.find((d) => !d.ok);
  const applied = done
    .filter((d) => d.ok)
    .map((d) => ({ n: d.n, purpose: steps[d.n - 1]!.purpose, ms: d.ms, rows_affected: d.rows_affected }));
  return {
    applied,
    failed_step: failed
      ? {
          n: failed.n,
          purpose: steps[failed.n - 1]!.purpose,
          sql: steps[failed.n - 1]!.statements.join(';\n'),
          error: failed.error ?? null,
        }
      : null,
    not_run: steps.filter((s) => !done.some((d) => d.n === s.n)).map((s) => s.n),
    rollback_of_applied: applied
      .map((a) => steps[a.n - 1]!)
      .reverse()
      .map((s) => ({ n: s.n, rollback: s.rollback, irreversible: s.irreversible ?? null })),
    history_table: table,
  };
}

export async function runMigrationChange(change: StoredChange, { engine }: RunTarget): Promise<ChangeOutcome> {
  const ops = engine.migrations;
  if (!ops) return refuse('UNSUPPORTED_BY_ENGINE', `${engine.name} cannot run migrations; nothing was run`);
  const steps = change.payload?.steps as RunnableStep[] | undefined;
  if (!Array.isArray(steps) || steps.length === 0 || stepsText(steps) !== change.sql) {
    return refuse('APPROVAL_MISMATCH', 'the stored steps do not render to the approved text; nothing was run');
  }
  const row: HistoryRow = {
    id: change.id,
    name: String(change.payload?.name ?? change.payload?.plan_id ?? change.id),
    sha256: change.sha256,
    steps: change.sql,
    requested_by: requester(change),
    approved_by: change.decision?.by ?? 'unknown',
    started: new Date(),
    finished: null,
    outcome: 'running',
  };
  try {
    await ops.recordHistory(row);
  } catch (err) {
    return refuse(
      'HISTORY_UNAVAILABLE',
      `the history table ${ops.historyTable} could not be written (${(err as Error).message}); nothing was run`,
    );
  }
  const done = await ops.apply(steps, (d) =>
    reportMigrationProgress(
      change.id,
      d.n,
      steps.length,
      `step ${d.n}/${steps.length} ${d.ok ? 'applied' : 'failed'}: ${steps[d.n - 1]!.purpose}`,
    ),
  );
  const failed = done.find((d) => !d.ok);
  const outcome = failed
    ? `failed at step ${failed.n} of ${steps.length} (${done.length - 1} applied): ${failed.error?.message ?? 'error'}`
    : `applied ${steps.length} step(s)`;
  await ops.recordHistory({ ...row, finished: new Date(), outcome }).catch(() => {});
  const rows = done.reduce<number | null>(
    (sum, d) => (d.rows_affected === null ? sum : (sum ?? 0) + d.rows_affected),
    null,
  );
  const report = reportOf(steps, done, ops.historyTable);
  if (!failed) return { rows_affected: rows, report };
  return {
    rows_affected: rows,
    error: {
      code: failed.error?.code ?? 'SQL_ERROR',
      message: `step ${failed.n} failed: ${failed.error?.message ?? 'error'}; steps ${done.length > 1 ? `1 to ${done.length - 1} were applied and committed` : 'before it: none'}`,
    },
    report,
  };
}
