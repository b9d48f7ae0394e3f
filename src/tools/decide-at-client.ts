/**
 * The elicitation path every kind of change shares (request_change, apply_migration,
 * cancel_query, terminate_session): ask the person at the client, record the decision once (a
 * decision made elsewhere meanwhile, at the CLI or the HTTP console, wins), and on approval run
 * the change now, here, exactly as stored. Nothing the model sends takes part in it.
 */
import type { SourceContext } from './define-tool.js';
import { awaitOutcome, runApproved } from '../approvals/execute.js';
import { ApprovalError, type StoredChange } from '../approvals/store.js';

export interface Question {
  /** What the person reads: the exact text that runs and everything needed to decide. */
  message: string;
  /** The dialog's question, e.g. "Run this change?". */
  title: string;
  /** What approving does, e.g. "approve runs the SQL above once; reject discards it". */
  meaning: string;
}

export interface RunOptions {
  /** How long to wait for a run someone else claimed (the poller) before returning its last state. */
  waitMs: number;
  /** Called as the run starts; returns what to call when it ends (e.g. progress forwarding). */
  whileRunning?: () => () => void;
}

/** The change after the person's answer (and, when approved, after it ran); the change as stored when the dialog failed. */
export async function decideAtClient(
  change: StoredChange,
  ctx: SourceContext,
  question: Question,
  opts: RunOptions,
): Promise<StoredChange> {
  const latest = () => ctx.approvals.get(change.id) ?? change;
  let answer: Awaited<ReturnType<NonNullable<SourceContext['elicit']>>>;
  try {
    answer = await ctx.elicit!({
      message: question.message,
      requestedSchema: {
        type: 'object',
        properties: {
          decision: {
            type: 'string',
            enum: ['approve', 'reject'],
            title: question.title,
            description: question.meaning,
          },
        },
        required: ['decision'],
      },
    });
  } catch (err) {
    ctx.logger.warn({ change: change.id, err: (err as Error).message }, 'elicitation failed; the change stays pending');
    return latest();
  }
  const approved = answer.action === 'accept' && answer.content?.decision === 'approve';
  const by = ctx.client ? `${ctx.client.name} ${ctx.client.version} (person at the client)` : 'person at the client';
  let decided: StoredChange;
  try {
    decided = ctx.approvals.decide(change.id, approved ? 'approved' : 'rejected', by, 'elicitation', {
      sha256: change.sha256,
      recorded: true,
    });
  } catch (err) {
    if (!(err instanceof ApprovalError)) throw err;
    return latest(); // decided elsewhere meanwhile, or expired
  }
  ctx.approval = { id: change.id, decided_by: by, path: 'elicitation', decision: approved ? 'approved' : 'rejected' };
  if (!approved) return decided;
  const resolve = async (id: string) => (id === ctx.source.id ? { source: ctx.source, engine: ctx.engine } : undefined);
  const stop = opts.whileRunning?.();
  try {
    return (
      (await runApproved(ctx.approvals, change.id, resolve, ctx.runners)) ??
      (await awaitOutcome(ctx.approvals, change.id, opts.waitMs)) ??
      decided
    );
  } finally {
    stop?.();
  }
}
