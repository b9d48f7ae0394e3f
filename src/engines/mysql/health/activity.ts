/** MySQL/MariaDB sessions: connections, long and idle transactions, long statements, InnoDB lock waits. */
import type { HealthCheck } from '../../contract/health.js';
import { level, ok, pct, plural, queryText, secs } from '../../kit/health/judge.js';
import { blockingResult, chains, type WaitRow } from '../../kit/health/blocking.js';
import type { MysqlDriver } from '../core/driver.js';
import { globalStatus, globalVariables } from './vars.js';

export function connections(driver: MysqlDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const [status, vars] = await Promise.all([
      globalStatus(driver, ['Threads_connected', 'Threads_running', 'Max_used_connections']),
      globalVariables(driver, ['max_connections']),
    ]);
    const connected = Number(status.threads_connected ?? 0);
    const max = Number(vars.max_connections ?? 0);
    const used = pct(connected, max);
    const evidence = {
      threads_connected: connected,
      threads_running: Number(status.threads_running ?? 0),
      max_used_connections: Number(status.max_used_connections ?? 0),
      max_connections: max,
      used_pct: used,
    };
    const status_ = level(used, t.connections_warn_pct, t.connections_fail_pct);
    const message = `${connected} of ${max} connections in use (${used}%), ${evidence.threads_running} running; peak ${evidence.max_used_connections}`;
    return status_ === 'ok'
      ? ok(message, evidence)
      : {
          status: status_,
          message,
          evidence,
          fix: "Lower the applications' pool sizes or add a proxy (ProxySQL, MaxScale); close idle connections (wait_timeout). Raising max_connections costs memory per thread.",
        };
  };
}

interface TrxRow {
  id: number | string;
  trx_id: string;
  trx_state: string;
  started: string;
  trx_s: number | string;
  rows_locked: number | string;
  rows_modified: number | string;
  tables_locked: number | string;
  user: string | null;
  host: string | null;
  db: string | null;
  command: string | null;
  command_s: number | string | null;
  query: string | null;
}

/**
 * Open InnoDB transactions of other sessions; without PROCESS the login sees only its own.
 * INNODB_TRX (and the lock views) are a snapshot InnoDB refreshes only when nobody read it in the
 * last 100 ms: the checks of one call see one consistent picture.
 */
const TRX_SQL = `
  SELECT t.trx_mysql_thread_id AS id, t.trx_id, t.trx_state, CAST(t.trx_started AS CHAR) AS started, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS trx_s,
    t.trx_rows_locked AS rows_locked, t.trx_rows_modified AS rows_modified, t.trx_tables_locked AS tables_locked,
    p.USER AS user, p.HOST AS host, p.DB AS db, p.COMMAND AS command, p.TIME AS command_s, COALESCE(t.trx_query, p.INFO) AS query
  FROM information_schema.INNODB_TRX t LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
  WHERE t.trx_mysql_thread_id <> CONNECTION_ID()
  ORDER BY t.trx_started`;

function trxEvidence(r: TrxRow) {
  return {
    id: Number(r.id),
    trx_id: r.trx_id,
    state: r.trx_state,
    started: r.started,
    transaction_s: Number(r.trx_s),
    user: r.user,
    host: r.host,
    db: r.db,
    command: r.command,
    command_s: r.command_s === null ? null : Number(r.command_s),
    rows_locked: Number(r.rows_locked),
    rows_modified: Number(r.rows_modified),
    tables_locked: Number(r.tables_locked),
    query: queryText(r.query),
  };
}

