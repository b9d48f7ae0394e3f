/**
 * The abort signal of the tool call being served, for code far below the tool (a driver's catalog
 * query) that is not handed the signal: a call the client cancels stops its database work too.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<AbortSignal>();

/** Runs `fn` with `signal` as the current call's signal. */
export function withCallSignal<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return current.run(signal, fn);
}

/** The signal of the tool call this code runs for, if any. */
export function callSignal(): AbortSignal | undefined {
  return current.getStore();
}

/** `signal`, or else the current call's: a read not handed the signal still stops when the call is cancelled. */
export function orCallSignal(signal: AbortSignal | undefined): AbortSignal | undefined {
  return signal ?? current.getStore();
}
