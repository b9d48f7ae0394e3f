/**
 * The migration corpus (test/fixtures/migrations/*.sql) planned on real servers: at least 90% of
 * the unsafe migrations get a warning-or-error hazard naming the right problem, at most 10% of
 * the safe ones get an error, and every PostgreSQL rewrite passes its own dry run.
 */
import { describe, expect, it } from 'vitest';
import { skipUnlessReachable } from '../helpers/databases.js';
import type { EngineName } from '../../src/engines/registry.js';
import { report, runCorpus } from '../fixtures/migrations/run-corpus.js';

const ENGINES: EngineName[] = (process.env.DBA_MG_ENGINES ?? 'postgres,mysql,sqlite').split(',') as EngineName[];

describe.each(ENGINES)('migration corpus on %s', (engine) => {
  it('catches >= 90% of the unsafe migrations, errors on <= 10% of the safe ones', { timeout: 300_000 }, async (t) => {
    if (await skipUnlessReachable(engine)) return t.skip();
    const results = await runCorpus(engine);
    const r = report(results);
    process.stdout.write(`\n[${engine}]\n${r.text}\n`);
    expect(results.filter((x) => x.error).map((x) => `${x.case.id}: ${x.error}`)).toEqual([]);
    expect(r.caught / r.unsafe).toBeGreaterThanOrEqual(0.9);
    expect(r.falseAlarms / Math.max(1, r.safe)).toBeLessThanOrEqual(0.1);
    if (engine === 'postgres') expect(results.filter((x) => x.rewriteDryRunFailed).map((x) => x.case.id)).toEqual([]);
  });
});
