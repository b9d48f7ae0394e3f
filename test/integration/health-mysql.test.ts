/**
 * check_health on real MariaDB through the whole pipeline, against staged problems: a session
 * idle in a transaction holding a row lock, a session blocked behind it, a duplicate index,
 * an auto-increment counter near its column's limit; never-used indexes from performance_schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connect, type Harness } from '../helpers/mcp.js';
import { skipUnlessReachable } from '../helpers/databases.js';
import { skipUnlessMysqlFeature } from '../helpers/mysql-features.js';
import { PERFORMANCE_SCHEMA_SQL, USERSTAT_SQL } from '../../src/engines/mysql/index-advisor/index-usage.js';
import { healthSource } from '../fixtures/health/source.js';
import { stageMysql, type Staged } from '../fixtures/health/staging.js';

const skip = await skipUnlessReachable('mysql');
// index counters need performance_schema (scripts/test-databases.sh turns it on); the OFF wording is a unit test
const countersOff = !skip && (await skipUnlessMysqlFeature('performance_schema'));

interface Check {
  id: string;
  status: string;
  message: string;
  evidence: Record<string, unknown>;
  fix: string | null;
}

const check = (r: CallToolResult, id: string) => {
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return (r.structuredContent as { checks: Check[] }).checks.find((c) => c.id === id)!;
};

describe.skipIf(skip)('check_health on MariaDB with staged problems', () => {
  let staged: Staged;
  let h: Harness;
  let report: CallToolResult;

  beforeAll(async () => {
    staged = await stageMysql();
    // A lock wait shorter than a second counts too; MariaDB reports idle time in whole seconds.
    h = await connect([
      healthSource(staged.dsn, { health: { idle_in_transaction_s: 0, lock_wait_warn_s: 0, lock_wait_fail_s: 3600 } }),
    ]);
    report = await h.call('check_health', {});
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await staged?.release();
  });

  it('reports who blocks whom: the waiting thread, the lock mode, the table and index, and the blocker', () => {
    const c = check(report, 'lock_waits');
    expect(c.status).toBe('warn');
    const blocked = (
      c.evidence.blocked as {
        pid: number;
        wants: { mode: string; relation: string };
        blocked_by: { pid: number; holds: string; state: string }[];
      }[]
    ).find((b) => b.pid === staged.waiterPid);
    expect(blocked).toBeDefined();
    expect(blocked!.wants.mode).toBe('X');
    expect(blocked!.wants.relation).toBe(`\`${staged.database}\`.\`orders\` index PRIMARY`);
    expect(blocked!.blocked_by).toEqual([
      expect.objectContaining({ pid: staged.holderPid, holds: 'X', state: 'idle in transaction' }),
    ]);
    expect(c.evidence.root_blockers).toContain(staged.holderPid);
  });

  it('reports the idle-in-transaction session with the rows it locks and whom it blocks', () => {
    const c = check(report, 'idle_in_transaction');
    expect(c.status).toBe('fail');
    const s = (c.evidence.sessions as { id: number; rows_locked: number; blocking_ids: number[]; db: string }[]).find(
      (x) => x.id === staged.holderPid,
    );
    expect(s).toMatchObject({ rows_locked: 1, blocking_ids: [staged.waiterPid], db: staged.database });
  });

  it('reports the duplicate index with both definitions and an online DROP', () => {
    const c = check(report, 'duplicate_indexes');
    expect(c.status).toBe('warn');
    expect(c.evidence.indexes).toContainEqual(
      expect.objectContaining({
        kind: 'duplicate',
        table: `${staged.database}.orders`,
        index: 'orders_customer_idx',
        covered_by: 'orders_customer_dup',
        definition: 'KEY `orders_customer_idx` (`customer`) USING BTREE',
        covered_by_definition: 'KEY `orders_customer_dup` (`customer`) USING BTREE',
        drop: `ALTER TABLE \`${staged.database}\`.\`orders\` DROP INDEX \`orders_customer_idx\`, ALGORITHM=INPLACE, LOCK=NONE;`,
      }),
    );
  });

  it('reports the auto-increment counter near its tinyint limit', () => {
    const c = check(report, 'auto_increment');
    expect(c.status).toBe('warn');
    expect(c.evidence.counters).toContainEqual(
      expect.objectContaining({
        table: `${staged.database}.tickets`,
        column: 'id',
        last_value: '119',
        max_value: '127',
        used_pct: 93.7,
      }),
    );
  });

  it.skipIf(countersOff)(
    'reports the staged never-used indexes from performance_schema with their definition and an online DROP, and drops one from the list once it is read',
    async () => {
      type Unused = {
        table: string;
        index: string;
        scans: number;
        size_bytes: number | null;
        definition: string | null;
        drop: string;
      };
      const listed = (c: Check) =>
        (c.evidence.indexes as Unused[])
          .filter((i) => i.table === `${staged.database}.orders`)
          .map((i) => i.index)
          .sort();
      const c = check(report, 'unused_indexes');
      expect(c.status).toBe('warn');
      expect(c.evidence.counters).toBe(
        'from performance_schema.table_io_waits_summary_by_index_usage, counting since the server started',
      );
      expect(c.evidence.stats_since).toMatch(/^\d{4}-\d\d-\d\dT/);
      // the primary keys (unique) are never candidates; the three staged secondary indexes were never read
      expect(listed(c)).toEqual(['orders_customer_dup', 'orders_customer_idx', 'orders_status_idx']);
      expect(
        (c.evidence.indexes as Unused[]).find(
          (i) => i.index === 'orders_status_idx' && i.table === `${staged.database}.orders`,
        ),
      ).toEqual({
        table: `${staged.database}.orders`,
        index: 'orders_status_idx',
        scans: 0,
        size_bytes: expect.any(Number),
        definition: 'KEY `orders_status_idx` (`status`) USING BTREE',
        drop: `ALTER TABLE \`${staged.database}\`.\`orders\` DROP INDEX \`orders_status_idx\`, ALGORITHM=INPLACE, LOCK=NONE;`,
      });
      expect(c.message).toMatch(
        new RegExp(`scanned at most 0 times since .*${staged.database}\\.orders\\.orders_status_idx`),
      );

      await staged.exec(
        `SELECT count(*) FROM ${staged.database}.orders FORCE INDEX (orders_status_idx) WHERE status = 'paid'`,
      );
      const [[counted]] = (await staged.exec(
        `SELECT COUNT_READ AS n FROM performance_schema.table_io_waits_summary_by_index_usage WHERE OBJECT_SCHEMA = '${staged.database}' AND OBJECT_NAME = 'orders' AND INDEX_NAME = 'orders_status_idx'`,
      )) as [{ n: number }[]];
      expect(Number(counted!.n)).toBeGreaterThan(0);
      const after = check(await h.call('check_health', { checks: ['unused_indexes'] }), 'unused_indexes');
      expect(after.status).toBe('warn');
      expect(listed(after)).toEqual(['orders_customer_dup', 'orders_customer_idx']);
    },
  );

  it("reads both index counter sources MariaDB may have: performance_schema and userstat's INDEX_STATISTICS", async () => {
    // both name a column `reads`, a reserved word: each query must run as written
    for (const sql of [PERFORMANCE_SCHEMA_SQL, USERSTAT_SQL]) {
      const [rows] = (await staged.exec(sql)) as [{ schema: string; table: string; index: string; reads: unknown }[]];
      expect(Array.isArray(rows), sql).toBe(true);
      for (const r of rows) expect(Object.keys(r).sort()).toEqual(['index', 'reads', 'schema', 'table']);
    }
  });

  it('has every MySQL/MariaDB check, none failing to run', () => {
    const checks = (report.structuredContent as { checks: Check[]; status: string }).checks;
    expect(checks.map((c) => c.id)).toEqual([
      'connections',
      'long_queries',
      'long_transactions',
      'idle_in_transaction',
      'lock_waits',
      'buffer_pool',
      'duplicate_indexes',
      'unused_indexes',
      'auto_increment',
      'replication',
    ]);
    for (const c of checks.filter((x) => x.id !== 'unused_indexes' || !countersOff))
      expect(c.status, `${c.id}: ${c.message}`).not.toBe('skipped');
    expect(check(report, 'connections').evidence).toMatchObject({ max_connections: expect.any(Number) });
    expect(check(report, 'replication').message).toMatch(/not a replica/);
  });

  it('with an account without PROCESS, says it sees only its own sessions instead of reporting all clear', async () => {
    const user = `dba_hl_low_${staged.database.slice(-6)}`;
    await staged.exec(`CREATE USER '${user}'@'%' IDENTIFIED BY 'dba-hl-low-pw'`);
    await staged.exec(`GRANT SELECT ON ${staged.database}.* TO '${user}'@'%'`);
    const low = await connect([
      healthSource(staged.dsn.replace('root@', `${user}:dba-hl-low-pw@`), { health: { idle_in_transaction_s: 0 } }),
    ]);
    try {
      const r = await low.call('check_health', { checks: ['idle_in_transaction', 'connections'] });
      expect(check(r, 'idle_in_transaction')).toMatchObject({
        status: 'skipped',
        fix: expect.stringContaining('GRANT PROCESS'),
      });
      expect(check(r, 'connections').status).toBe('ok');
    } finally {
      await low.close();
      await staged.exec(`DROP USER '${user}'@'%'`);
    }
  });
});
