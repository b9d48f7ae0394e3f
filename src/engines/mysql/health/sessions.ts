/** cancel_query / terminate_session on MySQL/MariaDB: KILL QUERY n / KILL n on a dedicated connection (never the pool). */
import mysql from 'mysql2/promise';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { SessionActionKind, SessionActionOps, SessionInfo } from '../../contract/health.js';
import { actionMessage, settledAfter } from '../../kit/health/wait.js';
import { queryText } from '../../kit/health/judge.js';
import { connectionOptions, redactorFor } from '../core/connect.js';
import { ToolError } from '../../../core/errors.js';
import { toMysqlToolError } from '../core/errors.js';
import type { EngineSource } from '../../contract/engine.js';

const DESCRIBE_SQL = `
  SELECT p.ID AS pid, p.USER AS user, p.DB AS \`database\`, p.COMMAND AS command, p.TIME AS time, p.INFO AS query,
    EXISTS (SELECT 1 FROM information_schema.INNODB_TRX t WHERE t.trx_mysql_thread_id = p.ID) AS in_trx
  FROM information_schema.PROCESSLIST p WHERE p.ID = ?`;

/** The thread in the same words as PostgreSQL: active (running a statement), idle, idle in transaction. */
function stateOf(command: string, inTrx: boolean): string {
  if (command === 'Query') return 'active';
  if (command === 'Sleep') return inTrx ? 'idle in transaction' : 'idle';
  return command.toLowerCase();
}

/**
 * Connection ids count up from 1 again when the server restarts, so the session's start is taken as
 * the server's: `up since <time>` (server clock, to the second). The same id under the same start
 * names the same session; under another, maybe another session.
 */
async function serverStartOn(conn: Connection): Promise<string> {
  let started = NaN;
  // clock and uptime in one statement; MariaDB keeps the status table in information_schema, MySQL 5.7+ in performance_schema
  for (const schema of ['information_schema', 'performance_schema']) {
    try {
      const [[row]] = await conn.query<RowDataPacket[]>(
        `SELECT UNIX_TIMESTAMP() - VARIABLE_VALUE AS started FROM ${schema}.global_status WHERE VARIABLE_NAME = 'UPTIME'`,
      );
      started = Number(row?.started ?? NaN);
      break;
    } catch (err) {
      if ((err as { errno?: number }).errno !== 1109 && (err as { errno?: number }).errno !== 1146) throw err; // unknown table: try the other place
    }
  }
  if (!Number.isFinite(started))
    throw new ToolError(
      'UNSUPPORTED_BY_ENGINE',
      'the server does not report its uptime, so a connection id cannot be told from one reused after a restart',
      'Grant read access to the global status (information_schema.GLOBAL_STATUS on MariaDB, performance_schema.global_status on MySQL) to the login dba-mcp uses.',
    );
  return `up since ${new Date(Math.round(started) * 1000).toISOString().replace('.000Z', 'Z')}`;
}

/** Uptime counts whole seconds: two reads of one server run may differ by a second. */
const SAME_RUN_SLACK_MS = 1_500;

function sameServerRun(seen: string | null | undefined, approved: string): boolean {
  const at = (s: string) => Date.parse(s.replace(/^up since /, ''));
  return seen !== null && seen !== undefined && Math.abs(at(seen) - at(approved)) <= SAME_RUN_SLACK_MS; // NaN (an unreadable value) is never the same run
}

async function describeOn(conn: Connection, pid: number): Promise<SessionInfo | null> {
  const [rows] = await conn.execute<RowDataPacket[]>(DESCRIBE_SQL, [pid]); // bound by the server
  const r = rows[0];
  if (!r) return null;
  return {
    pid: Number(r.pid),
    user: r.user ?? null,
    database: r.database ?? null,
    state: stateOf(String(r.command), Number(r.in_trx) === 1),
    query: queryText(r.query),
    running_s: r.time === null ? null : Number(r.time),
    started_at: null,
  };
}

/** The session with the server's start, as the person is shown it and the approval stores it. */
async function describeWithStart(conn: Connection, pid: number): Promise<SessionInfo | null> {
  const session = await describeOn(conn, pid);
  return session && { ...session, session_start: await serverStartOn(conn) };
}

export function mysqlSessions(source: EngineSource, where: string): SessionActionOps {
  const withConnection = async <T>(fn: (conn: Connection) => Promise<T>): Promise<T> => {
    let conn: Connection | undefined;
    try {
      conn = await mysql.createConnection(connectionOptions(source));
      (conn as unknown as { connection: NodeJS.EventEmitter }).connection.on('error', () => {}); // a late socket error must not go unhandled
      return await fn(conn);
    } catch (err) {
      throw toMysqlToolError(err, { where, redact: redactorFor(source) });
    } finally {
      await conn?.end().catch(() => conn?.destroy());
    }
  };
  const statement = (action: SessionActionKind, pid: number) =>
    `${action === 'cancel' ? 'KILL QUERY' : 'KILL'} ${Math.trunc(pid)}`;
  return {
    statement,
    describe: (pid) => withConnection((c) => describeWithStart(c, pid)),
    run: (action, pid, sessionStart) =>
      withConnection(async (conn) => {
        const before = await describeWithStart(conn, pid);
        if (!before)
          return {
            found: false,
            done: false,
            before: null,
            gone_after: null,
            message: `no session ${pid}: it had ended before the action ran; nothing was done`,
          };
        if (sessionStart && !sameServerRun(before.session_start, sessionStart)) {
          return {
            found: false,
            done: false,
            before,
            gone_after: null,
            message: `the server restarted after the person approved (${before.session_start}, not ${sessionStart}): connection id ${pid} now belongs to another session; nothing was done`,
          };
        }
        try {
          await conn.query(statement(action, pid)); // exactly the statement the person approved
        } catch (err) {
          if ((err as { errno?: number }).errno === 1094)
            return {
              found: true,
              done: false,
              before,
              gone_after: null,
              message: actionMessage(action, pid, false, null),
            }; // unknown thread id: ended meanwhile
          throw err;
        }
        const gone = await settledAfter(action, before, () => describeOn(conn, pid));
        return { found: true, done: true, before, gone_after: gone, message: actionMessage(action, pid, true, gone) };
      }),
  };
}
