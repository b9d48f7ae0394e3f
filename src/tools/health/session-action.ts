/**
 * Runs an approved session action (cancel_query / terminate_session). The stored SQL must be
 * exactly the statement the engine derives from the payload (so what the person saw is what
 * runs); the engine runs it on a dedicated connection after checking the session still exists,
 * and reports what happened.
 */
import type { RunTarget } from '../../approvals/runners.js';
import type { ChangeOutcome, StoredChange } from '../../approvals/types.js';
import type { SessionActionKind } from '../../engines/contract/health.js';
import { hideDeniedQueries } from './deny-texts.js';

const refuse = (code: string, message: string): ChangeOutcome => ({ rows_affected: null, error: { code, message } });

export async function runSessionAction(change: StoredChange, { engine, source }: RunTarget): Promise<ChangeOutcome> {
  const action = change.payload?.action as SessionActionKind | undefined;
  const pid = change.payload?.pid;
  if (
    (action !== 'cancel' && action !== 'terminate') ||
    typeof pid !== 'number' ||
    !Number.isSafeInteger(pid) ||
    pid < 1
  ) {
    return refuse('INVALID_ARGUMENT', 'the stored session action has no valid action and pid; it was not run');
  }
  const sessions = engine.health?.sessions;
  if (!sessions) return refuse('UNSUPPORTED_BY_ENGINE', `${engine.name} has no server sessions; nothing was run`);
  if (sessions.statement(action, pid) !== change.sql)
    return refuse(
      'STATEMENT_NOT_ALLOWED',
      'the stored SQL is not the statement for this action and pid; it was not run',
    );
  const sessionStart = typeof change.payload?.session_start === 'string' ? change.payload.session_start : undefined;
  const result = await sessions.run(action, pid, sessionStart);
  const report = hideDeniedQueries({ action, pid, ...result }, source.deny_tables); // the session's statement, before and after, is stored and shown by get_change
  if (!result.found)
    return { rows_affected: null, error: { code: 'SESSION_NOT_FOUND', message: result.message }, report };
  if (!result.done)
    return { rows_affected: null, error: { code: 'SESSION_ACTION_REFUSED', message: result.message }, report };
  return { rows_affected: null, report };
}
