/**
 * analyze_query through the real pipeline (SDK client, guards, engines) on real databases: a
 * table big enough for the planner per engine, then slow and fine queries, stale statistics,
 * and writes (explained without running on PostgreSQL; refused with analyze=true everywhere).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import { SERVERS, skipUnlessReachable, type Scratch } from '../helpers/databases.js';
import type { EngineName } from '../../src/engines/registry.js';

interface Out {
  summary: string;
  findings: {
    code: string;
    severity: string;
    message: string;
    node: string;
    evidence: Record<string, unknown>;
    fix: string;
  }[];
  plan: {
    analyzed: boolean;
    nodes: { op: string; label: string; relation?: string; est_rows?: number; actual_rows?: number }[];
  };
}

const out = (r: CallToolResult) => r.structuredContent as unknown as Out;
const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;
const codes = (r: CallToolResult) => out(r).findings.map((f) => f.code);
const ROWS = 100_000;

const SETUP: Record<EngineName, (s: Scratch) => string[]> = {
  postgres: (s) => [
    `CREATE TABLE ${s.schema}.orders (id int PRIMARY KEY, customer int, status text, note text)`,
    `INSERT INTO ${s.schema}.orders SELECT g, g % 5000, (ARRAY['new','paid','sent'])[1 + g % 3], md5(g::text) FROM generate_series(1, ${ROWS}) g`,
    `ANALYZE ${s.schema}.orders`,
  ],
  mysql: (s) => [
    `CREATE TABLE ${s.schema}.orders (id int PRIMARY KEY, customer int, status varchar(10), note varchar(40))`,
    `INSERT INTO ${s.schema}.orders SELECT seq, seq % 5000, ELT(1 + seq % 3, 'new', 'paid', 'sent'), md5(seq) FROM seq_1_to_${ROWS}`,
    `ANALYZE TABLE ${s.schema}.orders`,
  ],
  sqlite: () => [
    `CREATE TABLE orders (id integer PRIMARY KEY, customer int, status text, note text)`,
    `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${ROWS}) INSERT INTO orders SELECT n, n % 5000, CASE n % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' ELSE 'sent' END, hex(randomblob(8)) FROM g`,
    `ANALYZE`,
  ],
};

for (const engine of ['postgres', 'mysql', 'sqlite'] as const) {
  const skip = await skipUnlessReachable(engine);
  describe.skipIf(skip)(`analyze_query on ${engine}`, () => {
    let scratch: Scratch;
    let mcp: Harness;
    let t: string;
    const call = (args: Record<string, unknown>) => mcp.call('analyze_query', args);

    beforeAll(async () => {
      scratch = await SERVERS[engine].scratch();
      for (const sql of SETUP[engine](scratch)) await scratch.exec(sql);
      t = engine === 'sqlite' ? 'orders' : `${scratch.schema}.orders`;
      mcp = await connect([scratch.source()]);
    }, 60_000);

    afterAll(async () => {
      await mcp?.close();
      await scratch?.drop();
    });

    it('finds a full scan of a large table under a selective filter, then nothing once indexed', async () => {
      const slow = await call({ sql: `SELECT id, note FROM ${t} WHERE customer = 42` });
      expect(slow.isError).toBeFalsy();
      const scan = out(slow).findings.find((f) => f.code === 'FULL_SCAN_LARGE_TABLE');
      expect(scan, text(slow)).toBeDefined();
      expect(scan!.message).toContain('orders');
      expect(scan!.message).toContain('customer');
      expect(scan!.evidence.table_rows).toBeGreaterThanOrEqual(ROWS * 0.5);
      expect(scan!.fix).toMatch(/CREATE INDEX ON \S*orders \(customer\)/);
      expect(text(slow).length).toBeLessThan(4096);

      await scratch.exec(`CREATE INDEX orders_customer ON ${t} (customer)`);
      const fine = await call({ sql: `SELECT id, note FROM ${t} WHERE customer = 42` });
      expect(codes(fine), text(fine)).toEqual([]);
      expect(out(fine).summary).toMatch(/^No problems found/);
      expect(out(fine).plan.nodes.some((n) => n.op === 'index_scan' || n.op === 'bitmap_scan')).toBe(true);
      await scratch.exec(
        engine === 'mysql'
          ? `DROP INDEX orders_customer ON ${t}`
          : `DROP INDEX ${engine === 'postgres' ? `${scratch.schema}.` : ''}orders_customer`,
      );
    });

    it('finds a large sort with no index in its order', async () => {
      const res = await call({ sql: `SELECT id, note FROM ${t} ORDER BY note` });
      const sort = out(res).findings.find((f) => f.code === 'SORT_WITHOUT_INDEX');
      expect(sort, text(res)).toBeDefined();
      expect(sort!.fix).toMatch(/CREATE INDEX ON \S*orders \(note\)/);
      expect(codes(res)).not.toContain('FULL_SCAN_LARGE_TABLE'); // no filter: reading it all is right
    });

    if (engine !== 'sqlite') {
      it('runs a read with analyze=true for actual rows (MariaDB: ANALYZE FORMAT=JSON)', async () => {
        const res = await call({ sql: `SELECT id FROM ${t} WHERE customer = 42`, analyze: true });
        expect(res.isError, text(res)).toBeFalsy();
        expect(out(res).plan.analyzed).toBe(true);
        expect(out(res).plan.nodes.find((n) => n.relation)?.actual_rows).toBe(20);
      });
    } else {
      it('says plainly that SQLite plans are estimates when analyze=true', async () => {
        const res = await call({ sql: `SELECT id FROM ${t} WHERE customer = 42`, analyze: true });
        expect(res.isError, text(res)).toBeFalsy();
        expect(out(res).plan.analyzed).toBe(false);
        expect(out(res).summary).toMatch(/no EXPLAIN ANALYZE: the plan is the estimated one/);
      });
    }

    it('refuses analyze=true of a write, and the table is unchanged', async () => {
      const res = await call({ sql: `UPDATE ${t} SET status = 'x' WHERE id = 1`, analyze: true });
      expect(errorOf(res)?.code).toBe('READ_ONLY_VIOLATION');
      expect(await scratch.scalar(`SELECT status FROM ${t} WHERE id = 1`)).toBe('paid');
    });
  });
}

const skipPg = await skipUnlessReachable('postgres');
describe.skipIf(skipPg)('analyze_query on PostgreSQL: analyzed plans and writes', () => {
  let scratch: Scratch;
  let mcp: Harness;

  beforeAll(async () => {
    scratch = await SERVERS.postgres.scratch();
    const s = scratch.schema;
    await scratch.exec(
      `CREATE TABLE ${s}.events (id serial PRIMARY KEY, kind int, payload text) WITH (autovacuum_enabled = false)`,
    );
    await scratch.exec(
      `INSERT INTO ${s}.events (kind, payload) SELECT g % 1000, md5(g::text) FROM generate_series(1, 1000) g`,
    );
    await scratch.exec(`ANALYZE ${s}.events`);
    // after the statistics were taken, 100,000 rows of one kind: the planner still thinks kind=7 is rare
    await scratch.exec(
      `INSERT INTO ${s}.events (kind, payload) SELECT 7, md5(g::text) FROM generate_series(1, 100000) g`,
    );
    mcp = await connect([scratch.source()]);
  }, 60_000);

  afterAll(async () => {
    await mcp?.close();
    await scratch?.drop();
  });

  it('names the table whose statistics are stale when estimates are off by 10x or more', async () => {
    const res = await mcp.call('analyze_query', {
      sql: `SELECT count(*) FROM ${scratch.schema}.events WHERE kind = $1`,
      params: [7],
      analyze: true,
    });
    expect(res.isError, text(res)).toBeFalsy();
    expect(out(res).plan.analyzed).toBe(true);
    const off = out(res).findings.find((f) => f.code === 'ESTIMATE_OFF');
    expect(off, text(res)).toBeDefined();
    expect(off!.evidence.table).toBe(`${scratch.schema}.events`);
    expect(Number(off!.evidence.actual_rows)).toBeGreaterThanOrEqual(100_000);
    expect(String(off!.evidence.last_analyzed)).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(off!.fix).toContain(`ANALYZE ${scratch.schema}.events`);
  });

  it('explains an UPDATE with analyze=false without running it', async () => {
    const before = await scratch.scalar(`SELECT count(*) FROM ${scratch.schema}.events WHERE kind = 7`);
    const eights = await scratch.scalar(`SELECT count(*) FROM ${scratch.schema}.events WHERE kind = 8`);
    const res = await mcp.call('analyze_query', { sql: `UPDATE ${scratch.schema}.events SET kind = 8 WHERE kind = 7` });
    expect(res.isError, text(res)).toBeFalsy();
    expect(out(res).plan.nodes[0]!.label).toBe('ModifyTable');
    expect(await scratch.scalar(`SELECT count(*) FROM ${scratch.schema}.events WHERE kind = 7`)).toBe(before);
    expect(await scratch.scalar(`SELECT count(*) FROM ${scratch.schema}.events WHERE kind = 8`)).toBe(eights);
  });

  it('still refuses DDL and more than one statement', async () => {
    expect(errorOf(await mcp.call('analyze_query', { sql: `DROP TABLE ${scratch.schema}.events` }))?.code).toBe(
      'READ_ONLY_VIOLATION',
    );
    expect(errorOf(await mcp.call('analyze_query', { sql: `SELECT 1; SELECT 2` }))?.code).toBe('MULTIPLE_STATEMENTS');
    expect(await scratch.scalar(`SELECT count(*) FROM ${scratch.schema}.events`)).toBe('101000');
  });
});
