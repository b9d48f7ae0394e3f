/**
 * The pool and the life of a pooled connection. The pool is created on first use, never at
 * construction: the server starts even when the database is down. A connection is prepared once
 * (read-only session, statement time limit) when it is first handed out. After a statement that
 * may have changed the session (SET, USE, GET_LOCK...) the connection is reset and prepared again;
 * one that a KILL may be aimed at, or whose ROLLBACK or reset failed, is destroyed rather than
 * returned. Every connection carries an 'error' listener, so a dropped connection or a restarted
 * server never crashes the process; the pool opens fresh ones on the next call.
 */
import mysql from 'mysql2/promise';
import type { Connection as CoreConnection } from 'mysql2';
import type { ExecuteValues, Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { callSignal } from '../../../core/call-signal.js';
import { ToolError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logging.js';
import { endpointOf, killQuery, poolOptions, redactorFor } from './connect.js';
import type { Finish } from './collect.js';
import { toMysqlToolError, type ErrorContext } from './errors.js';
import { applyTimeout, detectServer, prepareSession, type DetectedServer, type SessionState } from './session.js';
import type { EngineSource } from '../../contract/engine.js';

/**
 * What becomes of a connection after a read: `keep` (ROLLBACK, back to the pool), `reset` (the
 * statement may have changed the session: reset it and prepare it again) or `discard` (a KILL
 * was or may be aimed at it: close it).
 */
export type Disposition = 'keep' | 'reset' | 'discard';

/** How long the rest of a truncated result, or a cancelled statement, may take to end before it is killed. */
const DRAIN_GRACE_MS = 1_000;

export class MysqlDriver {
  #pool: Pool | undefined;
  #server: DetectedServer | undefined;
  readonly #sessions = new WeakMap<object, SessionState>();
  readonly where: string;
  readonly #redact: (text: string) => string;

  constructor(
    private readonly source: EngineSource,
    private readonly logger: Logger,
  ) {
    this.where = endpointOf(source).where;
    this.#redact = redactorFor(source);
  }

  get #activePool(): Pool {
    this.#pool ??= this.#createPool();
    return this.#pool;
  }

  #createPool(): Pool {
    const pool = mysql.createPool(poolOptions(this.source));
    pool.pool.on('error', (err: Error) => this.#warn(err, 'MySQL pool error')); // none today; never unhandled
    return pool;
  }

  /** The server's product and version; detected on the first connection, then cached. */
  async server(): Promise<DetectedServer> {
    if (this.#server) return this.#server;
    const conn = await this.acquire();
    conn.release();
    return this.#server!;
  }

  /** A prepared connection from the pool. */
  async acquire(): Promise<PoolConnection> {
    let conn: PoolConnection;
    try {
      conn = await this.#activePool.getConnection();
    } catch (err) {
      throw this.toToolError(err);
    }
    if (this.#sessions.has(coreOf(conn))) return conn;
    try {
      await this.#prepare(conn);
      return conn;
    } catch (err) {
      conn.destroy();
      throw this.toToolError(err);
    }
  }

  async #prepare(conn: PoolConnection): Promise<void> {
    coreOf(conn).on('error', (err: Error) => this.#warn(err, 'MySQL connection dropped'));
    this.#server ??= await detectServer(conn);
    this.#sessions.set(
      coreOf(conn),
      await prepareSession(conn, this.#server.variant, this.source.limits.statement_timeout_ms),
    );
  }

  /**
   * A connection inside `START TRANSACTION READ ONLY`, its time limit set to `timeoutMs`. A pooled
   * connection found dead here (server restarted) is replaced once: nothing of the caller's ran yet.
   */
  async begin(timeoutMs: number): Promise<PoolConnection> {
    for (let attempt = 1; ; attempt++) {
      const conn = await this.acquire();
      try {
        await this.#syncTimeout(conn, timeoutMs);
        await conn.query('START TRANSACTION READ ONLY');
        return conn;
      } catch (err) {
        conn.destroy();
        if (attempt >= 2 || !(err as { fatal?: boolean }).fatal) throw this.toToolError(err);
        this.#warn(err as Error, 'replacing a dead pooled MySQL connection');
      }
    }
  }

  async #syncTimeout(conn: PoolConnection, timeoutMs: number): Promise<void> {
    const state = this.#sessions.get(coreOf(conn));
    if (!state || state.timeoutMs === null || state.timeoutMs === timeoutMs) return;
    state.timeoutMs = await applyTimeout(conn, this.#server!.variant, timeoutMs);
  }

  /** Runs a catalog query of ours (parametrized) on a pooled connection, outside any transaction; `signal` defaults to the current call's. */
  async catalog<R>(sql: string, params: readonly unknown[] = [], signal = callSignal()): Promise<R[]> {
    // A call the client cancelled stops its catalog query on the server (a metadata lock wait, a slow view).
    if (signal?.aborted) throw cancelledByClient();
    const conn = await this.acquire();
    const onAbort = () => void this.kill(conn.threadId);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // values bound by the server (a prepared statement, kept in the connection's bounded cache), never spliced in
      const [rows] = params.length
        ? await conn.execute<RowDataPacket[]>(sql, [...params] as ExecuteValues[])
        : await conn.query<RowDataPacket[]>(sql);
      // a KILL QUERY may still be on its way to this connection: never hand it to another caller
      if (signal?.aborted) conn.destroy();
      else conn.release();
      return rows as R[];
    } catch (err) {
      conn.destroy();
      if (signal?.aborted) throw cancelledByClient(err);
      throw this.toToolError(err);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Ends a read without the caller waiting: lets the statement finish (killing it if the rest of
   * its result drags on), then hands the connection back as `disposition` says.
   */
  finishRead(conn: PoolConnection, finished: Promise<Finish>, disposition: Disposition): Promise<void> {
    return this.#finishRead(conn, finished, disposition).catch((err: Error) => this.#warn(err, 'ending a MySQL read'));
  }

  async #finishRead(conn: PoolConnection, finished: Promise<Finish>, disposition: Disposition): Promise<void> {
    if ((await settlesWithin(finished, DRAIN_GRACE_MS)) !== 'ended') {
      await this.kill(conn.threadId);
      return conn.destroy();
    }
    // Without a database in the DSN there is no way back from a USE but a new connection.
    if (disposition === 'discard' || (disposition === 'reset' && !this.source.parsed.database)) return conn.destroy();
    try {
      if (disposition === 'reset') await this.#reset(conn);
      else await conn.query('ROLLBACK');
      conn.release();
    } catch (err) {
      this.#warn(
        err as Error,
        `${disposition === 'reset' ? 'session reset' : 'ROLLBACK'} failed; discarding the MySQL connection`,
      );
      conn.destroy();
    }
  }

  /** COM_RESET_CONNECTION (rolls back, clears variables, temporary tables, prepared statements), then our session settings again. */
  async #reset(conn: PoolConnection): Promise<void> {
    await conn.reset();
    // The reset keeps whatever database USE chose; go back to the DSN's.
    await conn.query(`USE ${conn.escapeId(this.source.parsed.database!)}`);
    this.#sessions.set(
      coreOf(conn),
      await prepareSession(conn, this.#server!.variant, this.source.limits.statement_timeout_ms),
    );
  }

  kill(threadId: number): Promise<void> {
    return killQuery(this.source, threadId, this.logger);
  }

  toToolError(err: unknown, extra: Pick<ErrorContext, 'sql' | 'timeoutMs'> = {}): ToolError {
    return toMysqlToolError(err, { where: this.where, redact: this.#redact, ...extra });
  }

  #warn(err: Error, msg: string): void {
    this.logger.warn({ source: this.source.id, err: this.#redact(err.message) }, msg);
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.end().catch((err: Error) => this.#warn(err, 'closing the MySQL pool'));
  }
}

/** mysql2's promise wrapper hides the core connection its events and streaming live on. */
export function coreOf(conn: PoolConnection): CoreConnection {
  return conn.connection as unknown as CoreConnection;
}

function settlesWithin(finished: Promise<Finish>, ms: number): Promise<Finish | 'timeout'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms).unref();
    void finished.then((how) => {
      clearTimeout(timer);
      resolve(how);
    });
  });
}

function cancelledByClient(cause?: unknown): ToolError {
  return new ToolError(
    'QUERY_CANCELLED',
    'the query was cancelled by the client',
    'The request was cancelled; the statement was stopped on the server.',
    { cause },
  );
}
