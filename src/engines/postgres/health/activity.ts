/** PostgreSQL sessions: connections, long statements, idle-in-transaction, blocking chains, deadlocks. */
import type { HealthCheck } from '../../contract/health.js';
import { level, ok, pct, plural, queryText, secs } from '../../kit/health/judge.js';
import { blockingResult, chains, type WaitRow } from '../../kit/health/blocking.js';
import type { PgDriver } from '../core/driver.js';

/** Sessions of clients, without this check's own connection. */
const CLIENTS = `backend_type = 'client backend' AND pid <> pg_backend_pid()`;

export function connections(driver: PgDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const [r] = await driver.catalog<{
      total: number;
      active: number;
      idle: number;
      idle_in_transaction: number;
      max_connections: number;
      reserved: number;
    }>(`
      SELECT count(*)::int AS total, count(*) FILTER (WHERE state = 'active')::int AS active, count(*) FILTER (WHERE state = 'idle')::int AS idle,
        count(*) FILTER (WHERE state LIKE 'idle in transaction%')::int AS idle_in_transaction,
        current_setting('max_connections')::int AS max_connections, current_setting('superuser_reserved_connections')::int AS reserved
      FROM pg_stat_activity WHERE backend_type = 'client backend'`);
    const usable = r!.max_connections - r!.reserved;
    const used = pct(r!.total, usable);
    const status = level(used, t.connections_warn_pct, t.connections_fail_pct);
    const evidence = { ...r!, usable, used_pct: used };
    const message = `${r!.total} of ${usable} usable connections in use (${used}%): ${r!.active} active, ${r!.idle} idle, ${r!.idle_in_transaction} idle in transaction`;
    return {
      status,
      message,
      evidence,
      fix:
        status === 'ok'
          ? null
          : 'Put a connection pooler (PgBouncer, transaction mode) in front, lower the pool sizes of the applications, or end idle sessions (idle_session_timeout); raising max_connections costs memory per connection.',
    };
  };
}

interface ActiveRow {
  pid: number;
  user: string | null;
  database: string | null;
  application: string | null;
  client: string | null;
  state: string | null;
  running_s: number;
  xact_s: number | null;
  wait_event_type: string | null;
  wait_event: string | null;
  query: string | null;
}

export function longQueries(driver: PgDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const rows = await driver.catalog<ActiveRow>(
      `
      SELECT pid, usename AS user, datname AS database, application_name AS application, client_addr::text AS client, state,
        extract(epoch FROM now() - query_start)::float8 AS running_s, extract(epoch FROM now() - xact_start)::float8 AS xact_s,
        wait_event_type, wait_event, query
      FROM pg_stat_activity
      WHERE ${CLIENTS} AND state = 'active' AND (now() - query_start > make_interval(secs => $1) OR now() - xact_start > make_interval(secs => $2))
      ORDER BY least(query_start, xact_start) LIMIT 50`,
      [t.long_query_s, t.long_transaction_s],
    );
    if (rows.length === 0)
      return ok(
        `no statement running longer than ${t.long_query_s} s and no active transaction open longer than ${t.long_transaction_s} s`,
      );
    const sessions = rows.map((r) => ({
      ...r,
      running_s: secs(r.running_s),
      xact_s: secs(r.xact_s),
      query: queryText(r.query),
    }));
    return {
      status: 'warn',
      message: `${plural(rows.length, 'long-running session')}: ${sessions.map((s) => `pid ${s.pid} (${s.running_s} s, transaction ${s.xact_s} s)`).join(', ')}`,
      evidence: { threshold_s: t.long_query_s, sessions },
      fix: `Find out why (analyze_query on the statement); if it must stop, cancel_query {pid} (or terminate_session) asks a person to approve SELECT pg_cancel_backend(pid). Set statement_timeout for the application role to bound it.`,
    };
  };
}

interface IdleRow {
  pid: number;
  user: string | null;
  database: string | null;
  application: string | null;
  client: string | null;
  state: string;
  idle_s: number;
  xact_s: number;
  backend_xmin_age: number | null;
  last_query: string | null;
  locks_held: string[] | null;
  blocking_pids: number[];
}

export function idleInTransaction(driver: PgDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const rows = await driver.catalog<IdleRow>(
      `
      SELECT a.pid, a.usename AS user, a.datname AS database, a.application_name AS application, a.client_addr::text AS client, a.state,
        extract(epoch FROM now() - a.state_change)::float8 AS idle_s, extract(epoch FROM now() - a.xact_start)::float8 AS xact_s,
        age(a.backend_xmin)::float8 AS backend_xmin_age, a.query AS last_query,
        ARRAY(SELECT DISTINCT l.mode || ' on ' || l.relation::regclass::text FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
              WHERE l.pid = a.pid AND l.granted AND c.relkind IN ('r', 'p', 'm') ORDER BY 1) AS locks_held,
        ARRAY(SELECT b.pid FROM pg_stat_activity b WHERE a.pid = ANY(pg_blocking_pids(b.pid)) ORDER BY b.pid) AS blocking_pids
      FROM pg_stat_activity a
      WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid() AND a.state IN ('idle in transaction', 'idle in transaction (aborted)')
        AND now() - a.state_change > make_interval(secs => $1)
      ORDER BY a.state_change LIMIT 50`,
      [t.idle_in_transaction_s],
    );
    if (rows.length === 0) return ok(`no session idle in a transaction for more than ${t.idle_in_transaction_s} s`);
    const sessions = rows.map((r) => ({
      ...r,
      idle_s: secs(r.idle_s),
      xact_s: secs(r.xact_s),
      last_query: queryText(r.last_query),
    }));
    const blocking = sessions.some((s) => s.blocking_pids.length > 0);
    return {
      status: blocking ? 'fail' : 'warn',
      message: `${plural(rows.length, 'session')} idle in an open transaction: ${sessions.map((s) => `pid ${s.pid} (${s.user ?? '?'}, idle ${s.idle_s} s${s.blocking_pids.length ? `, blocking ${s.blocking_pids.join(', ')}` : ''})`).join(', ')}`,
      evidence: { threshold_s: t.idle_in_transaction_s, sessions },
      fix: 'Such a session holds its locks and holds back vacuum until it ends: fix the application to commit or roll back promptly, set idle_in_transaction_session_timeout, and end this one with terminate_session {pid} (a person approves it).',
    };
  };
}

