/**
 * The "Done when" of issue #6, end to end: bench/index-workload.mjs drives the built binary over
 * stdio with the evaluation workload (about 40 queries over PostgreSQL tables up to 2M rows, with
 * planted duplicate indexes; the database dba_ix_eval is built once and reused) and must reach
 * >= 85% acceptable proposals where an index is needed, <= 10% proposals where none is, and no
 * duplicate of an existing index; the SQLite subset likewise. Then workload mode over
 * pg_stat_statements on that database, through a spawned server.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOk, cleanupAll, PG_DSN, probeDatabase, REPO_ROOT, startStdio } from '../helpers/e2e.js';

const run = promisify(execFile);
const BENCH = path.join(REPO_ROOT, 'bench', 'index-workload.mjs');
const EVAL_DSN = PG_DSN.replace(/\/[^/]*$/, '/dba_ix_eval');

interface Figures {
  need: number;
  none: number;
  acceptable: number;
  falseProposals: number;
  duplicates: number;
  errors: number;
  acceptable_rate: number;
  false_rate: number;
}

async function bench(engine: string): Promise<Figures> {
  const { stdout } = await run(process.execPath, [BENCH, '--engine', engine, '--json'], {
    cwd: REPO_ROOT,
    timeout: 240_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Figures;
}

afterAll(cleanupAll);

const postgres = await probeDatabase('postgres');

describe.skipIf(postgres.skip)('propose_index over the evaluation workload (PostgreSQL)', () => {
  beforeAll(() => postgres.assertReachable());

  it('meets the targets: >= 85% acceptable, <= 10% needless, no duplicates', { timeout: 300_000 }, async () => {
    const f = await bench('postgres');
    expect(f.need + f.none).toBeGreaterThanOrEqual(40);
    expect(f.errors).toBe(0);
    expect(f.acceptable_rate).toBeGreaterThanOrEqual(0.85);
    expect(f.false_rate).toBeLessThanOrEqual(0.1);
    expect(f.duplicates).toBe(0);
  });

  it('advises on the heaviest statements of pg_stat_statements (workload: "top")', { timeout: 120_000 }, async () => {
    const db = new pg.Client({ connectionString: EVAL_DSN });
    await db.connect();
    try {
      for (let i = 1; i <= 5; i++) await db.query('SELECT * FROM payments WHERE order_id = $1', [i * 3000]);
    } finally {
      await db.end();
    }
    const server = await startStdio(['--dsn', EVAL_DSN]);
    try {
      const listed = await server.client.listTools();
      expect(listed.tools.find((t) => t.name === 'propose_index')?.outputSchema).toBeDefined();
      const out = await callOk<{
        proposals: { table: string; columns: string[]; ddl: string }[];
        queries: { sql: string; planned_sql?: string }[];
      }>(server.client, 'propose_index', { workload: 'top', workload_limit: 30 });
      expect(
        out.queries.some(
          (q) => /FROM payments WHERE order_id = \$1/.test(q.sql) && /order_id = '\d+'/.test(q.planned_sql ?? ''),
        ),
      ).toBe(true);
      expect(out.proposals).toContainEqual(
        expect.objectContaining({
          table: 'public.payments',
          columns: ['order_id'],
          ddl: expect.stringMatching(/^CREATE INDEX CONCURRENTLY/),
        }),
      );
    } finally {
      await server.close();
    }
  });
});

describe('propose_index over the evaluation workload (SQLite subset)', () => {
  it('meets the same targets on an in-memory what-if copy', { timeout: 300_000 }, async () => {
    const f = await bench('sqlite');
    expect(f.errors).toBe(0);
    expect(f.acceptable_rate).toBeGreaterThanOrEqual(0.85);
    expect(f.false_rate).toBeLessThanOrEqual(0.1);
    expect(f.duplicates).toBe(0);
  });
});
