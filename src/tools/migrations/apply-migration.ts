import path from 'node:path';
import { z } from 'zod';
import { decideAtClient } from '../decide-at-client.js';
import type { StoredChange } from '../../approvals/store.js';
import { readProofs } from '../../engines/kit/backups/proofs.js';
import { ToolError } from '../../core/errors.js';
import { planHash, plansDir, readPlan } from './plan-store.js';
import { onMigrationProgress } from './progress.js';
import type { StoredPlan } from './migration-plan.js';
import { stepsText } from './steps-text.js';
import { ChangeViewSchema, renderChange, viewOf } from '../change-view.js';
import { defineTool, type SourceContext } from '../define-tool.js';

const OUTCOME_WAIT_MS = 10 * 60_000;

function loadPlan(id: string, ctx: SourceContext): StoredPlan {
  const plan = readPlan(plansDir(ctx.approvals), id);
  if (!plan)
    throw new ToolError(
      'INVALID_ARGUMENT',
      `no plan ${id}`,
      'Pass the plan_id plan_migration returned; plans live in the state directory of this server.',
    );
  if (plan.source !== ctx.source.id)
    throw new ToolError(
      'INVALID_ARGUMENT',
      `plan ${id} is for source "${plan.source}", not "${ctx.source.id}"`,
      `Call apply_migration with source "${plan.source}".`,
    );
  // an expiry that is not a date counts as expired (fail closed)
  if (!(Date.parse(plan.expires_at) > Date.now()))
    throw new ToolError(
      'INVALID_ARGUMENT',
      `plan ${id} expired at ${plan.expires_at}`,
      'The schema may have changed since: plan the migration again.',
    );
  if (stepsText(plan.steps) !== plan.steps_text || planHash(plan.source, plan.steps_text) !== plan.sha256) {
    throw new ToolError(
      'INVALID_ARGUMENT',
      `plan ${id} does not match its sha256: it was changed after it was made`,
      'Plan the migration again.',
    );
  }
  if (plan.output.apply && !plan.output.apply.allowed)
    throw new ToolError(
      'STATEMENT_NOT_ALLOWED',
      `plan ${id} cannot be applied: ${plan.output.apply.reason}`,
      'Remove that statement from the migration (run it outside dba-mcp) and plan again.',
    );
  return plan;
}

/** Destructive steps need a recent backup proven by a restore, when backups are configured for the source. */
function requireBackupProof(plan: StoredPlan, ctx: SourceContext): void {
  const backups = ctx.source.backups;
  if (!plan.destructive || !backups) return;
  const proof = readProofs(path.dirname(ctx.approvals.dir), ctx.source.id).find((p) => p.ok);
  const ageHours = proof ? (Date.now() - Date.parse(proof.verified_at)) / 3_600_000 : Infinity;
  if (!(ageHours <= backups.max_age_hours)) {
    // a verified_at that is not a date (NaN) is no proof
    throw new ToolError(
      'STATEMENT_NOT_ALLOWED',
      `plan ${plan.id} has irreversible steps and source "${ctx.source.id}" has no backup proven by a restore in the last ${backups.max_age_hours} h`,
      'Take a backup and verify it (create_backup, verify_backup), then call apply_migration again.',
    );
  }
}

function approvalMessage(change: StoredChange, plan: StoredPlan, ctx: SourceContext): string {
  const errors = plan.output.hazards.filter((h) => h.severity === 'error').map((h) => `- ${h.code}: ${h.message}`);
  return [
    `dba-mcp: ${ctx.client?.name ?? 'the assistant'} asks to apply migration "${plan.name}" to "${change.source}" (${change.engine}).`,
    `Plan: ${plan.output.summary}`,
    ...(errors.length ? ['Errors found by the planner:', ...errors] : []),
    '',
    'Steps (run exactly as shown, in order, stopping at the first failure):',
    change.sql,
    `Change ${change.id}, sha256 ${change.sha256.slice(0, 16)}..., expires ${change.expires_at}.`,
    'Approve to run it now; reject to discard it.',
  ].join('\n');
}

function decideByElicitation(change: StoredChange, plan: StoredPlan, ctx: SourceContext): Promise<StoredChange> {
  const question = {
    message: approvalMessage(change, plan, ctx),
    title: 'Apply this migration?',
    meaning: 'approve runs the steps above once; reject discards them',
  };
  return decideAtClient(change, ctx, question, {
    waitMs: OUTCOME_WAIT_MS,
    whileRunning: () =>
      onMigrationProgress(change.id, (done, total, message) => void ctx.progress?.(done, total, message)),
  });
}

export const applyMigration = defineTool({
  name: 'apply_migration',
  title: 'Apply a planned migration (a person approves it)',
  description:
    'Apply a plan made by plan_migration, exactly as planned: it becomes a pending change that a person approves (a dialog of the client with elicitation, ' +
    'or `dba-mcp approvals approve <id>` in a terminal); then the steps run in order, each with its lock and statement timeouts, stopping at the first failure, ' +
    'and the migration is recorded in the dba_mcp_migrations history table. get_change shows the outcome and what was applied. Read-only sources refuse it; ' +
    'a plan with irreversible steps needs a recent verified backup when backups are configured. Nothing you send approves it.',
  scope: 'source',
  access: 'write',
  input: { plan_id: z.string().min(1).max(64).describe('The plan_id plan_migration returned') },
  output: { ...ChangeViewSchema, plan_id: z.string() },
  async run({ plan_id }, ctx) {
    const plan = loadPlan(plan_id, ctx);
    requireBackupProof(plan, ctx);
    const tables = [...new Set(plan.output.statements.flatMap((s) => s.tables.map((t) => t.table)))];
    const dry = plan.output.dry_run;
    const change = ctx.approvals.create({
      kind: 'migration',
      payload: { plan_id: plan.id, name: plan.name, steps: plan.steps },
      source: ctx.source.id,
      engine: ctx.engine.name,
      sql: plan.steps_text,
      reason: `migration "${plan.name}": ${plan.output.summary}`,
      classification: { class: 'ddl', statement_type: 'MIGRATION', tables },
      dry_run: {
        outcome: dry.outcome === 'rolled-back' ? 'rolled-back' : 'not-possible',
        rows_affected: null,
        note:
          dry.outcome === 'rolled-back'
            ? `${plan.steps.length} step(s) ran and were rolled back`
            : (dry.reason ?? 'not run'),
      },
      requested_by: {
        ...(ctx.client ? { client: ctx.client } : {}),
        ...(ctx.sessionId ? { session_id: ctx.sessionId } : {}),
        request_id: ctx.requestId,
      },
    });
    ctx.approval = { id: change.id, decision: 'requested' };
    const final = ctx.elicit ? await decideByElicitation(change, plan, ctx) : change;
    return { ...viewOf(final, ctx.approvals), plan_id: plan.id };
  },
  render: (v) => `plan ${v.plan_id}\n${renderChange(v)}`,
});
