/**
 * User reads for SQLite in a worker thread (read-worker.mjs), one at a time. better-sqlite3 is
 * synchronous, so only terminating the worker stops a runaway statement; that happens at the
 * statement timeout and when the caller cancels. The next read starts a fresh worker.
 */
import { Worker } from 'node:worker_threads';
import { ToolError } from '../../../core/errors.js';
import type { QueryResult, ReadQuery } from '../../contract/engine.js';
import { toSqliteToolError } from './errors.js';

type Reply =
  | ({ id: number; ok: true; notRead?: boolean } & Partial<QueryResult>)
  | { id: number; ok: false; error: { name: string; code?: string; message: string } };

const WORKER_URL = new URL('./read-worker.mjs', import.meta.url);

function rebuildError(e: { name: string; code?: string; message: string }): Error {
  const err =
    e.name === 'RangeError'
      ? new RangeError(e.message)
      : e.name === 'TypeError'
        ? new TypeError(e.message)
        : new Error(e.message);
  return Object.assign(err, e.code ? { code: e.code } : {});
}

export class SqliteReader {
  #worker: Worker | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #nextId = 1;

  constructor(private readonly file: string) {}

  read(q: ReadQuery): Promise<QueryResult> {
    const turn = this.#queue.then(() => this.#run(q));
    this.#queue = turn.catch(() => {});
    return turn;
  }

  #spawn(): Worker {
    if (!this.#worker) {
      const worker = new Worker(WORKER_URL, { workerData: { file: this.file } });
      worker.unref();
      worker.on('error', () => (this.#worker = undefined));
      worker.on('exit', () => {
        if (this.#worker === worker) this.#worker = undefined;
      });
      this.#worker = worker;
    }
    return this.#worker;
  }

  #stop(worker: Worker): void {
    if (this.#worker === worker) this.#worker = undefined;
    void worker.terminate();
  }

  #run(q: ReadQuery): Promise<QueryResult> {
    if (q.signal?.aborted)
      return Promise.reject(
        new ToolError(
          'QUERY_CANCELLED',
          'the query was cancelled by the client',
          'The request was cancelled before it ran.',
        ),
      );
    const worker = this.#spawn();
    const id = this.#nextId++;
    return new Promise<QueryResult>((resolve, reject) => {
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        q.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const timer = setTimeout(
        () =>
          finish(() => {
            this.#stop(worker);
            reject(
              new ToolError(
                'QUERY_TIMEOUT',
                `the statement ran past ${q.timeoutMs} ms and was stopped`,
                'Narrow it (WHERE, LIMIT), check its plan with analyze_query, or raise limits.statement_timeout_ms.',
              ),
            );
          }),
        q.timeoutMs,
      );
      const onAbort = () =>
        finish(() => {
          this.#stop(worker);
          reject(
            new ToolError('QUERY_CANCELLED', 'the query was cancelled by the client', 'The statement was stopped.'),
          );
        });
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        finish(() => {
          if (!reply.ok) return reject(toSqliteToolError(rebuildError(reply.error), this.file));
          if (reply.notRead)
            return reject(
              new ToolError(
                'READ_ONLY_VIOLATION',
                'SQLite reports that this statement is not a read-only query',
                'run_query runs reads that return rows. A change goes through request_change and a person approves it.',
              ),
            );
          resolve({ columns: reply.columns ?? [], rows: reply.rows ?? [], truncated: reply.truncated ?? false });
        });
      };
      worker.on('message', onMessage);
      q.signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ id, sql: q.sql, params: q.params ?? [], maxRows: q.maxRows });
    });
  }

  close(): void {
    if (this.#worker) this.#stop(this.#worker);
  }
}
