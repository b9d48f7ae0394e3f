/** How a stored change is shown: to the model (tool output) and to the person deciding (elicitation). */
import { z } from 'zod';
import type { ApprovalStore, StoredChange } from '../approvals/store.js';

export const ChangeViewSchema = {
  id: z.string().describe('The change id'),
  status: z.enum(['pending', 'approved', 'rejected', 'executing', 'executed', 'failed', 'expired']),
  source: z.string(),
  sql: z.string().describe('Exactly the SQL that runs (or ran) once approved'),
  sha256: z.string().describe('sha256 of source + "\\n" + sql, checked again before it runs'),
  classification: z.string().describe('write or ddl, and the statement type'),
  tables: z.array(z.string()),
  dry_run: z.object({
    outcome: z.enum(['rolled-back', 'not-possible']),
    rows_affected: z.number().int().nullable(),
    note: z.string().nullable(),
  }),
  expires_at: z.string().describe('A pending change not approved by then can no longer be approved'),
  decision: z.object({ decision: z.string(), by: z.string(), path: z.string(), at: z.string() }).nullable(),
  rows_affected: z
    .number()
    .int()
    .nullable()
    .describe('Rows the approved change affected when it ran; null before it ran or for DDL'),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  next_step: z.string().describe('What happens next, and who has to act'),
  report: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'Migrations: the steps applied, the step that failed, the steps not run, and the history table; session actions: whether the session was found and what happened to it',
    ),
};

export type ChangeView = z.infer<z.ZodObject<typeof ChangeViewSchema>>;

function nextStep(change: StoredChange, status: ChangeView['status']): string {
  switch (status) {
    case 'pending':
      return `Waiting for a person. Nothing you can send approves it: tell the user that someone must run \`dba-mcp approvals approve ${change.id}\` (or reject it) in a terminal on the machine running dba-mcp before ${change.expires_at}; then get_change with this id shows the outcome.`;
    case 'approved':
    case 'executing':
      return 'Approved; the server is running it. get_change with this id shows the outcome.';
    case 'executed':
      return 'Done: the change ran once, exactly as shown. It cannot be run again; a new change needs a new request_change and a new approval.';
    case 'failed':
      if (change.kind === 'session_action')
        return 'The session action was approved but did not complete (see error and report). Check the session with check_health; a new cancel_query or terminate_session needs a new approval.';
      if (change.kind === 'migration')
        return 'The migration stopped at the failed step (see error and report): the steps before it were applied and committed, the rest did not run. Review the report and plan the remaining change again.';
      return 'The change was approved but failed when it ran (see error); nothing was committed by it. A corrected change needs a new request_change.';
    case 'rejected':
      return 'A person rejected the change; it will not run. Do not retry it unchanged unless the user asks.';
    case 'expired':
      return 'Nobody approved it in time; it will not run. Ask again with request_change if it is still wanted.';
  }
}

export function viewOf(change: StoredChange, store: ApprovalStore): ChangeView {
  const status = store.effectiveStatus(change);
  const d = change.decision;
  return {
    id: change.id,
    status,
    source: change.source,
    sql: change.sql,
    sha256: change.sha256,
    classification: `${change.classification.class} (${change.classification.statement_type})`,
    tables: change.classification.tables,
    dry_run: {
      outcome: change.dry_run.outcome,
      rows_affected: change.dry_run.rows_affected,
      note: change.dry_run.note ?? null,
    },
    expires_at: change.expires_at,
    decision: d ? { decision: d.decision, by: d.by, path: d.path, at: d.at } : null,
    rows_affected: change.outcome?.rows_affected ?? null,
    error: change.outcome?.error ?? null,
    next_step: nextStep(change, status),
    ...(change.outcome?.report ? { report: change.outcome.report } : {}),
  };
}

export function dryRunText(change: StoredChange): string {
  const { outcome, rows_affected, note } = change.dry_run;
  if (outcome === 'not-possible') return `not possible: ${note ?? 'the engine cannot roll this statement back'}`;
  const rows =
    rows_affected === null ? 'ran without error (no row count: schema change)' : `would affect ${rows_affected} row(s)`;
  return `${rows}; run inside a transaction that was rolled back${note ? ` (${note})` : ''}`;
}

export function riskText(change: StoredChange): string {
  if (change.classification.class === 'ddl') {
    return change.dry_run.outcome === 'not-possible'
      ? 'changes the schema; it commits at once and cannot be rolled back, and may lock the table while it runs'
      : 'changes the schema; it may lock the table while it runs';
  }
  return 'changes data; once committed, dba-mcp cannot undo it';
}

export function renderChange(v: ChangeView): string {
  const lines = [
    `change ${v.id}: ${v.status} on ${v.source}`,
    `sql: ${v.sql}`,
    `dry run: ${v.dry_run.outcome}${v.dry_run.rows_affected !== null ? `, ${v.dry_run.rows_affected} row(s)` : ''}${v.dry_run.note ? ` (${v.dry_run.note})` : ''}`,
  ];
  if (v.decision)
    lines.push(`decision: ${v.decision.decision} by ${v.decision.by} via ${v.decision.path} at ${v.decision.at}`);
  if (v.status === 'executed') lines.push(`rows affected: ${v.rows_affected ?? 'n/a'}`);
  if (v.error) lines.push(`error: ${v.error.code}: ${v.error.message}`);
  const applied = v.report?.applied as { n: number; purpose: string }[] | undefined;
  if (applied)
    lines.push(
      `applied steps: ${applied.map((a) => a.n).join(', ') || 'none'}${v.report?.failed_step ? `; failed at step ${(v.report.failed_step as { n: number }).n}` : ''}; history: ${String(v.report?.history_table)}`,
    );
  if (typeof v.report?.message === 'string') lines.push(`result: ${v.report.message}`);
  lines.push(v.next_step);
  return lines.join('\n');
}
