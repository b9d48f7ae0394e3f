import { ToolError } from '../../core/errors.js';
import { z } from 'zod';
import { decideAtClient } from '../decide-at-client.js';
import type { StoredChange } from '../../approvals/store.js';
import type { TableName } from '../../core/classification.js';
import { ChangeViewSchema, dryRunText, renderChange, riskText, viewOf } from '../change-view.js';
import { defineTool, type SourceContext } from '../define-tool.js';
import { OneLine } from '../schemas.js';

const tableName = (t: TableName) => (t.schema ? `${t.schema}.${t.name}` : t.name);

function approvalMessage(change: StoredChange, ctx: SourceContext): string {
  const c = change.classification;
  return [
    `dba-mcp: ${ctx.client?.name ?? 'the assistant'} asks to change the database "${change.source}" (${change.engine}).`,
    '',
    'SQL (runs exactly as shown, once):',
    change.sql,
    '',
    `Kind: ${c.class} (${c.statement_type})${c.tables.length ? ` on ${c.tables.join(', ')}` : ''}`,
    `Dry run: ${dryRunText(change)}`,
    `Risk: ${riskText(change)}`,
    ...(change.reason ? [`Reason given: ${change.reason}`] : []),
    `Change ${change.id}, sha256 ${change.sha256.slice(0, 16)}..., expires ${change.expires_at}.`,
    '',
    'Approve to run it now; reject to discard it.',
  ].join('\n');
}

const OUTCOME_WAIT_MS = 60_000;

export const requestChange = defineTool({
  name: 'request_change',
  title: 'Request a change (a person approves it)',
  description:
    'Ask to run exactly one write or DDL statement (INSERT, UPDATE, DELETE, CREATE INDEX, ALTER TABLE, ...) on a read-write source. ' +
    'It is never run directly: it is dry-run (in a transaction that is rolled back, where the engine allows it) and stored as a pending change, ' +
    'and runs once, exactly as stored, only after a person approves it: in a dialog of the client when the client supports elicitation, ' +
    'otherwise with `dba-mcp approvals approve <id>` in a terminal. Nothing you can send approves a change. ' +
    'Returns the change id, its status (executed, rejected or pending), the dry run and what happens next; get_change shows a change later. ' +
    'Read-only sources refuse it; transaction control, SET, COPY and multiple statements are refused.',
  scope: 'source',
  access: 'write',
  input: {
    sql: z.string().min(1).max(100_000).describe("Exactly one write or DDL statement in the source's dialect."),
    reason: OneLine(1_000).optional().describe('Why the change is needed, shown to the person who approves it.'),
  },
  output: ChangeViewSchema,
  statement: (args) => ({ sql: args.sql as string }),
  async run({ sql, reason }, ctx, checked) {
    const classification = checked.statement?.classification; // the statement guard's, which allowed one write or DDL
    if (!classification)
      throw new ToolError('INTERNAL', 'request_change ran without a statement verdict', 'This is a bug in dba-mcp.');
    // A rollback undoes the rows, not what such a function does (signal a session, read a file, reach another server): not rehearsed.
    const unsafe = classification.deniedFunctions;
    const dry = unsafe.length
      ? {
          rowsAffected: null,
          dryRun: 'not-possible' as const,
          note: `not rehearsed: it calls ${unsafe.join(', ')}, whose effects a rollback does not undo`,
        }
      : await ctx.engine.executeChange(sql, {
          timeoutMs: ctx.limits.statement_timeout_ms,
          dryRun: true,
          classification,
        });
    const change = ctx.approvals.create({
      source: ctx.source.id,
      engine: ctx.engine.name,
      sql,
      ...(reason ? { reason } : {}),
      classification: {
        class: classification.class,
        statement_type: classification.statementType,
        tables: classification.tables.map(tableName),
      },
      dry_run: {
        outcome: dry.dryRun === 'not-possible' ? 'not-possible' : 'rolled-back',
        rows_affected: dry.rowsAffected,
        ...(dry.note ? { note: dry.note } : {}),
      },
      requested_by: {
        ...(ctx.client ? { client: ctx.client } : {}),
        ...(ctx.sessionId ? { session_id: ctx.sessionId } : {}),
        request_id: ctx.requestId,
      },
    });
    ctx.approval = { id: change.id, decision: 'requested' };
    if (!ctx.elicit) return viewOf(change, ctx.approvals);

    const question = {
      message: approvalMessage(change, ctx),
      title: 'Run this change?',
      meaning: 'approve runs the SQL above once; reject discards it',
    };
    return viewOf(await decideAtClient(change, ctx, question, { waitMs: OUTCOME_WAIT_MS }), ctx.approvals);
  },
  render: renderChange,
});