export function longTransactions(driver: MysqlDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const rows = (await driver.catalog<TrxRow>(TRX_SQL))
      .filter((r) => Number(r.trx_s) >= t.long_transaction_s)
      .slice(0, 50);
    if (rows.length === 0)
      return ok(
        `no InnoDB transaction open longer than ${t.long_transaction_s} s (a login without PROCESS sees only its own)`,
      );
    const trx = rows.map(trxEvidence);
    return {
      status: 'warn',
      message: `${plural(trx.length, 'transaction')} open longer than ${t.long_transaction_s} s: ${trx.map((x) => `id ${x.id} (${x.user ?? '?'}, ${x.transaction_s} s, ${x.rows_locked} rows locked)`).join(', ')}`,
      evidence: { threshold_s: t.long_transaction_s, transactions: trx },
      fix: 'A long transaction holds locks and keeps old row versions (history list) alive: commit in smaller batches; if it must stop, terminate_session {id} (a person approves KILL id; the transaction rolls back, which can take as long as it ran).',
    };
  };
}

export function idleInTransaction(driver: MysqlDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const [rows, waits] = await Promise.all([driver.catalog<TrxRow>(TRX_SQL), waitRows(driver).catch(() => [])]);
    const idle = rows
      .filter((r) => r.command === 'Sleep' && Number(r.command_s ?? 0) >= t.idle_in_transaction_s)
      .slice(0, 50)
      .map((r) => ({
        ...trxEvidence(r),
        blocking_ids: waits.filter((w) => w.blocker_pid === Number(r.id)).map((w) => w.blocked_pid),
      }));
    if (idle.length === 0)
      return ok(`no session idle in an open transaction for more than ${t.idle_in_transaction_s} s`);
    const blocking = idle.some((x) => x.blocking_ids.length > 0);
    return {
      status: blocking ? 'fail' : 'warn',
      message: `${plural(idle.length, 'session')} idle in an open transaction: ${idle.map((x) => `id ${x.id} (${x.user ?? '?'}, idle ${x.command_s} s, ${x.rows_locked} rows locked${x.blocking_ids.length ? `, blocking ${x.blocking_ids.join(', ')}` : ''})`).join(', ')}`,
      evidence: { threshold_s: t.idle_in_transaction_s, sessions: idle },
      fix: 'The application opened a transaction and went quiet: it keeps its row locks until it commits. Fix the code path; end this one with terminate_session {id} (a person approves KILL id). wait_timeout bounds idle sessions.',
    };
  };
}

export function longQueries(driver: MysqlDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const rows = await driver.catalog<{
      id: number | string;
      user: string;
      host: string;
      db: string | null;
      time: number | string;
      state: string | null;
      query: string | null;
    }>(
      `
      SELECT ID AS id, USER AS user, HOST AS host, DB AS db, TIME AS time, STATE AS state, INFO AS query FROM information_schema.PROCESSLIST
      WHERE COMMAND = 'Query' AND ID <> CONNECTION_ID() AND TIME >= ? AND USER NOT IN ('system user', 'event_scheduler') ORDER BY TIME DESC LIMIT 50`,
      [t.long_query_s],
    );
    if (rows.length === 0) return ok(`no statement running longer than ${t.long_query_s} s`);
    const sessions = rows.map((r) => ({
      id: Number(r.id),
      user: r.user,
      host: r.host,
      db: r.db,
      running_s: Number(r.time),
      state: r.state,
      query: queryText(r.query),
    }));
    return {
      status: 'warn',
      message: `${plural(sessions.length, 'statement')} running longer than ${t.long_query_s} s: ${sessions.map((s) => `id ${s.id} (${s.running_s} s)`).join(', ')}`,
      evidence: { threshold_s: t.long_query_s, sessions },
      fix: 'Look at its plan (analyze_query); to stop it, cancel_query {id} (a person approves KILL QUERY id). max_execution_time (MySQL) / max_statement_time (MariaDB) bound statements.',
    };
  };
}

const WAIT_COLUMNS = `
  r.trx_mysql_thread_id AS blocked_pid, rp.USER AS blocked_user, TIMESTAMPDIFF(SECOND, r.trx_wait_started, NOW()) AS waiting_s, r.trx_query AS blocked_query,
  b.trx_mysql_thread_id AS blocker_pid, bp.USER AS blocker_user, CASE WHEN bp.COMMAND = 'Sleep' THEN 'idle in transaction' ELSE LOWER(bp.COMMAND) END AS blocker_state,
  TIMESTAMPDIFF(SECOND, b.trx_started, NOW()) AS blocker_xact_s, COALESCE(b.trx_query, bp.INFO) AS blocker_query, NULL AS transactionid`;