const SAME_TARGET = [
  'locktype',
  'database',
  'relation',
  'page',
  'tuple',
  'virtualxid',
  'transactionid',
  'classid',
  'objid',
  'objsubid',
]
  .map((c) => `h.${c} IS NOT DISTINCT FROM w.${c}`)
  .join(' AND ');

/** PG14+ records when a lock wait started; before, the statement's start is the best bound. */
const blockingSql = (waitStart: string) => `
  WITH w AS (SELECT l.*, a.usename, a.query, a.query_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND l.pid <> pg_backend_pid())
  SELECT w.pid AS blocked_pid, w.usename AS blocked_user, w.locktype, w.mode AS wanted_mode,
    coalesce(w.relation::regclass::text, (SELECT string_agg(DISTINCT t.relation::regclass::text, ', ') FROM pg_locks t WHERE t.pid = w.pid AND t.locktype = 'tuple')) AS relation,
    w.transactionid::text AS transactionid, extract(epoch FROM now() - ${waitStart})::float8 AS waiting_s, w.query AS blocked_query,
    b.pid AS blocker_pid, ba.usename AS blocker_user, ba.state AS blocker_state,
    (SELECT string_agg(DISTINCT h.mode, ', ') FROM pg_locks h WHERE h.pid = b.pid AND h.granted AND ${SAME_TARGET}) AS blocker_mode,
    extract(epoch FROM now() - ba.xact_start)::float8 AS blocker_xact_s, ba.query AS blocker_query
  FROM w CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS b(pid) JOIN pg_stat_activity ba ON ba.pid = b.pid
  ORDER BY waiting_s DESC, w.pid, b.pid LIMIT 200`;

export function blocking(driver: PgDriver, version: () => Promise<number>): HealthCheck {
  return async ({ thresholds: t }) => {
    const waitStart = (await version()) >= 140000 ? 'coalesce(w.waitstart, w.query_start)' : 'w.query_start';
    const rows = await driver.catalog<WaitRow>(blockingSql(waitStart));
    return blockingResult(
      chains(rows),
      t.lock_wait_warn_s,
      t.lock_wait_fail_s,
      'Set lock_timeout for DDL so it gives up instead of queueing everyone behind it.',
    );
  };
}

export function deadlocks(driver: PgDriver): HealthCheck {
  return async () => {
    const [r] = await driver.catalog<{
      deadlocks: number;
      since: string | null;
      deadlock_timeout: string;
      log_lock_waits: string;
    }>(`
      SELECT deadlocks::float8 AS deadlocks, coalesce(stats_reset, pg_postmaster_start_time())::text AS since,
        current_setting('deadlock_timeout') AS deadlock_timeout, current_setting('log_lock_waits') AS log_lock_waits
      FROM pg_stat_database WHERE datname = current_database()`);
    if (!r || r.deadlocks === 0)
      return ok(`no deadlocks in this database since ${r?.since ?? 'the statistics were reset'}`, r ? { ...r } : {});
    return {
      status: 'warn',
      message: `${plural(r.deadlocks, 'deadlock')} in this database since ${r.since}`,
      evidence: { ...r },
      fix: 'The server log has each deadlock with both statements (turn on log_lock_waits to see long waits too). Make transactions touch rows and tables in the same order, keep them short, and retry on SQLSTATE 40P01.',
    };
  };
}

export function preparedTransactions(driver: PgDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const rows = await driver.catalog<{
      gid: string;
      database: string;
      owner: string;
      prepared: string;
      age_s: number;
    }>(`
      SELECT gid, database, owner, prepared::text, extract(epoch FROM now() - prepared)::float8 AS age_s FROM pg_prepared_xacts ORDER BY prepared`);
    const old = rows.filter((r) => r.age_s >= t.long_transaction_s).map((r) => ({ ...r, age_s: secs(r.age_s) }));
    if (old.length === 0)
      return ok(
        `no prepared (two-phase) transaction older than ${t.long_transaction_s} s${rows.length ? ` (${rows.length} younger)` : ''}`,
      );
    return {
      status: 'warn',
      message: `${plural(old.length, 'prepared transaction')} left open: ${old.map((r) => `${r.gid} (${r.database}, ${r.age_s} s)`).join(', ')}; they keep their locks and hold back vacuum even with no session attached`,
      evidence: { transactions: old },
      fix: `Ask the transaction manager that prepared it to finish it; if it is abandoned, COMMIT PREPARED or ROLLBACK PREPARED '<gid>' (a reviewed change, in database ${old[0]!.database}).`,
    };
  };
}
