/** After a cancel or kill: did the statement stop / the session end? Polls briefly, then says what it saw. */
import type { SessionActionKind, SessionInfo } from '../../contract/health.js';

const POLL_MS = 100;

/** True once `before`'s statement (cancel) or session (terminate) is gone; false if still there after `ms`. */
export async function settledAfter(
  action: SessionActionKind,
  before: SessionInfo,
  describe: () => Promise<SessionInfo | null>,
  ms = 3_000,
): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    const now = await describe();
    if (!now) return true;
    if (
      action === 'cancel' &&
      (now.state !== before.state || now.started_at !== before.started_at || before.state !== 'active')
    )
      return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export function actionMessage(action: SessionActionKind, pid: number, done: boolean, gone: boolean | null): string {
  const verb = action === 'cancel' ? 'cancel the running statement of' : 'terminate';
  if (!done)
    return `the server refused to ${verb} session ${pid} (it may have ended meanwhile, or the login may not signal it)`;
  if (action === 'cancel')
    return gone
      ? `cancelled: session ${pid} is no longer running that statement`
      : `cancel sent to session ${pid}, but it was still running that statement after 3 s (it may be in a step that checks for cancel late)`;
  return gone
    ? `terminated: session ${pid} has ended; its open transaction was rolled back`
    : `terminate sent to session ${pid}, but it was still there after 3 s`;
}
