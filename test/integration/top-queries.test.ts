/** top_queries on real engines: pg_stat_statements missing, then created; MariaDB with performance_schema off. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { healthSource } from '../fixtures/health/source.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import { MYSQL_URL, PG_URL, skipUnlessReachable } from '../helpers/databases.js';

interface Top {
  available: boolean;
  source: string;
  note: string | null;
  order_by: string;
  queries: { query: string; calls: number; total_ms: number; mean_ms: number; rows: number; extra: Record<string, unknown> }[];
  next_step: string;
}


const top = (r: CallToolResult) => {
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return r.structuredContent as unknown as Top;
};

const skipPg = await skipUnlessReachable('postgres');
const skipMysql = await skipUnlessReachable('mysql');

describe.skipIf(skipPg)('top_queries on PostgreSQL', () => {
  const database = `dba_hl_top_${randomBytes(3).toString('hex')}`;
  const dsn = PG_URL.replace(/\/[^/]*$/, `/${database}`);
  let admin: pg.Client;
  let db: pg.Client;
  let h: Harness;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    db = new pg.Client({ connectionString: dsn });
    await db.connect();
    await db.query('CREATE TABLE items (id int PRIMARY KEY, price int)');
    await db.query('INSERT INTO items SELECT g, g % 97 FROM generate_series(1, 5000) g');
    h = await connect([healthSource(dsn, {}, 'db')]);
  });

  afterAll(async () => {
    await h?.close();
    await db?.end().catch(() => {});
    await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    await admin?.end().catch(() => {});
  });

  it('says the extension is preloaded but not created in this database, and how to create it', async () => {
    const r = top(await h.call('top_queries', {}));
    expect(r).toMatchObject({ available: false, source: 'pg_stat_statements', queries: [] });
    expect(r.note).toContain(`CREATE EXTENSION pg_stat_statements; there`);
    expect(r.note).toContain(database);
    expect((await h.call('top_queries', {})).content[0]).toMatchObject({ text: expect.stringContaining('not available') });
  });

  it('once created, lists the costliest statements of this database, normalized, with calls, times and rows, and points to analyze_query', async () => {
    await db.query('CREATE EXTENSION pg_stat_statements');
    for (let i = 0; i < 20; i++) await db.query('SELECT count(*) FROM items WHERE price = $1', [i]);
    for (let i = 0; i < 3; i++) await db.query('SELECT sum(a.price) FROM items a CROSS JOIN items b WHERE a.id < 400 AND b.id < 400');
    const byTotal = top(await h.call('top_queries', { limit: 5 }));
    expect(byTotal.available).toBe(true);
    expect(byTotal.queries.length).toBeGreaterThan(0);
    expect(byTotal.queries.length).toBeLessThanOrEqual(5);
    const cross = byTotal.queries.find((q) => q.query.includes('CROSS JOIN'));
    expect(cross).toMatchObject({ calls: 3, rows: 3 });
    expect(cross!.query).toContain('a.id < $1');
    const totals = byTotal.queries.map((q) => q.total_ms);
    expect([...totals].sort((a, b) => b - a)).toEqual(totals);
    expect(byTotal.next_step).toContain('analyze_query');

    const byCalls = top(await h.call('top_queries', { order_by: 'calls', limit: 3 }));
    expect(byCalls.queries[0]).toMatchObject({ calls: 20, rows: 20 });
    expect(byCalls.queries[0]!.query).toContain('price = $1');
    expect(byCalls.queries.some((q) => q.query.includes('pg_stat_statements'))).toBe(false);
  });

  it('refuses an unknown order', async () => {
    expect(errorOf(await h.call('top_queries', { order_by: 'size' }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe.skipIf(skipMysql)('top_queries on MySQL/MariaDB', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await connect([healthSource(MYSQL_URL, {}, 'db')]);
  });
  afterAll(async () => h?.close());

  it('says when performance_schema is off and how to enable it; lists digests when it is on', async () => {
    const probe = await mysql.createConnection({ uri: MYSQL_URL });
    const [rows] = await probe.query('SELECT @@performance_schema AS ps');
    await probe.end();
    const r = top(await h.call('top_queries', {}));
    expect(r.source).toBe('performance_schema.events_statements_summary_by_digest');
    if (Number((rows as { ps: number }[])[0]!.ps) === 1) {
      expect(r.available).toBe(true);
      return;
    }
    expect(r.available).toBe(false);
    expect(r.note).toMatch(/performance_schema is OFF/);
    expect(r.note).toMatch(/performance_schema=ON under \[mysqld\]/);
    expect(r.note).toMatch(/restart/);
  });
});
