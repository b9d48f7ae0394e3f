/** Every guarantee in test/guarantees.ts names a test that exists. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GUARANTEES } from '../guarantees.js';

describe('guarantee table', () => {
  it('has a test for every promise', () => {
    const missing = GUARANTEES.filter(
      (g) => !fs.existsSync(g.file) || !fs.readFileSync(g.file, 'utf8').includes(g.test),
    ).map((g) => `${g.id}: "${g.test}" in ${g.file}`);
    expect(missing).toEqual([]);
  });

  it('has unique ids', () => {
    expect(new Set(GUARANTEES.map((g) => g.id)).size).toBe(GUARANTEES.length);
  });
});
