/**
 * The MySQL/MariaDB classifier over the labelled corpus: no attack may pass as a read; at least
 * 90% of the legitimate reads must. (The failures are parser gaps, listed when the test runs.)
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/engines/mysql/core/classify.js';
// @ts-expect-error: a plain JavaScript fixture
import { corpus } from '../fixtures/classifier-corpus.mjs';

interface Case {
  id: string;
  d: string;
  label: 'read' | 'not-read';
  sql: string;
}

const cases = corpus as Case[];
const allowed = (c: Awaited<ReturnType<typeof classify>>) =>
  c.class === 'read' && c.statementCount === 1 && c.deniedFunctions.length === 0;

for (const variant of ['mariadb', 'mysql'] as const) {
  const mine = cases.filter((c) => c.d === 'my' || c.d === (variant === 'mariadb' ? 'maria' : 'mysql'));

  describe(`MySQL classifier corpus (${variant})`, () => {
    it('lets no attack through as a read', async () => {
      const through: string[] = [];
      for (const c of mine.filter((x) => x.label === 'not-read'))
        if (allowed(await classify(c.sql, variant))) through.push(`${c.id}: ${c.sql}`);
      expect(through).toEqual([]);
    });

    it('accepts at least 90% of the legitimate reads', async () => {
      const reads = mine.filter((x) => x.label === 'read');
      const refused: string[] = [];
      for (const c of reads) {
        const verdict = await classify(c.sql, variant);
        if (!allowed(verdict))
          refused.push(`${c.id}: ${verdict.reasons.join('; ')}${verdict.deniedFunctions.join(',')}`);
      }
      if (refused.length)
        process.stderr.write(
          `[${variant}] reads refused (${refused.length}/${reads.length}):\n  ${refused.join('\n  ')}\n`,
        );
      expect(reads.length).toBeGreaterThan(100);
      expect(1 - refused.length / reads.length).toBeGreaterThanOrEqual(0.9);
    });
  });
}
