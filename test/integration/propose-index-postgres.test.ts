/**
 * propose_index on PostgreSQL through the real pipeline (SDK client, guards, engine) on a scratch
 * database of its own (dba_ix_t_*, with HypoPG and pg_stat_statements): each candidate kind, the
 * "no index" answers, duplicate avoidance and drop candidates, several queries sharing an index,
 * placeholders filled from pg_stats, workload mode over pg_stat_statements, real-index
 * confirmation on a read-write source, the heuristic fallback without HypoPG, and bad input.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadConfig, type ResolvedSource } from '../../src/config/load.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import type { Advice } from '../../src/tools/index-advice/advise.js';
import { PG_URL, skipUnlessReachable } from '../helpers/databases.js';

/** The tool's structuredContent: its summary and the advice. */
type Out = Advice & { summary: string };

const out = (r: CallToolResult) => r.structuredContent as unknown as Out;
const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;
const DB = `dba_ix_t_${randomBytes(3).toString('hex')}`;
const DSN = PG_URL.replace(/\/[^/]*$/, `/${DB}`);

function sourceFor(extra: Record<string, unknown> = {}): ResolvedSource {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-ix-'));
  const file = path.join(dir, 'c.json');
  fs.writeFileSync(file, JSON.stringify({ sources: [{ id: 'shop', dsn: DSN, ...extra }] }));
  return loadConfig({ config: file }, {}).sources[0]!;
}

const SETUP = [
  `CREATE EXTENSION hypopg`,
  `CREATE EXTENSION pg_stat_statements`,
  `CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL, country char(2) NOT NULL, status text NOT NULL, created_at timestamp NOT NULL, meta jsonb NOT NULL)`,
  `INSERT INTO customers SELECT g, 'user' || g || '@example.com', CASE WHEN g % 10 < 3 THEN 'US' ELSE chr(65 + g % 20) || chr(65 + g % 13) END,
     CASE WHEN g % 100 = 0 THEN 'blocked' ELSE 'active' END, timestamp '2020-01-01' + g * interval '30 minutes', jsonb_build_object('ref', md5(g::text))
     FROM generate_series(1, 50000) g`,
  `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, total numeric(10,2) NOT NULL, created_at timestamptz NOT NULL)`,
  `INSERT INTO orders SELECT g, 1 + (g::bigint * 7919) % 50000, CASE WHEN g % 100 = 0 THEN 'pending' ELSE 'shipped' END, 5 + (g * 37) % 500,
     timestamptz '2022-01-01 00:00:00+00' + g * interval '47 seconds' FROM generate_series(1, 300000) g`,
  `CREATE INDEX orders_customer_id_idx ON orders (customer_id)`,
  `CREATE INDEX orders_customer_dup ON orders (customer_id)`,
  `CREATE TABLE payments (id int PRIMARY KEY, order_id bigint NOT NULL, amount numeric(10,2) NOT NULL)`,
  `INSERT INTO payments SELECT g, g * 3, 10 FROM generate_series(1, 80000) g`,
  `CREATE TABLE tiny (id int PRIMARY KEY, name text NOT NULL)`,
  `INSERT INTO tiny SELECT g, 'name ' || g FROM generate_series(1, 100) g`,
  // a large append-only log, stored in time order: BRIN territory
  `CREATE TABLE log (id int NOT NULL, at timestamptz NOT NULL)`,
  `INSERT INTO log SELECT g, timestamptz '2024-01-01 00:00:00+00' + g * interval '10 seconds' FROM generate_series(1, 1100000) g`,
  `VACUUM ANALYZE`,
];

const skip = await skipUnlessReachable('postgres');

