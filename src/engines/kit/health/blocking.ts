/**
 * Who blocks whom, from lock-wait rows every engine maps to WaitRow (PostgreSQL pg_locks +
 * pg_blocking_pids; MariaDB INNODB_LOCK_WAITS; MySQL 8 performance_schema.data_lock_waits):
 * one entry per waiting session with its wanted lock and its blockers, and the root blockers.
 */
import { ok, plural, queryText, secs, type CheckResult } from './judge.js';

export interface WaitRow {
  blocked_pid: number;
  blocked_user: string | null;
  locktype: string;
  wanted_mode: string;
  relation: string | null;
  transactionid: string | null;
  waiting_s: number;
  blocked_query: string | null;
  blocker_pid: number;
  blocker_user: string | null;
  blocker_state: string | null;
  blocker_mode: string | null;
  blocker_xact_s: number | null;
  blocker_query: string | null;
}

export interface BlockedSession {
  pid: number;
  user: string | null;
  waiting_s: number | null;
  wants: { locktype: string; mode: string; relation: string | null; transactionid: string | null };
  query: string | null;
  blocked_by: {
    pid: number;
    user: string | null;
    state: string | null;
    holds: string | null;
    transaction_s: number | null;
    query: string | null;
  }[];
}

export function chains(rows: readonly WaitRow[]): BlockedSession[] {
  const byPid = new Map<number, BlockedSession>();
  for (const r of rows) {
    let s = byPid.get(r.blocked_pid);
    if (!s) {
      s = {
        pid: r.blocked_pid,
        user: r.blocked_user,
        waiting_s: secs(r.waiting_s),
        wants: { locktype: r.locktype, mode: r.wanted_mode, relation: r.relation, transactionid: r.transactionid },
        query: queryText(r.blocked_query),
        blocked_by: [],
      };
      byPid.set(r.blocked_pid, s);
    }
    s.blocked_by.push({
      pid: r.blocker_pid,
      user: r.blocker_user,
      state: r.blocker_state,
      holds: r.blocker_mode,
      transaction_s: secs(r.blocker_xact_s),
      query: queryText(r.blocker_query),
    });
  }
  return [...byPid.values()];
}

/** `timeoutAdvice`: the engine's setting that bounds lock waits, e.g. PostgreSQL lock_timeout. */
export function blockingResult(
  blocked: BlockedSession[],
  warnS: number,
  failS: number,
  timeoutAdvice: string,
): CheckResult {
  if (blocked.length === 0) return ok('no session is waiting for a lock held by another');
  const longest = Math.max(...blocked.map((b) => b.waiting_s ?? 0));
  const waitingPids = new Set(blocked.map((b) => b.pid));
  const roots = [...new Set(blocked.flatMap((b) => b.blocked_by.map((x) => x.pid)))].filter(
    (pid) => !waitingPids.has(pid),
  );
  const lines = blocked.map(
    (b) =>
      `pid ${b.pid} waits ${b.waiting_s} s for ${b.wants.mode} on ${b.wants.relation ?? b.wants.locktype}${b.wants.transactionid ? ` (transaction ${b.wants.transactionid})` : ''}, blocked by ${b.blocked_by.map((x) => `pid ${x.pid}${x.holds ? ` (holds ${x.holds}, ${x.state})` : ` (${x.state})`}`).join(', ')}`,
  );
  const status = longest >= failS ? 'fail' : longest >= warnS ? 'warn' : 'ok';
  return {
    status,
    message: `${plural(blocked.length, 'session')} blocked: ${lines.slice(0, 10).join('; ')}${lines.length > 10 ? '; ...' : ''}`,
    evidence: { longest_wait_s: longest, root_blockers: roots, blocked },
    fix: `Look at the root blocker${roots.length > 1 ? 's' : ''} (pid ${roots.join(', ')}): a transaction left open or a long statement. Ending it releases the locks: terminate_session {pid} (a person approves it). ${timeoutAdvice}`,
  };
}
