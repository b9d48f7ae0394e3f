/**
 * Connections and the read path. Read connections start with default_transaction_read_only=on,
 * statement_timeout, idle_in_transaction_session_timeout and standard_conforming_strings=on (as
 * the classifier's parser reads strings) in their startup packet, so a read is
 * one round trip: the statement through the extended protocol (one statement only: the server
 * refuses more), capped at max rows, in its own read-only transaction. Before a connection is
 * reused, DISCARD ALL undoes anything the statement changed in the session (settings, advisory
 * locks, prepared statements, temp tables) and restores the startup settings; a connection
 * that fails it is destroyed.
 */
import pg from 'pg';
import { callSignal, orCallSignal } from '../../../core/call-signal.js';
import { ToolError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logging.js';
import type { ColumnMeta, QueryResult, ReadQuery, EngineSource } from '../../contract/engine.js';
import { toPgToolError } from './errors.js';
import { CappedQuery } from './capped-query.js';
import { ColumnOrigins, type FieldSource } from './column-origins.js';
import { BUILTIN_TYPE_NAMES, parserFor } from './values.js';

export class PgDriver {
  #pool: pg.Pool | undefined;
  readonly #typeNames = new Map(BUILTIN_TYPE_NAMES);
  readonly #origins = new ColumnOrigins();
  readonly where: string;

  constructor(
    private readonly source: EngineSource,
    private readonly logger: Logger,
  ) {
    const url = source.parsed.url!;
    this.where = `${url.hostname || 'localhost'}:${url.port || 5432}`;
  }

  get pool(): pg.Pool {
    this.#pool ??= this.#createPool();
    return this.#pool;
  }

  #createPool(): pg.Pool {
    const { limits } = this.source;
    const options = [
      '-c default_transaction_read_only=on',
      // libpg-query reads '...' as standard SQL strings; a server defaulting to off would read
      // 'a\' as an escaped quote, and the two would split the text differently
      '-c standard_conforming_strings=on',
      `-c statement_timeout=${limits.statement_timeout_ms}`,
      `-c idle_in_transaction_session_timeout=${Math.max(limits.statement_timeout_ms, 10_000)}`,
    ].join(' ');
    const pool = new pg.Pool({
      connectionString: this.source.parsed.normalized,
      max: limits.pool_size,
      connectionTimeoutMillis: limits.connect_timeout_ms,
      idleTimeoutMillis: 30_000,
      application_name: 'dba-mcp',
      options,
    });
    // An idle connection dropped by the server must not crash the process; the pool replaces it.
    pool.on('error', (err) =>
      this.logger.warn({ source: this.source.id, err: err.message }, 'idle PostgreSQL connection closed'),
    );
    // Nor one dropped while checked out (backend terminated, server shut down): pg emits 'error' on
    // the client as well as failing its query, and an 'error' nobody listens to ends the process.
    pool.on('connect', (client) => {
      client.on('error', (err) =>
        this.logger.warn({ source: this.source.id, err: err.message }, 'PostgreSQL connection closed under a call'),
      );
      containParseErrors(client);
    });
    return pool;
  }

  async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw toPgToolError(err, this.where);
    }
  }

  /** Runs a catalog query (ours, parametrized) on a pooled connection; `signal` defaults to the current call's. */
  async catalog<R extends pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
    signal = callSignal(),
  ): Promise<R[]> {
    if (!signal) {
      try {
        const res = await this.pool.query<R>({ text, values });
        return res.rows;
      } catch (err) {
        throw toPgToolError(err, this.where);
      }
    }
    // A call the client cancelled stops its catalog query on the server (a lock wait, a slow view).
    if (signal.aborted) throw cancelledByClient();
    const client = await this.connect();
    const stopCancel = this.#cancelOnAbort(client, signal);
    let failed = false;
    try {
      return (await client.query<R>({ text, values })).rows;
    } catch (err) {
      failed = true;
      if (signal.aborted) throw cancelledByClient(err);
      throw toPgToolError(err, this.where);
    } finally {
      stopCancel();
      // a cancel may still be on its way to this backend, or the connection died: never hand it to another caller
      client.release(signal.aborted || failed ? true : undefined);
    }
  }

  async runRead(read: ReadQuery): Promise<QueryResult> {
    const signal = orCallSignal(read.signal);
    const q: ReadQuery = signal ? { ...read, signal } : read;
    const client = await this.connect();
    const stopCancel = this.#cancelOnAbort(client, q.signal);
    let failed = false;
    try {
      if (q.timeoutMs !== this.source.limits.statement_timeout_ms)
        await client.query(`SET statement_timeout = ${Math.floor(q.timeoutMs)}`);
      const capped = new CappedQuery(q.sql, q.params ?? [], q.maxRows + 1, parserFor);
      client.query(capped as unknown as pg.QueryConfig);
      const { fields, rows } = await capped.promise;
      const columns = await this.#columnMeta(client, fields);
      const truncated = rows.length > q.maxRows;
      return { columns, rows: truncated ? rows.slice(0, q.maxRows) : rows, truncated };
    } catch (err) {
      failed = true;
      if (q.signal?.aborted)
        throw new ToolError(
          'QUERY_CANCELLED',
          'the query was cancelled by the client',
          'The request was cancelled; the statement was stopped on the server.',
          { cause: err },
        );
      throw toPgToolError(err, this.where);
    } finally {
      stopCancel();
      // after a failure the reset proves the connection alive (or destroys it) before anyone reuses it
      if (q.sessionNeutral && !q.signal?.aborted && !failed) client.release();
      else this.#resetAndRelease(client);
    }
  }

  /**
   * Runs `fn` inside BEGIN READ ONLY ... ROLLBACK on a read connection, with the statement
   * timeout and client cancellation of runRead; the session is reset before reuse.
   */
  async inReadOnlyTransaction<T>(
    timeoutMs: number,
    given: AbortSignal | undefined,
    fn: (client: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    const signal = orCallSignal(given);
    const client = await this.connect();
    const stopCancel = this.#cancelOnAbort(client, signal);
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${Math.floor(timeoutMs)}`);
      return await fn(client);
    } catch (err) {
      if (signal?.aborted)
        throw new ToolError(
          'QUERY_CANCELLED',
          'the query was cancelled by the client',
          'The request was cancelled; the statement was stopped on the server.',
          { cause: err },
        );
      throw toPgToolError(err, this.where);
    } finally {
      stopCancel();
      await client.query('ROLLBACK').catch(() => {});
      this.#resetAndRelease(client);
    }
  }

  /** Resets the session to its startup state, then hands the connection back; one that fails is destroyed. */
  #resetAndRelease(client: pg.PoolClient): void {
    client.query('DISCARD ALL').then(
      () => client.release(),
      (err: Error) => {
        this.logger.debug(
          { source: this.source.id, err: err.message },
          'destroying connection after failed session reset',
        );
        client.release(err);
      },
    );
  }

  #cancelOnAbort(client: pg.PoolClient, signal: AbortSignal | undefined): () => void {
    if (!signal) return () => {};
    const pid = (client as unknown as { processID?: number }).processID;
    const onAbort = () => {
      if (pid) void this.#cancelBackend(pid);
    };
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  }

  async #cancelBackend(pid: number): Promise<void> {
    const canceller = new pg.Client({
      connectionString: this.source.parsed.normalized,
      connectionTimeoutMillis: this.source.limits.connect_timeout_ms,
    });
    canceller.on('error', () => {}); // a dropped connection must not crash the process; the query rejects
    try {
      await canceller.connect();
      await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch (err) {
      this.logger.warn({ source: this.source.id, pid, err: (err as Error).message }, 'could not cancel backend');
    } finally {
      await canceller.end().catch(() => {});
    }
  }

  async #columnMeta(
    client: pg.PoolClient,
    fields: readonly ({ name: string; dataTypeID: number } & FieldSource)[],
  ): Promise<ColumnMeta[]> {
    const unknown = [...new Set(fields.map((f) => f.dataTypeID).filter((oid) => !this.#typeNames.has(oid)))];
    if (unknown.length > 0) {
      const res = await client.query<{ oid: number; name: string }>(
        'SELECT oid::int AS oid, format_type(oid, NULL) AS name FROM pg_type WHERE oid = ANY($1::oid[])',
        [unknown],
      );
      for (const row of res.rows) this.#typeNames.set(row.oid, row.name);
    }
    const origins = await this.#origins.resolve(client, fields);
    return fields.map((f, i) => {
      const origin = origins[i];
      return {
        name: f.name,
        type: this.#typeNames.get(f.dataTypeID) ?? `oid:${f.dataTypeID}`,
        ...(origin ? { origin } : {}),
      };
    });
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.end();
  }
}

function cancelledByClient(cause?: unknown): ToolError {
  return new ToolError(
    'QUERY_CANCELLED',
    'the query was cancelled by the client',
    'The request was cancelled; the statement was stopped on the server.',
    { cause },
  );
}

type DataStream = NodeJS.EventEmitter & { destroy(err?: Error): void };

/**
 * pg parses every message inside the socket's 'data' listener, where a throw ends the process: a
 * value past V8's string limit (SELECT repeat('x', 600000000)) throws ERR_STRING_TOO_LONG there.
 * Such a throw destroys this connection instead, which fails the query running on it.
 */
function containParseErrors(client: pg.PoolClient): void {
  const stream = (client as unknown as { connection?: { stream?: DataStream } }).connection?.stream;
  if (!stream) return;
  for (const listener of stream.listeners('data') as ((chunk: unknown) => void)[]) {
    stream.removeListener('data', listener);
    stream.on('data', (chunk: unknown) => {
      try {
        listener(chunk);
      } catch (err) {
        stream.destroy(err as Error);
      }
    });
  }
}
