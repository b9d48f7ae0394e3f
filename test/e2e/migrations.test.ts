/**
 * plan_migration -> apply_migration -> approval out of band -> the steps run, over the built
 * binary and a real MCP client (stdio), on PostgreSQL: a migration that succeeds, one whose step
 * fails midway (the report and the history row say what was applied), and a read-only source
 * that refuses apply_migration.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callOk,
  callTool,
  cleanupAll,
  PG_DSN,
  runCli,
  startStdio,
  tempDir,
  toolError,
  type StdioServer,
} from '../helpers/e2e.js';
import { skipUnlessReachable } from '../helpers/databases.js';

const DB = `dba_mg_e2e_${randomBytes(3).toString('hex')}`; // test files run in parallel
const DSN = PG_DSN.replace(/\/[^/]*$/, `/${DB}`);
let admin: pg.Client;
let server: StdioServer;
let skip = false;

interface Plan {
  plan_id: string;
  hazards: { code: string; severity: string }[];
  steps: { n: number; purpose: string; sql: string }[];
  steps_text: string;
  sha256: string;
  dry_run: { outcome: string };
}

interface Change {
  id: string;
  status: string;
  sql: string;
  sha256: string;
  error: { code: string; message: string } | null;
  report?: { applied: { n: number }[]; failed_step: { n: number } | null; not_run: number[]; history_table: string };
}

async function approveAndWait(id: string): Promise<Change> {
  const approved = await runCli(['approvals', 'approve', id, '--state-dir', server.stateDir]);
  expect(approved.code, approved.stderr).toBe(0);
  let change = await callOk<Change>(server.client, 'get_change', { id });
  for (let i = 0; i < 100 && !['executed', 'failed'].includes(change.status); i++) {
    await new Promise((r) => setTimeout(r, 200));
    change = await callOk<Change>(server.client, 'get_change', { id });
  }
  return change;
}

beforeAll(async () => {
  skip = await skipUnlessReachable('postgres');
  if (skip) return;
  const root = new pg.Client({ connectionString: PG_DSN });
  await root.connect();
  await root.query(`DROP DATABASE IF EXISTS ${DB}`);
  await root.query(`CREATE DATABASE ${DB}`);
  await root.end();
  admin = new pg.Client({ connectionString: DSN });
  await admin.connect();
  await admin.query(`CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, qty int, email text);
    INSERT INTO orders SELECT g, g % 300, 1 + g % 5, 'c' || g || '@x.test' FROM generate_series(1, 20000) g; ANALYZE orders;`);
  const dir = tempDir();
  const config = path.join(dir, 'config.yaml');
  fs.writeFileSync(
    config,
    `sources:\n  - id: shop\n    dsn: ${DSN}\n    mode: read-write\n  - id: replica\n    dsn: ${DSN}\n`,
  );
  server = await startStdio(['--config', config]);
}, 60_000);

afterAll(async () => {
  await cleanupAll();
  if (skip) return;
  await admin.end();
  const root = new pg.Client({ connectionString: PG_DSN });
  await root.connect();
  await root.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await root.end();
});

describe('migrations over MCP (stdio, built binary)', () => {
  it('plans the safe rewrite, a person approves it at the terminal, and it runs exactly as planned', async (t) => {
    if (skip) return t.skip();
    const plan = await callOk<Plan>(server.client, 'plan_migration', {
      source: 'shop',
      name: 'orders_customer_index_and_email_not_null',
      sql: 'CREATE INDEX orders_customer_idx ON orders (customer_id);\nALTER TABLE orders ALTER COLUMN email SET NOT NULL;',
    });
    expect(plan.hazards.map((h) => h.code)).toEqual(
      expect.arrayContaining(['require-concurrent-index-creation', 'adding-not-nullable-field']),
    );
    expect(plan.dry_run.outcome).toBe('rolled-back');
    expect(plan.steps_text).toContain('CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);');
    expect(plan.steps_text).toMatch(/CHECK \(email IS NOT NULL\) NOT VALID/);
    expect(plan.steps).toHaveLength(5);

    const requested = await callOk<Change & { plan_id: string }>(server.client, 'apply_migration', {
      source: 'shop',
      plan_id: plan.plan_id,
    });
    expect(requested.status).toBe('pending');
    expect(requested.sql).toBe(plan.steps_text);
    expect(requested.sha256).toBe(plan.sha256);
    expect(
      await admin.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'orders_customer_idx'`).then((r) => r.rowCount),
    ).toBe(0);

    const done = await approveAndWait(requested.id);
    expect(done.status, JSON.stringify(done.error)).toBe('executed');
    expect(done.report?.applied.map((a) => a.n)).toEqual([1, 2, 3, 4, 5]);
    const idx = await admin.query(
      `SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = 'orders_customer_idx'::regclass`,
    );
    expect(idx.rows[0]).toEqual({ indisvalid: true });
    const col = await admin.query(
      `SELECT attnotnull FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'email'`,
    );
    expect(col.rows[0]).toEqual({ attnotnull: true });
    const checks = await admin.query(
      `SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'c'`,
    );
    expect(checks.rows[0]).toEqual({ n: 0 });
    const history = await admin.query(
      `SELECT name, outcome, approved_by, finished IS NOT NULL AS finished, sha256 FROM dba_mcp_migrations WHERE id = $1`,
      [requested.id],
    );
    expect(history.rows[0]).toMatchObject({
      name: 'orders_customer_index_and_email_not_null',
      outcome: 'applied 5 step(s)',
      finished: true,
      sha256: plan.sha256,
    });
  });

  it('a step that fails midway: the report and the history row say what was applied', async (t) => {
    if (skip) return t.skip();
    const plan = await callOk<Plan>(server.client, 'plan_migration', {
      source: 'shop',
      name: 'qty_positive',
      sql: 'ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0);',
    });
    expect(plan.dry_run.outcome).toBe('rolled-back');
    expect(plan.steps.map((s) => s.purpose)).toEqual([
      'as written',
      expect.stringMatching(/NOT VALID/),
      expect.stringMatching(/validate/),
    ]);
    const requested = await callOk<Change>(server.client, 'apply_migration', { source: 'shop', plan_id: plan.plan_id });
    await admin.query("INSERT INTO orders (id, customer_id, qty, email) VALUES (999999, 1, -3, 'late@x.test')"); // the data moved on after planning

    const done = await approveAndWait(requested.id);
    expect(done.status).toBe('failed');
    expect(done.error?.message).toMatch(/step 3 failed: .*orders_qty_positive.*steps 1 to 2 were applied/);
    expect(done.report).toMatchObject({
      applied: [{ n: 1 }, { n: 2 }],
      failed_step: { n: 3 },
      not_run: [],
      history_table: 'dba_mcp_migrations',
    });
    const cols = await admin.query(
      `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note'`,
    );
    expect(cols.rows[0]).toEqual({ n: 1 });
    const con = await admin.query(`SELECT convalidated FROM pg_constraint WHERE conname = 'orders_qty_positive'`);
    expect(con.rows[0]).toEqual({ convalidated: false });
    const history = await admin.query(`SELECT outcome FROM dba_mcp_migrations WHERE id = $1`, [requested.id]);
    expect(history.rows[0]!.outcome).toMatch(/^failed at step 3 of 3 \(2 applied\)/);
  });

  it('a read-only source plans but refuses apply_migration; an unknown plan id is refused', async (t) => {
    if (skip) return t.skip();
    const plan = await callOk<Plan>(server.client, 'plan_migration', {
      source: 'replica',
      sql: 'ALTER TABLE orders ADD COLUMN gift boolean',
    });
    expect(plan.dry_run.outcome).toBe('not-run');
    expect(
      toolError(await callTool(server.client, 'apply_migration', { source: 'replica', plan_id: plan.plan_id })).code,
    ).toBe('READ_ONLY_VIOLATION');
    expect(
      toolError(await callTool(server.client, 'apply_migration', { source: 'shop', plan_id: 'abcdefghij' })).code,
    ).toBe('INVALID_ARGUMENT');
    expect(
      toolError(await callTool(server.client, 'apply_migration', { source: 'shop', plan_id: plan.plan_id })).message,
    ).toMatch(/is for source "replica"/);
  });
});
