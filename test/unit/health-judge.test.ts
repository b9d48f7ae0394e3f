import { describe, expect, it } from 'vitest';
import { worst } from '../../src/engines/kit/health/judge.js';

describe('the overall health status', () => {
  it('is the worst status, skipped checks aside', () => {
    expect(worst(['ok', 'warn', 'skipped'])).toBe('warn');
    expect(worst(['ok', 'skipped', 'fail', 'warn'])).toBe('fail');
    expect(worst(['ok', 'skipped'])).toBe('ok');
  });

  it('is never ok when no check could run', () => {
    expect(worst(['skipped', 'skipped'])).toBe('warn');
    expect(worst([])).toBe('warn');
  });
});
