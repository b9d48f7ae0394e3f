/**
 * Runs one statement on a connection through mysql2's streaming (event) interface and keeps at
 * most `limit` rows of its first result set, so a `SELECT *` over a big table never sits in
 * memory. The answer is ready as soon as `limit` rows are in hand. A short remainder is read and
 * dropped afterwards; a long one is not worth parsing: after DRAIN_ROW_BUDGET dropped rows the
 * connection is paused and `finished` says 'overflow', so the caller kills the statement.
 *
 * The text judged is the text run: without parameters the statement goes as written (text
 * protocol, which runs SHOW, EXPLAIN and friends on every server version); with parameters it is
 * a server-side prepared statement and the values are bound by the server, never spliced into the
 * text on the client (mysql2's client-side escaper reads comments such as `/*+ ... *\/` as code, so
 * a value could close one and add SQL the guards never saw). The prepared statement is closed as
 * soon as the statement ends, so none outlives the call or counts against max_prepared_stmt_count.
 */
import type { Connection as CoreConnection, FieldPacket, Query } from 'mysql2';
import { ToolError } from '../../../core/errors.js';
import type { CellValue } from '../../contract/engine.js';

/** Rows past the limit read and thrown away before giving up on a clean end. */
const DRAIN_ROW_BUDGET = 1_000;

export interface Collected {
  fields: FieldPacket[];
  rows: unknown[][];
}

/** 'ended': the server finished the statement (well or with an error); 'overflow': it is still sending. */
export type Finish = 'ended' | 'overflow';

export interface Collection {
  /** Settles once `limit` rows are in hand, or when the statement ends or fails. */
  result: Promise<Collected>;
  /** Resolves (never rejects) once the statement ended, or its unread remainder grew too long. */
  finished: Promise<Finish>;
}

export function collectRows(
  conn: CoreConnection,
  sql: string,
  params: readonly CellValue[] | undefined,
  limit: number,
): Collection {
  const bound = params !== undefined && params.length > 0;
  let state!: RowState;
  const finished = new Promise<Finish>((resolve) => {
    // A dropped connection is reported on the connection, not on a streaming query.
    const onConnectionError = (err: Error) => done(err);
    const done = (err?: Error) => {
      conn.removeListener('error', onConnectionError);
      if (bound) unprepare(conn, sql);
      if (err) state.fail(err);
      else state.finish();
      resolve('ended');
    };
    state = new RowState(limit, () => {
      conn.pause();
      resolve('overflow');
    });
    conn.once('error', onConnectionError);
    const listen = (query: Query) => {
      query.on('fields', (fields: FieldPacket[] | undefined) => state.onFields(fields));
      query.on('result', (row: unknown, index?: number) => state.onRow(row, index));
      query.on('error', (err: Error) => state.fail(err));
      query.on('end', () => done());
    };
    try {
      if (!bound) listen(conn.query({ sql, rowsAsArray: true }));
      else {
        // prepared first, so the values can be counted against the placeholders the server found:
        // the binary protocol would otherwise read one value's bytes as another's
        const options = { sql, rowsAsArray: true };
        conn.prepare(options as unknown as string, (err, statement) => {
          if (err) return done(err);
          const wanted = (statement as unknown as { parameters?: unknown[] }).parameters?.length ?? 0;
          if (wanted !== params.length) return done(placeholderMismatch(wanted, params.length));
          listen(conn.execute({ ...options, values: [...params] }));
        });
      }
    } catch (err) {
      done(err as Error);
    }
  });
  return { result: state.result, finished };
}

function placeholderMismatch(wanted: number, given: number): ToolError {
  return new ToolError(
    'INVALID_ARGUMENT',
    `the statement has ${wanted} placeholder${wanted === 1 ? '' : 's'} (?) and ${given} value${given === 1 ? ' was' : 's were'} given in params`,
    'Pass exactly one value in params for each ? in the SQL, in order (a ? inside a comment or a string is not a placeholder).',
  );
}

/** Closes the statement's server-side handle; a connection that is gone has none left to close. */
function unprepare(conn: CoreConnection, sql: string): void {
  try {
    // mysql2 cached it under a key that includes rowsAsArray; its typings only name the string form
    conn.unprepare({ sql, rowsAsArray: true } as unknown as string);
  } catch {
    // the connection closed meanwhile: the server dropped its statements with it
  }
}

class RowState {
  readonly result: Promise<Collected>;
  #resolve!: (value: Collected) => void;
  #reject!: (err: Error) => void;
  #fields: FieldPacket[] | undefined;
  #fieldsIndex = -1;
  #resultSets = 0;
  #dropped = 0;
  readonly #rows: unknown[][] = [];

  constructor(
    private readonly limit: number,
    private readonly onOverflow: () => void,
  ) {
    this.result = new Promise<Collected>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.result.catch(() => {}); // the reader may have stopped listening (cancelled); never unhandled
  }

  onFields(fields: FieldPacket[] | undefined): void {
    if (!this.#fields && Array.isArray(fields)) {
      this.#fields = fields;
      this.#fieldsIndex = this.#resultSets;
    }
    this.#resultSets++;
  }

  onRow(row: unknown, index: number | undefined): void {
    if (!Array.isArray(row) || index !== this.#fieldsIndex) return;
    if (this.#rows.length < this.limit) {
      this.#rows.push(row);
      if (this.#rows.length === this.limit) this.finish();
    } else if (++this.#dropped === DRAIN_ROW_BUDGET) {
      this.onOverflow();
    }
  }

  fail(err: Error): void {
    this.#reject(err);
  }

  finish(): void {
    this.#resolve({ fields: this.#fields ?? [], rows: this.#rows });
  }
}
