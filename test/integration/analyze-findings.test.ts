/**
 * The analyze_query findings about joins, predicates and results, on real planners: a wide
 * 50,000-row table with indexes on email and created_at, a small table of ranges (a join no hash
 * or merge join can serve), and a well-indexed query with a LIMIT that must give no finding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connect, type Harness } from '../helpers/mcp.js';
import { SERVERS, skipUnlessReachable, type Scratch } from '../helpers/databases.js';

interface Finding {
  code: string;
  severity: string;
  message: string;
  node: string;
  evidence: Record<string, unknown>;
  fix: string;
}
const findings = (r: CallToolResult) => (r.structuredContent as { findings: Finding[] } | undefined)?.findings ?? [];
const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;
const codes = (r: CallToolResult) => findings(r).map((f) => f.code);
const find = (r: CallToolResult, code: string) => findings(r).find((f) => f.code === code);

const ROWS = 50_000;
const EXTRA = Array.from({ length: 14 }, (_, i) => `c${i + 1}`);

const skipPg = await skipUnlessReachable('postgres');
describe.skipIf(skipPg)('analyze_query findings on PostgreSQL', () => {
  let scratch: Scratch;
  let mcp: Harness;
  let t: string;
  let r: string;
  const call = (sql: string, analyze = false) => mcp.call('analyze_query', { sql, analyze });

  beforeAll(async () => {
    scratch = await SERVERS.postgres.scratch();
    t = `${scratch.schema}.customers`;
    r = `${scratch.schema}.ranges`;
    await scratch.exec(
      `CREATE TABLE ${t} (id int PRIMARY KEY, email text, created_at timestamp, score int, ${EXTRA.map((c) => `${c} int`).join(', ')})`,
    );
    await scratch.exec(
      `INSERT INTO ${t} SELECT g, 'user' || g || '@example.com', timestamp '2024-01-01' + g * interval '1 minute', g % 1000, ${EXTRA.map(() => 'g').join(', ')} FROM generate_series(1, ${ROWS}) g`,
    );
    await scratch.exec(`CREATE INDEX customers_email ON ${t} (email)`);
    await scratch.exec(`CREATE INDEX customers_created ON ${t} (created_at)`);
    await scratch.exec(`CREATE TABLE ${r} (lo int, hi int)`);
    await scratch.exec(`INSERT INTO ${r} SELECT g * 10, g * 10 + 5 FROM generate_series(1, 50) g`);
    await scratch.exec(`ANALYZE ${t}`);
    await scratch.exec(`ANALYZE ${r}`);
    mcp = await connect([scratch.source()]);
  }, 60_000);

  afterAll(async () => {
    await mcp?.close();
    await scratch?.drop();
  });

  it('INDEX_NOT_USABLE: a function, a cast or a leading wildcard on an indexed column, naming the index', async () => {
    const lower = await call(`SELECT id FROM ${t} WHERE lower(email) = 'user42@example.com'`);
    const f = find(lower, 'INDEX_NOT_USABLE');
    expect(f, text(lower)).toBeDefined();
    expect(f!.evidence).toMatchObject({ column: 'email', index: 'customers_email', predicate: 'function' });
    expect(f!.fix).toContain(`CREATE INDEX ON ${t} ((lower(email)))`);
    expect(codes(lower)).not.toContain('FULL_SCAN_LARGE_TABLE'); // the more precise finding replaces it

    const cast = await call(`SELECT id FROM ${t} WHERE created_at::date = '2024-01-02'`);
    expect(find(cast, 'INDEX_NOT_USABLE')?.evidence, text(cast)).toMatchObject({
      column: 'created_at',
      index: 'customers_created',
      predicate: 'cast',
    });
    expect(find(cast, 'INDEX_NOT_USABLE')!.fix).toMatch(/created_at >= .* AND created_at </);

    const like = await call(`SELECT id FROM ${t} WHERE email LIKE '%42@example.com'`);
    expect(find(like, 'INDEX_NOT_USABLE')?.evidence, text(like)).toMatchObject({
      column: 'email',
      predicate: 'leading_wildcard',
    });
  });

  it('INDEX_NOT_USABLE: an OR across columns and a text column compared with a number, with pg_stats in the evidence', async () => {
    const or = await call(`SELECT id FROM ${t} WHERE email = 'user42@example.com' OR score = 5`);
    const f = find(or, 'INDEX_NOT_USABLE');
    expect(f?.evidence, text(or)).toMatchObject({
      predicate: 'or_across_columns',
      indexed_columns: 'email',
      unindexed_columns: 'score',
      distinct: 1000,
    });
    expect(f!.fix).toContain(`CREATE INDEX ON ${t} (score);`);
    expect(f!.fix).toContain('UNION ALL');

    const mismatch = await call(`SELECT id FROM ${t} WHERE email::numeric = 42`);
    const m = find(mismatch, 'INDEX_NOT_USABLE');
    expect(m?.evidence, text(mismatch)).toMatchObject({
      predicate: 'type_mismatch',
      column: 'email',
      column_type: 'text',
      index: 'customers_email',
      distinct: ROWS,
      null_fraction: 0,
    });
    expect(m!.fix).toContain("email = '42'");
  });

  it('pg_stats most common values in the evidence of a full scan, never those of a sensitive column', async () => {
    const c = `${scratch.schema}.contacts`;
    await scratch.exec(
      `CREATE TABLE ${c} AS SELECT g AS id, g % 40 AS kind, 'p' || (g % 40) AS phone FROM generate_series(1, ${ROWS}) g`,
    );
    await scratch.exec(`ANALYZE ${c}`);
    const byKind = await call(`SELECT id FROM ${c} WHERE kind = 3`);
    const kind = find(byKind, 'FULL_SCAN_LARGE_TABLE');
    expect(kind?.evidence, text(byKind)).toMatchObject({ distinct: 40 });
    expect(String(kind!.evidence.most_common).split(', ')).toHaveLength(5);
    const byPhone = await call(`SELECT id FROM ${c} WHERE phone = 'p3'`);
    const phone = find(byPhone, 'FULL_SCAN_LARGE_TABLE');
    expect(phone?.evidence, text(byPhone)).toMatchObject({ distinct: 40 });
    expect(phone!.evidence).not.toHaveProperty('most_common');
    expect(JSON.stringify(byPhone.structuredContent)).not.toMatch(/\bp(?!3\b)\d+\b/); // only the filter's own constant
  });

  it('SORT_SPILL for a hash join whose inner side does not fit work_mem (analyzed), with its batches', async () => {
    const big = `${scratch.schema}.events`;
    await scratch.exec(
      `CREATE TABLE ${big} AS SELECT g AS id, g % ${ROWS} AS customer_id, repeat('x', 120) AS pad FROM generate_series(1, 200000) g`,
    );
    await scratch.exec(`ANALYZE ${big}`);
    const join = `SELECT a.pad, b.pad FROM ${big} a JOIN ${big} b ON b.id = a.id + 1`;
    const res = await call(join, true);
    const f = find(res, 'SORT_SPILL');
    expect(f?.evidence, text(res)).toMatchObject({ method: expect.stringMatching(/^hash in \d+ batches$/) });
    expect(Number(/in (\d+) batches/.exec(String(f!.evidence.method))![1])).toBeGreaterThan(1);
    expect(codes(await call(join))).not.toContain('SORT_SPILL'); // only an analyzed plan shows a spill
  });

  it('INDEX_NOT_USABLE for the column as a later function argument, inside EXTRACT, and under arithmetic', async () => {
    const trunc = await call(`SELECT count(*) FROM ${t} WHERE date_trunc('day', created_at) = '2024-01-02'`, true);
    expect(find(trunc, 'INDEX_NOT_USABLE')?.evidence, text(trunc)).toMatchObject({
      column: 'created_at',
      index: 'customers_created',
      predicate: 'function',
    });
    expect(find(trunc, 'INDEX_NOT_USABLE')!.fix).toMatch(/created_at >= .* AND created_at </);
    const extract = await call(
      `SELECT count(*) FROM ${t} WHERE extract(year FROM created_at) = 2024 AND extract(doy FROM created_at) = 3`,
    );
    expect(find(extract, 'INDEX_NOT_USABLE')?.evidence, text(extract)).toMatchObject({
      column: 'created_at',
      predicate: 'function',
    });
    const plus = await call(`SELECT id FROM ${t} WHERE created_at + interval '1 day' < '2024-01-03'`, true);
    const f = find(plus, 'INDEX_NOT_USABLE');
    expect(f?.evidence, text(plus)).toMatchObject({ column: 'created_at', predicate: 'arithmetic' });
    expect(f!.fix).toContain('move the arithmetic to the other side');
    expect(
      codes(await call(`SELECT id FROM ${t} WHERE created_at < timestamp '2024-01-03' - interval '1 day'`, true)),
    ).toEqual([]); // the rewrite
  });

  it('FULL_SCAN_LARGE_TABLE for a hash join that reads a whole table to keep a few rows, gone once the join key is indexed', async () => {
    const v = `${scratch.schema}.visits`;
    await scratch.exec(
      `CREATE TABLE ${v} AS SELECT g AS id, 1 + (g * 7) % ${ROWS} AS customer_ref, 'page' || g AS page FROM generate_series(1, ${ROWS}) g`,
    );
    await scratch.exec(`ANALYZE ${v}`);
    const sql = `SELECT v.id, v.page FROM ${v} v JOIN ${t} c ON c.id = v.customer_ref WHERE c.email = 'user42@example.com'`;
    for (const analyze of [false, true]) {
      const res = await call(sql, analyze);
      const f = find(res, 'FULL_SCAN_LARGE_TABLE');
      expect(f?.evidence, text(res)).toMatchObject({ table: v, join_key: 'customer_ref' });
      expect(f!.fix).toContain(`CREATE INDEX ON ${v} (customer_ref)`);
    }
    await scratch.exec(`CREATE INDEX visits_customer_ref ON ${v} (customer_ref)`);
    await scratch.exec(`ANALYZE ${v}`);
    expect(codes(await call(sql, true))).toEqual([]);
  });

  it('SORT_WITHOUT_INDEX for a top-N sort under a LIMIT, judged by the rows it reads, not the few it returns', async () => {
    for (const analyze of [false, true]) {
      const res = await call(`SELECT id FROM ${t} ORDER BY score DESC LIMIT 10`, analyze);
      const f = find(res, 'SORT_WITHOUT_INDEX');
      expect(Number(f?.evidence.rows_sorted), text(res)).toBeGreaterThanOrEqual(ROWS * 0.9);
      expect(f!.fix).toContain(`CREATE INDEX ON ${t} (score)`);
    }
  });

  it('no FULL_SCAN_LARGE_TABLE when a LIMIT stops a scan whose filter keeps nearly every row', async () => {
    const res = await call(`SELECT id FROM ${t} WHERE score <> 3 LIMIT 10`, true);
    expect(codes(res), text(res)).not.toContain('FULL_SCAN_LARGE_TABLE');
    const selective = await call(`SELECT id FROM ${t} WHERE c3 = 4242 LIMIT 10`, true); // one match: the scan reads on
    expect(codes(selective), text(selective)).toContain('FULL_SCAN_LARGE_TABLE');
  });

  it('CORRELATED_SUBQUERY for a few hundred runs when each run reads the large table through an index that does not lead with the correlation column', async () => {
    const p = `${scratch.schema}.probe`;
    await scratch.exec(`CREATE TABLE ${p} AS SELECT g AS score FROM generate_series(1, 300) g`);
    await scratch.exec(`ANALYZE ${p}`);
    const res = await call(
      `SELECT p.score, (SELECT max(c.created_at) FROM ${t} c WHERE c.score = p.score) FROM ${p} p`,
    );
    const f = find(res, 'CORRELATED_SUBQUERY');
    expect(f?.evidence, text(res)).toMatchObject({ executions: 300 });
    expect(f!.fix).toContain(`CREATE INDEX ON ${t} (score)`);
    expect(
      codes(await call(`SELECT p.score, (SELECT max(c.created_at) FROM ${t} c WHERE c.id = p.score) FROM ${p} p`)),
    ).not.toContain('CORRELATED_SUBQUERY'); // a primary-key lookup per run
  });

  it('CORRELATED_SUBQUERY: a SubPlan run once per row of a 50,000-row scan (estimated and analyzed)', async () => {
    const sql = `SELECT c.id, (SELECT count(*) FROM ${r} x WHERE x.lo = c.score) AS n FROM ${t} c WHERE c.id > 0 LIMIT 20000`;
    const res = await call(sql);
    const f = find(res, 'CORRELATED_SUBQUERY');
    expect(f, text(res)).toMatchObject({
      severity: 'critical',
      evidence: { subquery: 'SubPlan 1', inner_table: r, correlation: expect.stringContaining('score') },
    });
    expect(Number(f!.evidence.executions)).toBeGreaterThanOrEqual(10_000);
    expect(f!.fix).toMatch(/JOIN.*LATERAL.*EXISTS/);
    expect(f!.fix).toContain(`CREATE INDEX ON ${r} (lo)`);
    const analyzed = await call(sql, true);
    expect(find(analyzed, 'CORRELATED_SUBQUERY')?.evidence, text(analyzed)).toMatchObject({
      executions: 20_000,
      executions_from: 'actual loops',
    });
  });

  it('NESTED_LOOP_LARGE_OUTER: a range join loops 50,000 times over a full scan', async () => {
    const res = await call(`SELECT c.id, x.lo FROM ${t} c JOIN ${r} x ON c.score >= x.lo AND c.score <= x.hi`);
    const f = find(res, 'NESTED_LOOP_LARGE_OUTER');
    expect(f, text(res)).toBeDefined();
    expect(Number(f!.evidence.outer_rows)).toBeGreaterThanOrEqual(10_000);
    expect(f!.fix).toMatch(/CREATE INDEX ON \S+ \(/);
  });

  it('MISSING_LIMIT_LARGE_RESULT for 50,000 rows without LIMIT (estimated and analyzed), not for an aggregate', async () => {
    const res = await call(`SELECT id, email FROM ${t} WHERE id > 0`);
    expect(find(res, 'MISSING_LIMIT_LARGE_RESULT')?.evidence.rows, text(res)).toBeGreaterThanOrEqual(ROWS * 0.9);
    const analyzed = await call(`SELECT id, email FROM ${t} WHERE id > 0`, true);
    expect(find(analyzed, 'MISSING_LIMIT_LARGE_RESULT')?.evidence).toMatchObject({ rows: ROWS, estimated: 'no' });
    expect(codes(await call(`SELECT count(*) FROM ${t}`))).toEqual([]);
    expect(codes(await call(`SELECT score, count(*) FROM ${t} GROUP BY score`))).not.toContain(
      'MISSING_LIMIT_LARGE_RESULT',
    );
  });

  it('SELECT_STAR_WIDE for SELECT * of an 18-column table, as info', async () => {
    const res = await call(`SELECT * FROM ${t} WHERE id = 5`);
    expect(codes(res), text(res)).toEqual(['SELECT_STAR_WIDE']);
    expect(find(res, 'SELECT_STAR_WIDE')).toMatchObject({ severity: 'info', evidence: { columns: 18 } });
    expect(find(res, 'SELECT_STAR_WIDE')!.fix).toContain('SELECT id, email, created_at, ...');
  });

  it('a well-indexed query with a LIMIT gives no finding', async () => {
    const res = await call(`SELECT id, email FROM ${t} WHERE email >= 'user4' ORDER BY email LIMIT 20`);
    expect(codes(res), text(res)).toEqual([]);
    const analyzed = await call(
      `SELECT c.id, c.email FROM ${t} c WHERE c.created_at >= '2024-01-02' ORDER BY c.created_at LIMIT 10`,
      true,
    );
    expect(codes(analyzed), text(analyzed)).toEqual([]);
  });
});

const skipMy = await skipUnlessReachable('mysql');
describe.skipIf(skipMy)('analyze_query findings on MariaDB', () => {
  let scratch: Scratch;
  let mcp: Harness;

  beforeAll(async () => {
    scratch = await SERVERS.mysql.scratch();
    await scratch.exec(
      `CREATE TABLE ${scratch.schema}.orders (id int PRIMARY KEY, customer int, status varchar(10), code varchar(12))`,
    );
    await scratch.exec(
      `INSERT INTO ${scratch.schema}.orders SELECT seq, seq % 5000, ELT(1 + seq % 3, 'new', 'paid', 'sent'), CAST(seq AS CHAR) FROM seq_1_to_${ROWS}`,
    );
    await scratch.exec(`CREATE INDEX orders_code ON ${scratch.schema}.orders (code)`);
    await scratch.exec(`ANALYZE TABLE ${scratch.schema}.orders`);
    mcp = await connect([scratch.source()]);
  }, 60_000);

  afterAll(async () => {
    await mcp?.close();
    await scratch?.drop();
  });

  it('USING_TEMPORARY for a GROUP BY over 50,000 rows with no index in its order, and nothing once indexed', async () => {
    const sql = `SELECT customer, count(*) FROM ${scratch.schema}.orders GROUP BY customer`;
    const res = await mcp.call('analyze_query', { sql });
    const f = find(res, 'USING_TEMPORARY');
    expect(f, text(res)).toBeDefined();
    expect(Number(f!.evidence.input_rows)).toBeGreaterThanOrEqual(ROWS * 0.5);
    expect(f!.fix).toContain(`CREATE INDEX ON ${scratch.schema}.orders (customer)`);
    expect(codes(res)).not.toContain('MISSING_LIMIT_LARGE_RESULT'); // grouped: the top's count is not the result's

    await scratch.exec(`CREATE INDEX orders_customer ON ${scratch.schema}.orders (customer)`);
    const fine = await mcp.call('analyze_query', { sql: `${sql} LIMIT 10` });
    expect(codes(fine), text(fine)).toEqual([]);
  });

  it('INDEX_NOT_USABLE for a VARCHAR column compared with a number, with the index cardinality as distinct', async () => {
    const res = await mcp.call('analyze_query', {
      sql: `SELECT id, customer FROM ${scratch.schema}.orders WHERE code = 42`,
    });
    const f = find(res, 'INDEX_NOT_USABLE');
    expect(f?.evidence, text(res)).toMatchObject({ predicate: 'type_mismatch', column: 'code', index: 'orders_code' });
    expect(Number(f!.evidence.distinct)).toBeGreaterThanOrEqual(ROWS * 0.5);
    expect(f!.fix).toContain("code = '42'");
  });

  it('CORRELATED_SUBQUERY for a DEPENDENT SUBQUERY over 50,000 outer rows', async () => {
    const o = `${scratch.schema}.orders`;
    const res = await mcp.call('analyze_query', {
      sql: `SELECT o.id, (SELECT count(*) FROM ${o} WHERE orders.status = o.code) AS n FROM ${o} o`,
    });
    const f = find(res, 'CORRELATED_SUBQUERY');
    expect(f, text(res)).toMatchObject({ severity: 'critical', evidence: { subquery: 'DEPENDENT SUBQUERY 2' } });
    expect(Number(f!.evidence.executions)).toBeGreaterThanOrEqual(ROWS * 0.5);
    expect(f!.fix).toContain(`CREATE INDEX ON ${o} (status)`);
  });
});

const skipLite = await skipUnlessReachable('sqlite');
describe.skipIf(skipLite)('analyze_query findings on SQLite', () => {
  let scratch: Scratch;
  let mcp: Harness;

  beforeAll(async () => {
    scratch = await SERVERS.sqlite.scratch();
    await scratch.exec(`CREATE TABLE users (id integer PRIMARY KEY, email text)`);
    await scratch.exec(
      `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${ROWS}) INSERT INTO users SELECT n, 'user' || n || '@example.com' FROM g`,
    );
    await scratch.exec(`CREATE INDEX users_email ON users (email)`);
    await scratch.exec(`ANALYZE`);
    mcp = await connect([scratch.source()]);
  }, 60_000);

  afterAll(async () => {
    await mcp?.close();
    await scratch?.drop();
  });

  it('INDEX_NOT_USABLE for lower(email) and a leading-wildcard LIKE; MISSING_LIMIT_LARGE_RESULT for the whole table', async () => {
    const fn = await mcp.call('analyze_query', {
      sql: `SELECT id FROM users WHERE lower(email) = 'user42@example.com'`,
    });
    expect(find(fn, 'INDEX_NOT_USABLE')?.evidence, text(fn)).toMatchObject({
      column: 'email',
      index: 'users_email',
      predicate: 'function',
    });
    const like = await mcp.call('analyze_query', {
      sql: `SELECT id FROM users WHERE email LIKE '%42@example.com' LIMIT 5`,
    });
    expect(find(like, 'INDEX_NOT_USABLE')?.evidence, text(like)).toMatchObject({
      column: 'email',
      predicate: 'leading_wildcard',
    });
    const all = await mcp.call('analyze_query', { sql: `SELECT id, email FROM users` });
    expect(codes(all), text(all)).toEqual(['MISSING_LIMIT_LARGE_RESULT']);
    expect(codes(await mcp.call('analyze_query', { sql: `SELECT count(*) FROM users` }))).toEqual([]);
    expect(
      codes(
        await mcp.call('analyze_query', {
          sql: `SELECT id, email FROM users WHERE email = 'user7@example.com' LIMIT 1`,
        }),
      ),
    ).toEqual([]);
  });

  it('CORRELATED_SCALAR_SUBQUERY over a 50,000-row scan, and sqlite_stat1 distinct in a full-scan finding', async () => {
    const res = await mcp.call('analyze_query', {
      sql: `SELECT id, (SELECT count(*) FROM users v WHERE v.email = users.email) AS n FROM users LIMIT 10`,
    });
    const f = find(res, 'CORRELATED_SUBQUERY');
    expect(f, text(res)).toMatchObject({
      severity: 'warning',
      evidence: { subquery: 'CORRELATED SCALAR SUBQUERY 1', outer_table: 'users', executions: ROWS },
    });
    expect(f!.fix).toContain('JOIN');
    const fn = await mcp.call('analyze_query', {
      sql: `SELECT id FROM users WHERE lower(email) = 'user42@example.com'`,
    });
    expect(find(fn, 'INDEX_NOT_USABLE')?.evidence, text(fn)).toMatchObject({ distinct: ROWS });
  });
});
