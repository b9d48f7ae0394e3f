import { describe, expect, it } from 'vitest';
import { callSignal, orCallSignal, withCallSignal } from '../../src/core/call-signal.js';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('the call signal', () => {
  it('reaches code below the call, across awaits and timers', async () => {
    const signal = new AbortController().signal;
    const seen = await withCallSignal(signal, async () => {
      await tick();
      return new Promise<AbortSignal | undefined>((r) => setTimeout(() => r(callSignal()), 1));
    });
    expect(seen).toBe(signal);
    expect(callSignal()).toBeUndefined();
  });

  it('keeps each overlapping call its own signal while the other ends', async () => {
    const [a, b] = [new AbortController().signal, new AbortController().signal];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = withCallSignal(a, async () => {
      await held;
      await tick();
      return callSignal();
    });
    await withCallSignal(b, async () => {
      await tick();
      expect(callSignal()).toBe(b);
    }); // b ended while a is still in flight: a must keep its store
    release();
    expect(await first).toBe(a);
  });

  it('stops tracking once no call is in flight: work a call left behind no longer sees its signal', async () => {
    const signal = new AbortController().signal;
    let later!: Promise<AbortSignal | undefined>;
    await withCallSignal(signal, async () => {
      later = new Promise((r) => setTimeout(() => r(callSignal()), 20)); // fires after the call ended
    });
    expect(await later).toBeUndefined();
    // and the next call is tracked again
    expect(await withCallSignal(signal, async () => (await tick(), callSignal()))).toBe(signal);
  });

  it('prefers a signal handed over explicitly', async () => {
    const [given, call] = [new AbortController().signal, new AbortController().signal];
    expect(await withCallSignal(call, async () => orCallSignal(given))).toBe(given);
    expect(await withCallSignal(call, async () => orCallSignal(undefined))).toBe(call);
  });
});