describe.skipIf(skip)('propose_index on PostgreSQL', () => {
  let admin: pg.Client;
  let db: pg.Client;
  let mcp: Harness;
  const call = (args: Record<string, unknown>) => mcp.call('propose_index', args);
  const ok = async (args: Record<string, unknown>) => {
    const res = await call(args);
    expect(res.isError, text(res)).toBeFalsy();
    return out(res);
  };
  const indexCount = async () =>
    Number((await db.query(`SELECT count(*) AS n FROM pg_indexes WHERE schemaname = 'public'`)).rows[0].n);

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${DB}`);
    db = new pg.Client({ connectionString: DSN });
    await db.connect();
    for (const sql of SETUP) await db.query(sql);
    mcp = await connect([sourceFor()]);
  }, 120_000);

  afterAll(async () => {
    await mcp?.close();
    await db?.end();
    await admin?.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await admin?.end();
  });

  it('puts equality columns first, then the range, verified by HypoPG, with CONCURRENTLY DDL', async () => {
    const before = await indexCount();
    const o = await ok({ sql: `SELECT * FROM customers WHERE created_at >= '2022-06-01' AND country = 'BC'` });
    expect(o.verification.method).toBe('hypopg');
    const [p] = o.proposals;
    expect(p?.columns).toEqual(['country', 'created_at']);
    expect(p).toMatchObject({
      table: 'public.customers',
      verified_by: 'hypopg',
      confidence: 'high',
      method: 'btree',
      queries_helped: [1],
    });
    expect(p!.ddl).toBe(
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS customers_country_created_at_idx ON public.customers (country, created_at);',
    );
    expect(p!.cost_after!).toBeLessThan(p!.cost_before! / 2);
    expect(p!.size_bytes).toBeGreaterThan(100_000);
    expect(await indexCount()).toBe(before); // read-only source: nothing was created
  });

  it('proposes a covering index (INCLUDE) when the query reads few columns through a selective key', async () => {
    const o = await ok({ sql: `SELECT id, email FROM customers WHERE created_at >= '2022-06-01' AND country = 'BC'` });
    expect(o.proposals.map((p) => [p.kind, p.columns, p.include])).toEqual([
      ['covering', ['country', 'created_at'], ['id', 'email']],
    ]);
    expect(o.proposals[0]!.ddl).toMatch(/ON public\.customers \(country, created_at\) INCLUDE \(id, email\);$/);
  });

  it('proposes expression indexes (lower(email), a JSON path) with low confidence when HypoPG alone judged them', async () => {
    const o = await ok({
      queries: [
        `SELECT id FROM customers WHERE lower(email) = 'user77@example.com'`,
        `SELECT id FROM customers WHERE meta->>'ref' = 'abc'`,
      ],
    });
    const lower = o.proposals.find((p) => p.columns[0] === '(lower(email))');
    const json = o.proposals.find((p) => p.columns[0] === "((meta ->> 'ref'))");
    expect(lower, JSON.stringify(o.proposals)).toBeDefined();
    expect(json).toBeDefined();
    for (const p of [lower!, json!]) {
      expect(p.kind).toBe('expression');
      expect(p.confidence).toBe('low');
      expect(p.rationale).toMatch(/no statistics/);
    }
  });

  it('proposes a partial index for a rare constant, and a sort index for ORDER BY ... LIMIT', async () => {
    const partial = await ok({
      sql: `SELECT id, total FROM orders WHERE status = 'pending' ORDER BY created_at LIMIT 50`,
    });
    const p = partial.proposals[0]!;
    expect(p.kind).toBe('partial');
    expect(p.where).toBe(`status = 'pending'`);
    expect(p.columns).toEqual(['created_at']);
    expect(p.ddl).toMatch(/ WHERE status = 'pending';$/);
    const sort = await ok({ sql: `SELECT * FROM orders ORDER BY created_at DESC LIMIT 10` });
    expect(sort.proposals.map((x) => [x.kind, x.columns])).toEqual([['sort', ['created_at']]]);
  });

  it('indexes a join key (an unindexed foreign key), and serves two queries with one index', async () => {
    const join = await ok({
      sql: `SELECT p.* FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.customer_id = 42`,
    });
    expect(join.proposals.map((x) => [x.table, x.columns, x.kind])).toEqual([
      ['public.payments', ['order_id'], 'join'],
    ]);
    const two = await ok({
      queries: [
        `SELECT * FROM payments WHERE order_id = 300`,
        `SELECT amount FROM payments WHERE order_id IN (3, 6, 9)`,
      ],
    });
    expect(two.proposals).toHaveLength(1);
    expect(two.proposals[0]!.columns).toEqual(['order_id']);
    expect(two.proposals[0]!.queries_helped).toEqual([1, 2]);
  });

  it('proposes BRIN on a large time-ordered table when a b-tree does not fit max_size_mb', async () => {
    const sql = `SELECT count(*) FROM log WHERE at >= '2024-02-01' AND at < '2024-02-02'`;
    const roomy = await ok({ sql });
    expect(roomy.proposals[0]?.method).toBe('btree');
    const tight = await ok({ sql, max_size_mb: 1 });
    const p = tight.proposals[0];
    expect(p, JSON.stringify(tight.no_change)).toBeDefined();
    expect(p).toMatchObject({ method: 'brin', kind: 'brin', columns: ['at'], confidence: 'low' });
    expect(p!.ddl).toBe('CREATE INDEX CONCURRENTLY IF NOT EXISTS log_at_brin ON public.log USING brin (at);');
    expect(p!.size_bytes!).toBeLessThan(1024 * 1024);
  });

  it('answers "no index" with the reason: small table, unselective filter, already indexed; never a duplicate', async () => {
    const o = await ok({
      queries: [
        `SELECT * FROM tiny WHERE name = 'name 5'`,
        `SELECT id FROM customers WHERE status = 'active'`,
        `SELECT * FROM orders WHERE customer_id = 4242`,
        `SELECT status, count(*) FROM orders GROUP BY status`,
      ],
    });
    expect(o.proposals, JSON.stringify(o.proposals)).toEqual([]);
    const reason = (n: number) => o.no_change.find((c) => c.query === n)?.reason ?? '';
    expect(reason(1)).toMatch(/already cheap/);
    expect(reason(2)).toMatch(/not selective|only|no index pays off|no candidate/);
    expect(reason(3)).toMatch(/orders_customer_id_idx|orders_customer_dup/);
    expect(reason(4)).not.toBe('');
    const dup = o.drop_candidates.find((d) => d.kind === 'duplicate');
    expect(dup).toMatchObject({
      table: 'public.orders',
      index: 'orders_customer_id_idx',
      covered_by: 'orders_customer_dup',
    });
    expect(o.drop_candidates.some((d) => d.index === dup!.covered_by)).toBe(false); // the one that stays is never also suggested
  });

  it('serves an OR with one index per branch (BitmapOr): the missing side alone, or both together; no sort index without LIMIT', async () => {
    const one = await ok({
      sql: `SELECT id FROM orders WHERE customer_id = 4242 OR created_at = timestamptz '2022-01-02 00:00:00+00'`,
    });
    expect(
      one.proposals.map((p) => p.columns),
      JSON.stringify(one.no_change),
    ).toEqual([['created_at']]);
    const both = await ok({
      sql: `SELECT id FROM customers WHERE email = 'user77@example.com' OR created_at = timestamp '2020-02-01 00:00:00'`,
    });
    expect(both.proposals.map((p) => p.columns).sort(), JSON.stringify(both.no_change)).toEqual([
      ['created_at'],
      ['email'],
    ]);
    expect(both.proposals[0]!.rationale).toMatch(/BitmapOr/);
    const sorted = await ok({ sql: `SELECT id, total FROM orders ORDER BY total` });
    expect(sorted.proposals, JSON.stringify(sorted.proposals)).toEqual([]);
  });

  it('proposes the indexes a statement needs together when none saves half alone (two scans of a UNION ALL)', async () => {
    const o = await ok({
      sql: `SELECT id FROM customers WHERE email = 'user77@example.com' UNION ALL SELECT id FROM customers WHERE created_at = timestamp '2020-02-01 00:00:00'`,
    });
    expect(o.proposals.map((p) => p.columns).sort(), JSON.stringify(o.no_change)).toEqual([['created_at'], ['email']]);
    expect(o.proposals[0]!.rationale).toMatch(/together with/);
  });

  it('fills placeholders from pg_stats so a normalized query is planned with a realistic value', async () => {
    const o = await ok({ sql: `SELECT * FROM payments WHERE order_id = $1` });
    expect(o.queries[0]!.planned_sql).toMatch(/order_id = '\d+'/);
    expect(o.proposals[0]?.columns).toEqual(['order_id']);
    // a value taken from the statistics of a sensitive column is used for planning, never shown
    const masked = await ok({ sql: `SELECT id FROM customers WHERE lower(email) = $1` });
    expect(masked.queries[0]!.planned_sql).toBe(`SELECT id FROM customers WHERE lower(email) = '[masked]'`);
    expect(JSON.stringify(masked)).not.toMatch(/user\d+@example\.com/);
    expect(masked.proposals[0]?.columns).toEqual(['(lower(email))']);
  });

  it('reads the workload from pg_stat_statements (workload: "top")', async () => {
    for (let i = 1; i <= 30; i++) await db.query('SELECT amount FROM payments WHERE order_id = $1', [i * 3]);
    for (let i = 1; i <= 30; i++)
      await db.query(`SELECT id FROM orders WHERE status = 'pending' ORDER BY created_at LIMIT 20 OFFSET $1`, [i]);
    const o = await ok({ workload: 'top', workload_limit: 20 });
    const helped = o.proposals.find((p) => p.table === 'public.payments' && p.columns[0] === 'order_id');
    expect(helped, text(await call({ workload: 'top' }))).toBeDefined();
    const q = o.queries.find((x) => /FROM payments WHERE order_id = \$1/.test(x.sql));
    expect(q?.planned_sql).toMatch(/order_id = '\d+'/);
  });

  it('confirms an expression index with a real index in a rolled-back transaction on a read-write source', async () => {
    const rw = await connect([sourceFor({ mode: 'read-write' })]);
    try {
      const before = await indexCount();
      const res = await rw.call('propose_index', {
        sql: `SELECT id FROM customers WHERE lower(email) = 'user77@example.com'`,
      });
      expect(res.isError, text(res)).toBeFalsy();
      const p = out(res).proposals[0]!;
      expect(p).toMatchObject({ verified_by: 'real-rollback', confidence: 'high', kind: 'expression' });
      expect(p.rationale).toMatch(/rolled-back transaction/);
      expect(p.cost_after!).toBeLessThan(p.cost_before! / 10); // with statistics: far better than HypoPG's guess
      // BRIN: the planner's cost understates it, the measured run time (EXPLAIN ANALYZE, rolled back) does not
      const brin = await rw.call('propose_index', {
        sql: `SELECT count(*) FROM log WHERE at >= '2024-02-01' AND at < '2024-02-08'`,
        max_size_mb: 1,
      });
      const b = out(brin).proposals[0];
      expect(b, text(brin)).toMatchObject({ method: 'brin', verified_by: 'real-rollback', confidence: 'high' });
      expect(b!.rationale).toMatch(/Measured run time [\d.]+ ms -> [\d.]+ ms/);
      expect(await indexCount()).toBe(before);
    } finally {
      await rw.close();
    }
  });

  it('refuses bad input with a code and a hint', async () => {
    expect(errorOf(await call({ sql: 'SELECT 1', queries: ['SELECT 2'] }))?.code).toBe('INVALID_ARGUMENT');
    expect(errorOf(await call({}))?.code).toBe('INVALID_ARGUMENT');
    expect(errorOf(await call({ sql: 'SELEC id FROM orders' }))?.code).toBe('SQL_SYNTAX');
    expect(['READ_ONLY_VIOLATION', 'STATEMENT_NOT_ALLOWED']).toContain(
      errorOf(await call({ sql: 'DROP TABLE orders' }))?.code,
    );
    expect(errorOf(await call({ queries: ['SELECT 1', 'DELETE FROM orders; DROP TABLE orders'] }))?.code).toBe(
      'MULTIPLE_STATEMENTS',
    );
    expect(errorOf(await call({ sql: 'SELECT * FROM no_such_table WHERE x = 1' }))?.code).toBe('SQL_ERROR');
    expect(await db.query('SELECT count(*) FROM orders').then((r) => Number(r.rows[0].count))).toBe(300000);
  });

  it('says how to get HypoPG and pg_stat_statements when they are missing, and falls back to labelled heuristics', async () => {
    await db.query('DROP EXTENSION hypopg');
    await db.query('DROP EXTENSION pg_stat_statements');
    const fresh = await connect([sourceFor()]);
    try {
      const res = await fresh.call('propose_index', { sql: `SELECT * FROM payments WHERE order_id = 300` });
      const o = out(res);
      expect(o.verification.method).toBe('heuristic');
      expect(o.verification.notes.join(' ')).toMatch(/CREATE EXTENSION hypopg/);
      expect(o.proposals[0]).toMatchObject({ columns: ['order_id'], verified_by: 'heuristic' });
      const wl = errorOf(await fresh.call('propose_index', { workload: 'top' }));
      expect(wl?.code).toBe('UNSUPPORTED_BY_ENGINE');
      expect(wl?.hint).toMatch(/CREATE EXTENSION pg_stat_statements/);
    } finally {
      await fresh.close();
    }
  });
});
