/**
 * Stops a running read from outside: when the client aborts, or when the statement outlives its
 * time limit by a margin (the server's own limit should fire first; this catches statements it
 * does not cover, such as SHOW on MySQL or an optimizer hint that lifts the limit). Either way the
 * caller gets its answer at once and KILL QUERY goes to the server from a separate connection.
 */
import type { ToolError } from '../../../core/errors.js';
import type { ReadQuery } from '../../contract/engine.js';
import { backstopTimeoutError, cancelledError } from './errors.js';

/** How far past its time limit a statement may run before we kill it ourselves. */
const BACKSTOP_GRACE_MS = 1_000;

export class Interrupter {
  /** Rejects with QUERY_CANCELLED or QUERY_TIMEOUT when the read is stopped; never resolves. */
  readonly interrupted: Promise<never>;
  #fired = false;
  #reject!: (err: ToolError) => void;
  readonly #timer: NodeJS.Timeout;
  readonly #onAbort = () => this.#fire(cancelledError());

  constructor(
    private readonly kill: () => Promise<void>,
    private readonly q: ReadQuery,
  ) {
    this.interrupted = new Promise<never>((_, reject) => {
      this.#reject = reject;
    });
    this.interrupted.catch(() => {}); // nobody may be listening any more
    this.#timer = setTimeout(() => this.#fire(backstopTimeoutError(q.timeoutMs)), q.timeoutMs + BACKSTOP_GRACE_MS);
    if (q.signal?.aborted) this.#onAbort();
    else q.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** True once the statement was stopped: its connection must not be reused. */
  get fired(): boolean {
    return this.#fired;
  }

  #fire(err: ToolError): void {
    if (this.#fired) return;
    this.#fired = true;
    this.#reject(err);
    void this.kill();
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.q.signal?.removeEventListener('abort', this.#onAbort);
  }
}
