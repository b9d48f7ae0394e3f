/**
 * propose_index on MySQL/MariaDB through the real pipeline: no hypothetical indexes exist there,
 * so proposals come from statistics and say so (verified_by heuristic); DDL is online
 * (ALGORITHM=INPLACE, LOCK=NONE); "no index" answers; no proposal that an existing index (or its
 * prefix) already gives; redundant and duplicate indexes reported; workload mode over
 * real performance_schema digests, or a clear message when it is off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import mysql from 'mysql2/promise';
import { MYSQL_URL, SERVERS, skipUnlessReachable, type Scratch } from '../helpers/databases.js';
import { ensureDigestRoom, skipUnlessMysqlFeature, skipUnlessMysqlFeatureOff } from '../helpers/mysql-features.js';
import { healthSource } from '../fixtures/health/source.js';

interface Out {
  queries: { n: number; sql: string; planned_sql?: string; cost: number | null }[];
  verification: { method: string; notes: string[] };
  proposals: {
    table: string;
    columns: string[];
    kind: string;
    ddl: string;
    verified_by: string;
    queries_helped: number[];
  }[];
  no_change: { query: number; sql: string; reason: string }[];
  drop_candidates: { index: string; kind: string; covered_by: string | null }[];
}
const out = (r: CallToolResult) => r.structuredContent as unknown as Out;
const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

const setup = (db: string) => [
  `CREATE TABLE ${db}.customers (id int PRIMARY KEY, email varchar(100) NOT NULL, country char(2) NOT NULL, created_at datetime NOT NULL)`,
  `INSERT INTO ${db}.customers SELECT seq, concat('user', seq, '@example.com'), IF(seq % 10 < 3, 'US', concat(char(65 + seq % 20), char(65 + seq % 13))), '2020-01-01' + INTERVAL (seq DIV 30) DAY FROM seq_1_to_30000`,
  `CREATE TABLE ${db}.orders (id int PRIMARY KEY, customer_id int NOT NULL, status varchar(10) NOT NULL, created_at datetime NOT NULL,
     KEY orders_customer_created (customer_id, created_at), KEY orders_customer (customer_id), KEY orders_customer_created_2 (customer_id, created_at))`,
  `INSERT INTO ${db}.orders SELECT seq, 1 + (seq * 7919) % 30000, IF(seq % 100 = 0, 'pending', 'shipped'), '2022-01-01' + INTERVAL (seq * 47) SECOND FROM seq_1_to_100000`,
  `CREATE TABLE ${db}.payments (id int PRIMARY KEY, order_id int NOT NULL, amount decimal(10,2) NOT NULL)`,
  `INSERT INTO ${db}.payments SELECT seq, seq * 3, 10 FROM seq_1_to_30000`,
  `CREATE TABLE ${db}.tiny (id int PRIMARY KEY, name varchar(10))`,
  `INSERT INTO ${db}.tiny VALUES (1, 'a'), (2, 'b')`,
  `ANALYZE TABLE ${db}.customers, ${db}.orders, ${db}.payments, ${db}.tiny`,
];

const skip = await skipUnlessReachable('mysql');
const digestsOff = !skip && (await skipUnlessMysqlFeature('performance_schema'));

describe.skipIf(skip)('propose_index on MySQL/MariaDB', () => {
  let scratch: Scratch;
  let mcp: Harness;
  const ok = async (args: Record<string, unknown>) => {
    const res = await mcp.call('propose_index', args);
    expect(res.isError, text(res)).toBeFalsy();
    return out(res);
  };

  beforeAll(async () => {
    scratch = await SERVERS.mysql.scratch();
    for (const sql of setup(scratch.schema)) await scratch.exec(sql);
    mcp = await connect([scratch.source()]);
  }, 120_000);

  afterAll(async () => {
    await mcp?.close();
    await scratch?.drop();
  });

  it('labels proposals heuristic and gives online DDL', async () => {
    const o = await ok({ sql: `SELECT * FROM payments WHERE order_id = 42` });
    expect(o.verification.method).toBe('heuristic');
    expect(o.verification.notes.join(' ')).toMatch(/no hypothetical indexes/);
    expect(o.proposals).toHaveLength(1);
    expect(o.proposals[0]).toMatchObject({ columns: ['order_id'], verified_by: 'heuristic' });
    expect(o.proposals[0]!.ddl).toBe(
      `ALTER TABLE ${scratch.schema}.payments ADD INDEX payments_order_id_idx (order_id), ALGORITHM=INPLACE, LOCK=NONE;`,
    );
  });

  it('puts equality before range, indexes ORDER BY ... LIMIT and join keys', async () => {
    const o = await ok({
      queries: [
        `SELECT * FROM customers WHERE created_at >= '2021-06-01' AND country = 'CD'`,
        `SELECT id FROM orders WHERE status = 'pending' ORDER BY created_at LIMIT 20`,
        `SELECT p.* FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.customer_id = 42`,
      ],
    });
    const by = (n: number) => o.proposals.find((p) => p.queries_helped.includes(n));
    expect(by(1)?.columns).toEqual(['country', 'created_at']);
    expect(by(2)?.columns).toEqual(['status', 'created_at']);
    expect(by(3)).toMatchObject({ columns: ['order_id'] });
  });

  it('answers "no index" for a tiny table, an indexed prefix and an expression it cannot index; reports redundant indexes', async () => {
    const o = await ok({
      queries: [
        `SELECT * FROM tiny WHERE name = 'a'`,
        `SELECT * FROM orders WHERE customer_id = 42`,
        `SELECT id FROM customers WHERE lower(email) = 'user5@example.com'`,
      ],
    });
    expect(o.proposals, JSON.stringify(o.proposals)).toEqual([]);
    const reason = (n: number) => o.no_change.find((c) => c.query === n)?.reason ?? '';
    expect(reason(1)).toMatch(/already cheap/);
    expect(reason(2)).toMatch(/orders_customer/);
    expect(reason(3)).toMatch(/generated \(virtual\) column/);
    const kinds = Object.fromEntries(o.drop_candidates.map((d) => [d.index, d.kind]));
    expect(kinds).toMatchObject({ orders_customer_created_2: 'duplicate', orders_customer: 'redundant_prefix' });
  });

  it.skipIf(digestsOff)(
    'workload: "top" proposes from the real performance_schema digests of this database, leaving out what dba-mcp itself reads',
    async () => {
      const admin = await mysql.createConnection({ uri: MYSQL_URL });
      const app = await mysql.createConnection({ uri: scratch.dsn });
      try {
        await ensureDigestRoom(admin);
        for (let i = 0; i < 10; i++) await app.query('SELECT * FROM payments WHERE order_id = ?', [i * 3 + 1]);
        for (let i = 0; i < 5; i++)
          await app.query(`SELECT id FROM orders WHERE status = 'pending' ORDER BY created_at LIMIT 20`);
        for (let i = 0; i < 3; i++)
          await app.query('SELECT id FROM customers WHERE email IN (?, ?, ?)', [
            'user1@example.com',
            'user2@example.com',
            `user${i}@example.com`,
          ]);
      } finally {
        await app.end();
        await admin.end();
      }
      const o = await ok({ workload: 'top', workload_limit: 50 });
      expect(o.verification.method).toBe('heuristic');
      const on = (table: string) => o.proposals.find((p) => p.table === `${scratch.schema}.${table}`);
      // placeholders compared with a column get a real value of it for EXPLAIN (MariaDB prints STATUS as a keyword)
      expect(on('payments'), JSON.stringify(o)).toMatchObject({
        columns: ['order_id'],
        verified_by: 'heuristic',
        queries_helped: [expect.any(Number)],
      });
      expect(
        on('orders')?.columns.map((c) => c.toLowerCase()),
        JSON.stringify(o),
      ).toEqual(['status', 'created_at']);
      // the digest's collapsed list, IN (...), read as one value
      expect(on('customers')?.columns, JSON.stringify(o)).toEqual(['email']);
      const payments = o.queries.find((q) => q.n === on('payments')!.queries_helped[0]);
      expect(payments?.sql).toBe('SELECT * FROM `payments` WHERE `order_id` = ?');
      expect(payments?.planned_sql).toMatch(/^SELECT \* FROM `payments` WHERE `order_id` = '\d+'$/);
      expect(o.queries.find((q) => q.n === on('customers')!.queries_helped[0])?.sql).toBe(
        'SELECT ID FROM `customers` WHERE `email` IN (?)',
      );
      // not dba-mcp's own reads (its column sampling in this database, its catalog reads)
      const seen = [...o.queries.map((q) => q.sql), ...o.no_change.map((c) => c.sql)];
      expect(seen.filter((q) => /dba_mcp_|DISTINCT|`mysql` \.|information_schema/i.test(q))).toEqual([]);
      expect(o.no_change.filter((c) => /unparseable|not compared with a column/.test(c.reason))).toEqual([]);
      for (const p of o.proposals)
        expect(p.ddl).toMatch(/^ALTER TABLE .* ADD INDEX .*, ALGORITHM=INPLACE, LOCK=NONE;$/);
    },
  );
});

describe.skipIf(
  skip || (await skipUnlessMysqlFeatureOff('performance_schema', 'propose_index workload with performance_schema OFF')),
)('propose_index workload on MySQL/MariaDB with performance_schema OFF', () => {
  it('refuses workload: "top" with UNSUPPORTED_BY_ENGINE and says how to turn performance_schema on', async () => {
    const mcp = await connect([healthSource(MYSQL_URL)]);
    try {
      const err = errorOf(await mcp.call('propose_index', { workload: 'top' }));
      expect(err).toMatchObject({
        code: 'UNSUPPORTED_BY_ENGINE',
        message: expect.stringContaining('performance_schema is off'),
      });
      expect(err?.hint).toMatch(/performance_schema = ON/);
    } finally {
      await mcp.close();
    }
  });
});
