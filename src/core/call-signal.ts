/**
 * The abort signal of the tool call being served, for code far below the tool (a driver's catalog
 * query) that is not handed the signal: a call the client cancels stops its database work too.
 *
 * On Node 20 an AsyncLocalStorage tracks every promise the process creates while it is enabled
 * (an async_hooks promise hook): about 0.05 ms on each run_query call, a sixth of the latency
 * budget. So it is enabled only while a call that needs it is in flight, and disabled when the
 * last one ends; calls whose tool hands the signal to every database call itself (run_query)
 * never enter it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<AbortSignal>();
let inFlight = 0;

/** Runs `fn` with `signal` as the current call's signal. */
export async function withCallSignal<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  inFlight++;
  try {
    return await current.run(signal, fn);
  } finally {
    // no call left that reads the store: stop tracking promises (run() enables it again)
    if (--inFlight === 0) current.disable();
  }
}

/** The signal of the tool call this code runs for, if any. */
export function callSignal(): AbortSignal | undefined {
  return current.getStore();
}

/** `signal`, or else the current call's: a read not handed the signal still stops when the call is cancelled. */
export function orCallSignal(signal: AbortSignal | undefined): AbortSignal | undefined {
  return signal ?? current.getStore();
}
