/**
 * propose_index on SQLite through the real pipeline: what-if planning on an in-memory copy of the
 * schema (the source file is never written: its bytes are compared before and after), candidate
 * kinds SQLite supports (composite, expression, partial, sort, join), "no index" answers,
 * duplicate avoidance and drop candidates.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import { SERVERS, type Scratch } from '../helpers/databases.js';
import type { Advice } from '../../src/tools/index-advice/advise.js';

/** The tool's structuredContent: its summary and the advice. */
type Out = Advice & { summary: string };
const out = (r: CallToolResult) => r.structuredContent as unknown as Out;
const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

const SETUP = [
  `CREATE TABLE customers (id integer PRIMARY KEY, email text NOT NULL, country text NOT NULL, created_at text NOT NULL)`,
  `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 30000)
   INSERT INTO customers SELECT n, 'user' || n || '@example.com', CASE WHEN n % 10 < 3 THEN 'US' ELSE char(65 + n % 20) || char(65 + n % 13) END, date('2020-01-01', '+' || (n / 30) || ' days') FROM g`,
  `CREATE INDEX customers_email ON customers (email)`,
  `CREATE INDEX customers_email_again ON customers (email)`,
  `CREATE TABLE orders (id integer PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, created_at text NOT NULL)`,
  `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 100000)
   INSERT INTO orders SELECT n, 1 + (n * 7919) % 30000, CASE WHEN n % 100 = 0 THEN 'pending' ELSE 'shipped' END, datetime('2022-01-01', '+' || (n * 47) || ' seconds') FROM g`,
  `CREATE TABLE tiny (id integer PRIMARY KEY, name text)`,
  `INSERT INTO tiny VALUES (1, 'a'), (2, 'b')`,
];

describe('propose_index on SQLite', () => {
  let scratch: Scratch;
  let mcp: Harness;
  let file: string;
  const digest = () => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  const ok = async (args: Record<string, unknown>) => {
    const res = await mcp.call('propose_index', args);
    expect(res.isError, text(res)).toBeFalsy();
    return out(res);
  };

  beforeAll(async () => {
    scratch = await SERVERS.sqlite.scratch();
    for (const sql of SETUP) await scratch.exec(sql);
    file = scratch.dsn.replace(/^sqlite:\/\//, '');
    mcp = await connect([scratch.source()]);
  }, 60_000);

  afterAll(async () => {
    await mcp?.close();
    await scratch?.drop();
  });

  it('verifies on an in-memory copy and never touches the source file', async () => {
    const before = digest();
    const o = await ok({ sql: `SELECT * FROM orders WHERE customer_id = 42` });
    expect(o.verification.method).toBe('whatif');
    expect(o.proposals.map((p) => [p.table, p.columns, p.verified_by, p.confidence])).toEqual([
      ['main.orders', ['customer_id'], 'whatif', 'medium'],
    ]);
    expect(o.proposals[0]!.ddl).toBe('CREATE INDEX IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);');
    expect(digest()).toBe(before);
  });

  it('puts equality before range, indexes expressions, rare constants and ORDER BY ... LIMIT', async () => {
    const o = await ok({
      queries: [
        `SELECT * FROM customers WHERE created_at >= '2021-06-01' AND country = 'CD'`,
        `SELECT id FROM customers WHERE lower(email) = 'user5@example.com'`,
        `SELECT id FROM orders WHERE status = 'pending' ORDER BY created_at LIMIT 20`,
      ],
    });
    const by = (n: number) => o.proposals.find((p) => p.queries_helped.includes(n));
    expect(by(1)?.columns).toEqual(['country', 'created_at']);
    expect(by(2)).toMatchObject({ columns: ['lower(email)'], kind: 'expression' });
    const rare = by(3)!;
    expect(rare.where === `status = 'pending'` || rare.columns[0] === 'status', JSON.stringify(rare)).toBe(true);
    expect(rare.columns).toContain('created_at');
  });

  it('advises a normalized query whose values are placeholders (?)', async () => {
    const o = await ok({
      queries: [`SELECT * FROM orders WHERE customer_id = ?`, `SELECT id FROM orders WHERE customer_id = ? AND id > ?`],
    });
    expect(o.proposals.map((p) => [p.table, p.columns[0]])).toEqual([['main.orders', 'customer_id']]); // one index, led by the equality column, serves both
    expect(o.proposals[0]!.queries_helped).toEqual([1, 2]);
    expect(
      o.queries.every((q) => q.planned_sql && !q.planned_sql.includes('?')),
      JSON.stringify(o.queries),
    ).toBe(true); // planned with real values
  });

  it('indexes a join key', async () => {
    const o = await ok({
      sql: `SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = 'user5@example.com'`,
    });
    expect(o.proposals.map((p) => [p.table, p.columns, p.kind])).toEqual([['main.orders', ['customer_id'], 'join']]);
  });

  it('answers "no index" for a tiny table and an indexed column, proposes no duplicate, and reports the duplicate index', async () => {
    const o = await ok({
      queries: [`SELECT * FROM tiny WHERE name = 'a'`, `SELECT * FROM customers WHERE email = 'user5@example.com'`],
    });
    expect(o.proposals).toEqual([]);
    expect(o.no_change.map((n) => n.reason).join(' | ')).toMatch(/already cheap.*\|.*customers_email/);
    expect(o.drop_candidates).toEqual([
      expect.objectContaining({ index: 'customers_email_again', kind: 'duplicate', covered_by: 'customers_email' }),
    ]);
  });

  it('says SQLite has no workload statistics', async () => {
    const err = errorOf(await mcp.call('propose_index', { workload: 'top' }));
    expect(err?.code).toBe('UNSUPPORTED_BY_ENGINE');
    expect(err?.hint).toMatch(/sql or queries/);
  });
});