const WAIT_JOINS = `
  JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking
  LEFT JOIN information_schema.PROCESSLIST rp ON rp.ID = r.trx_mysql_thread_id LEFT JOIN information_schema.PROCESSLIST bp ON bp.ID = b.trx_mysql_thread_id`;

/** MariaDB and MySQL 5.7: information_schema.INNODB_LOCK_WAITS / INNODB_LOCKS. */
const INFORMATION_SCHEMA_WAITS = `
  SELECT ${WAIT_COLUMNS}, COALESCE(rl.lock_type, 'RECORD') AS locktype, rl.lock_mode AS wanted_mode, CONCAT(rl.lock_table, COALESCE(CONCAT(' index ', rl.lock_index), '')) AS relation, bl.lock_mode AS blocker_mode
  FROM (SELECT requesting_trx_id AS requesting, blocking_trx_id AS blocking, requested_lock_id, blocking_lock_id FROM information_schema.INNODB_LOCK_WAITS) w ${WAIT_JOINS}
  LEFT JOIN information_schema.INNODB_LOCKS rl ON rl.lock_id = w.requested_lock_id LEFT JOIN information_schema.INNODB_LOCKS bl ON bl.lock_id = w.blocking_lock_id
  ORDER BY waiting_s DESC LIMIT 200`;

/** MySQL 8: performance_schema.data_lock_waits / data_locks. */
const PERFORMANCE_SCHEMA_WAITS = `
  SELECT ${WAIT_COLUMNS}, COALESCE(rl.LOCK_TYPE, 'RECORD') AS locktype, rl.LOCK_MODE AS wanted_mode, CONCAT(rl.OBJECT_SCHEMA, '.', rl.OBJECT_NAME, COALESCE(CONCAT(' index ', rl.INDEX_NAME), '')) AS relation, bl.LOCK_MODE AS blocker_mode
  FROM (SELECT REQUESTING_ENGINE_TRANSACTION_ID AS requesting, BLOCKING_ENGINE_TRANSACTION_ID AS blocking, REQUESTING_ENGINE_LOCK_ID AS requested_lock_id, BLOCKING_ENGINE_LOCK_ID AS blocking_lock_id FROM performance_schema.data_lock_waits) w ${WAIT_JOINS}
  LEFT JOIN performance_schema.data_locks rl ON rl.ENGINE_LOCK_ID = w.requested_lock_id LEFT JOIN performance_schema.data_locks bl ON bl.ENGINE_LOCK_ID = w.blocking_lock_id
  ORDER BY waiting_s DESC LIMIT 200`;

async function waitRows(driver: MysqlDriver): Promise<WaitRow[]> {
  const server = await driver.server();
  const sql = server.variant === 'mysql' && server.major >= 8 ? PERFORMANCE_SCHEMA_WAITS : INFORMATION_SCHEMA_WAITS;
  const raw = await driver.catalog<Record<keyof WaitRow, string | number | null>>(sql);
  return raw.map((r) => ({
    ...(r as unknown as WaitRow),
    blocked_pid: Number(r.blocked_pid),
    blocker_pid: Number(r.blocker_pid),
    waiting_s: Number(r.waiting_s ?? 0),
    blocker_xact_s: secs(r.blocker_xact_s),
  }));
}

export function lockWaits(driver: MysqlDriver): HealthCheck {
  return async ({ thresholds: t }) =>
    blockingResult(
      chains(await waitRows(driver)),
      t.lock_wait_warn_s,
      t.lock_wait_fail_s,
      'innodb_lock_wait_timeout bounds row-lock waits and lock_wait_timeout metadata-lock waits (DDL); a waiting ALTER TABLE (metadata lock) shows in SHOW PROCESSLIST as "Waiting for table metadata lock".',
    );
}
