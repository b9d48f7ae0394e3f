/** Progress notifications for long dumps and restores: at most a few a second, and never a failure. */
import type { ProgressFn } from '../../contract/backups.js';

export interface Ticker {
  /** One more unit done (a table), with what it was. */
  tick(message: string): void;
  /** The final notification. */
  done(message: string): Promise<void>;
}

export function ticker(progress: ProgressFn | undefined, total: number | undefined, minIntervalMs = 250): Ticker {
  let done = 0;
  let last = 0;
  return {
    tick(message) {
      done++;
      const now = Date.now();
      if (!progress || now - last < minIntervalMs) return;
      last = now;
      void progress(total !== undefined ? Math.min(done, total) : done, total, message).catch(() => {});
    },
    async done(message) {
      await progress?.(total ?? done, total ?? done, message).catch(() => {});
    },
  };
}
