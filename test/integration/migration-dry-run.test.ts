/**
 * The PostgreSQL dry run: every step in one transaction that is rolled back (nothing stays), a
 * failing step named with its error, and a bound so that the dry run itself never holds locks
 * for long (a step still running after 5 s is stopped and reported, not failed).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engines/registry.js';
import type { EngineAdapter } from '../../src/engines/contract/engine.js';
import type { ResolvedSource } from '../../src/config/load.js';
import { planMigration } from '../../src/tools/migrations/planner.js';
import { SERVERS, skipUnlessReachable, type Scratch } from '../helpers/databases.js';

const skip = await skipUnlessReachable('postgres');
const logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  trace() {},
  fatal() {},
  child() {
    return this;
  },
} as never;

describe.skipIf(skip)('PostgreSQL dry run', () => {
  let scratch: Scratch;
  let source: ResolvedSource;
  let engine: EngineAdapter;
  let dir: string;

  beforeAll(async () => {
    scratch = await SERVERS.postgres.scratch();
    await scratch.exec(
      `CREATE TABLE ${scratch.schema}.items (id bigint PRIMARY KEY, code text); INSERT INTO ${scratch.schema}.items SELECT g, 'c' || (g % 10) FROM generate_series(1, 1000) g`,
    );
    source = scratch.source({ mode: 'read-write' });
    engine = (await ENGINES.postgres.load()).createEngine(source, { logger });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba_mg_dry-'));
  });

  afterAll(async () => {
    await engine?.close();
    await scratch?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const plan = (sql: string) =>
    planMigration({ sql, rewrite: true, dryRun: true }, { engine, source, plansDir: dir }).then((p) => p.output);

  it('rolls everything back', async () => {
    const out = await plan(
      `CREATE INDEX items_code_idx ON ${scratch.schema}.items (code); ALTER TABLE ${scratch.schema}.items ADD COLUMN note text;`,
    );
    expect(out.dry_run).toMatchObject({ outcome: 'rolled-back', reason: null });
    expect(out.dry_run.steps.map((s) => s.ok)).toEqual([true, true]);
    expect(await scratch.scalar(`SELECT count(*)::int FROM pg_indexes WHERE indexname = 'items_code_idx'`)).toBe(0);
    expect(
      await scratch.scalar(
        `SELECT count(*)::int FROM information_schema.columns WHERE table_schema = '${scratch.schema}' AND column_name = 'note'`,
      ),
    ).toBe(0);
  });

  it('names the step that fails, and its error', async () => {
    const out = await plan(
      `ALTER TABLE ${scratch.schema}.items ADD COLUMN a int; ALTER TABLE ${scratch.schema}.items ADD CONSTRAINT code_unique UNIQUE (code);`,
    );
    expect(out.dry_run.outcome).toBe('failed');
    expect(out.dry_run.reason).toMatch(/step 2 failed: could not create unique index/);
    expect(out.hazards.find((h) => h.code === 'data-check-failed')?.message).toMatch(/^1 row\(s\)|^\d+ row\(s\) of/);
  });

  it('stops a step that runs past its bound without calling it a failure', { timeout: 30_000 }, async () => {
    const out = await plan(
      `UPDATE ${scratch.schema}.items SET code = code || (SELECT count(*) FROM generate_series(1, 1000000000))::text WHERE id = 1`,
    );
    expect(out.dry_run.outcome).toBe('rolled-back');
    expect(out.dry_run.reason).toMatch(/longer than the dry run's 5 s bound/);
  });

  it('keeps a BEGIN ... COMMIT block of the migration as one step (one transaction)', async () => {
    const out = await plan(
      `BEGIN; ALTER TABLE ${scratch.schema}.items ADD COLUMN b int; UPDATE ${scratch.schema}.items SET b = 1 WHERE id < 10; COMMIT; ALTER TABLE ${scratch.schema}.items ADD COLUMN c int;`,
    );
    expect(out.steps.map((st) => st.purpose)).toEqual([
      'as written: one transaction, as in the migration',
      'as written',
    ]);
    expect(out.steps[0]!.sql).toMatch(
      /^BEGIN;\nSET LOCAL lock_timeout = '5000ms';\nSET LOCAL statement_timeout = '\d+ms';\nALTER TABLE \S+ ADD COLUMN b int;\nUPDATE \S+ SET b = 1 WHERE id < 10;\nCOMMIT;$/,
    );
    expect(out.dry_run.outcome).toBe('rolled-back');
  });
});
