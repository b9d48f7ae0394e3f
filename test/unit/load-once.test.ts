import { describe, expect, it } from 'vitest';
import { loadOnce } from '../../src/core/load-once.js';

describe('loadOnce', () => {
  it('loads once and shares the result', async () => {
    let calls = 0;
    const load = loadOnce(async () => ++calls);
    expect(await Promise.all([load(), load(), load()])).toEqual([1, 1, 1]);
    expect(calls).toBe(1);
  });

  it('tries again after a failed load', async () => {
    let calls = 0;
    const load = loadOnce(async () => {
      if (++calls === 1) throw new Error('WASM missing');
      return 'ready';
    });
    await expect(load()).rejects.toThrow('WASM missing');
    expect(await load()).toBe('ready');
    expect(calls).toBe(2);
  });
});
