/** top_queries on real engines: pg_stat_statements missing, then created; MariaDB digests with performance_schema on (and the wording when it is off). */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { healthSource } from '../fixtures/health/source.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import { MYSQL_URL, PG_URL, skipUnlessReachable } from '../helpers/databases.js';
import { ensureDigestRoom, skipUnlessMysqlFeature, skipUnlessMysqlFeatureOff } from '../helpers/mysql-features.js';

interface Top {
  available: boolean;
  source: string;
  note: string | null;
  order_by: string;
  queries: {
    query: string;
    calls: number;
    total_ms: number;
    mean_ms: number;
    rows: number;
    extra: Record<string, unknown>;
  }[];
  next_step: string;
}

const top = (r: CallToolResult) => {
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return r.structuredContent as unknown as Top;
};

const skipPg = await skipUnlessReachable('postgres');
const skipMysql = await skipUnlessReachable('mysql');
const skipDigestsOff = !skipMysql && (await skipUnlessMysqlFeature('performance_schema'));

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
    expect((await h.call('top_queries', {})).content[0]).toMatchObject({
      text: expect.stringContaining('not available'),
    });
  });

  it('once created, lists the costliest statements of this database, normalized, with calls, times and rows, and points to analyze_query', async () => {
    await db.query('CREATE EXTENSION pg_stat_statements');
    for (let i = 0; i < 20; i++) await db.query('SELECT count(*) FROM items WHERE price = $1', [i]);
    for (let i = 0; i < 3; i++)
      await db.query('SELECT sum(a.price) FROM items a CROSS JOIN items b WHERE a.id < 400 AND b.id < 400');
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

describe.skipIf(skipMysql || skipDigestsOff)('top_queries on MariaDB/MySQL with performance_schema ON', () => {
  const database = `dba_pf_top_${randomBytes(3).toString('hex')}`;
  const dsn = MYSQL_URL.replace(/\/[^/]*$/, `/${database}`);
  let admin: mysql.Connection;
  let db: mysql.Connection;
  let h: Harness;

  beforeAll(async () => {
    admin = await mysql.createConnection({ uri: MYSQL_URL });
    await ensureDigestRoom(admin);
    await admin.query(`CREATE DATABASE ${database}`);
    db = await mysql.createConnection({ uri: dsn });
    await db.query('CREATE TABLE items (id int PRIMARY KEY, price int)');
    await db.query('INSERT INTO items SELECT seq, seq % 97 FROM seq_1_to_5000');
    h = await connect([healthSource(dsn, {}, 'db')]);
  });

  afterAll(async () => {
    await h?.close();
    await db?.end().catch(() => {});
    await admin?.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => {});
    await admin?.end().catch(() => {});
  });

  it('lists the costliest statements of this database from the digests, normalized, with calls, times and rows, and points to analyze_query', async () => {
    for (let i = 0; i < 20; i++) await db.query('SELECT count(*) AS n FROM items WHERE price = ?', [i]);
    for (let i = 0; i < 3; i++)
      await db.query('SELECT sum(a.price) AS s FROM items a CROSS JOIN items b WHERE a.id < 300 AND b.id < 300');
    const byTotal = top(await h.call('top_queries', { limit: 5 }));
    expect(byTotal).toMatchObject({
      available: true,
      source: 'performance_schema.events_statements_summary_by_digest',
    });
    expect(byTotal.note).toMatch(/milliseconds/);
    expect(byTotal.queries.length).toBeGreaterThan(0);
    expect(byTotal.queries.length).toBeLessThanOrEqual(5);
    const cross = byTotal.queries.find((q) => q.query.includes('CROSS JOIN'));
    expect(cross, JSON.stringify(byTotal.queries)).toMatchObject({
      calls: 3,
      rows: 3,
      extra: expect.objectContaining({ db: database, rows_examined: expect.any(Number) }),
    });
    // literals normalized away; the statement's own text otherwise
    expect(cross!.query).toMatch(/`a` \. `id` < \?/);
    expect(cross!.query).not.toContain('300');
    expect(cross!.total_ms).toBeGreaterThan(0);
    expect(cross!.mean_ms).toBeCloseTo(cross!.total_ms / 3, 1);
    expect(Number(cross!.extra.rows_examined)).toBeGreaterThan(0);
    const totals = byTotal.queries.map((q) => q.total_ms);
    expect([...totals].sort((a, b) => b - a)).toEqual(totals);
    expect(
      byTotal.queries.every((q) => q.extra.db === database),
      "only this database's statements",
    ).toBe(true);
    expect(byTotal.next_step).toContain('analyze_query');

    const byCalls = top(await h.call('top_queries', { order_by: 'calls', limit: 3 }));
    expect(byCalls.queries[0]).toMatchObject({ calls: 20, rows: 20 });
    expect(byCalls.queries[0]!.query).toMatch(/`price` = \?/);
    expect(byCalls.queries.some((q) => /performance_schema/i.test(q.query))).toBe(false);
    const rendered = (await h.call('top_queries', { order_by: 'calls', limit: 3 })).content[0] as { text: string };
    expect(rendered.text).toMatch(
      /^Top 3 statements by calls \(performance_schema\.events_statements_summary_by_digest/,
    );
    expect(rendered.text).toContain('20 calls, 20 rows');
  });
});

describe.skipIf(
  skipMysql || (await skipUnlessMysqlFeatureOff('performance_schema', 'top_queries with performance_schema OFF')),
)('top_queries on MariaDB/MySQL with performance_schema OFF', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await connect([healthSource(MYSQL_URL, {}, 'db')]);
  });
  afterAll(async () => h?.close());

  it('says performance_schema is off and how to enable it', async () => {
    const r = top(await h.call('top_queries', {}));
    expect(r).toMatchObject({
      available: false,
      source: 'performance_schema.events_statements_summary_by_digest',
      queries: [],
    });
    expect(r.note).toMatch(/performance_schema is OFF/);
    expect(r.note).toMatch(/performance_schema=ON under \[mysqld\]/);
    expect(r.note).toMatch(/restart/);
  });
});
