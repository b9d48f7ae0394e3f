/** cancel_query / terminate_session on PostgreSQL: pg_cancel_backend / pg_terminate_backend on a dedicated connection. */
import pg from 'pg';
import type { SessionActionKind, SessionActionOps, SessionInfo } from '../../contract/health.js';
import { actionMessage, settledAfter } from '../../kit/health/wait.js';
import { queryText, secs } from '../../kit/health/judge.js';
import { toPgToolError } from '../core/errors.js';
import type { EngineSource } from '../../contract/engine.js';

const FUNCTION: Record<SessionActionKind, string> = { cancel: 'pg_cancel_backend', terminate: 'pg_terminate_backend' };

const DESCRIBE_SQL = `
  SELECT pid, usename AS user, datname AS database, state, query, extract(epoch FROM now() - query_start)::float8 AS running_s, query_start::text AS started_at, backend_start::text AS session_start
  FROM pg_stat_activity WHERE pid = $1`;

/** A backend pid is a PostgreSQL integer: a larger number names no session. */
const MAX_PID = 2 ** 31 - 1;

async function describeOn(client: pg.Client, pid: number): Promise<SessionInfo | null> {
  if (pid > MAX_PID) return null;
  const { rows } = await client.query<SessionInfo>(DESCRIBE_SQL, [pid]);
  const r = rows[0];
  return r ? { ...r, query: queryText(r.query), running_s: secs(r.running_s) } : null;
}

export function pgSessions(source: EngineSource, where: string): SessionActionOps {
  const withClient = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({
      connectionString: source.parsed.normalized,
      application_name: 'dba-mcp-session-action',
      connectionTimeoutMillis: source.limits.connect_timeout_ms,
    });
    client.on('error', () => {}); // a dropped connection must not crash the process; the query rejects
    try {
      await client.connect();
      await client.query(`SET statement_timeout = ${source.limits.statement_timeout_ms}`);
      return await fn(client);
    } catch (err) {
      throw toPgToolError(err, where);
    } finally {
      await client.end().catch(() => {});
    }
  };
  const statement = (action: SessionActionKind, pid: number) => `SELECT ${FUNCTION[action]}(${Math.trunc(pid)})`;
  return {
    statement,
    describe: (pid) => withClient((c) => describeOn(c, pid)),
    run: (action, pid, sessionStart) =>
      withClient(async (client) => {
        const before = await describeOn(client, pid);
        if (!before)
          return {
            found: false,
            done: false,
            before: null,
            gone_after: null,
            message: `no session ${pid}: it had ended before the action ran; nothing was done`,
          };
        if (sessionStart && before.session_start !== sessionStart) {
          return {
            found: false,
            done: false,
            before,
            gone_after: null,
            message: `pid ${pid} now belongs to another session (started ${before.session_start ?? '?'}, not ${sessionStart}): the session the person approved has ended; nothing was done`,
          };
        }
        // Exactly the statement the person approved; its one value says whether the signal was sent.
        const { rows } = await client.query<unknown[]>({ text: statement(action, pid), rowMode: 'array' });
        const done = rows[0]?.[0] === true;
        const gone = done ? await settledAfter(action, before, () => describeOn(client, pid)) : null;
        return { found: true, done, before, gone_after: gone, message: actionMessage(action, pid, done, gone) };
      }),
  };
}
