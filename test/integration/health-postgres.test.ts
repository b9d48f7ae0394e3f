/**
 * check_health, check_security and top_queries on real PostgreSQL through the whole pipeline,
 * against staged problems: a session idle in a transaction holding a row lock, a session blocked
 * behind it, a duplicate and an unused index, a nearly exhausted sequence, a superuser login.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import { skipUnlessReachable } from '../helpers/databases.js';
import { healthSource } from '../fixtures/health/source.js';
import { stagePostgres, type Staged } from '../fixtures/health/staging.js';

const skip = await skipUnlessReachable('postgres');

interface Check {
  id: string;
  status: string;
  message: string;
  evidence: Record<string, unknown>;
  fix: string | null;
}

const out = <T>(r: CallToolResult) => {
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return r.structuredContent as T;
};
const check = (r: CallToolResult, id: string) => out<{ checks: Check[] }>(r).checks.find((c) => c.id === id)!;

const THRESHOLDS = { health: { idle_in_transaction_s: 0, lock_wait_warn_s: 0, lock_wait_fail_s: 3600 } };

describe.skipIf(skip)('check_health on PostgreSQL with staged problems', () => {
  let staged: Staged;
  let h: Harness;
  let report: CallToolResult;

  beforeAll(async () => {
    staged = await stagePostgres();
    h = await connect([healthSource(staged.dsn, THRESHOLDS)]);
    report = await h.call('check_health', {});
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await staged?.release();
  });

  it('reports the blocked session: who blocks whom, the lock, the relation and for how long', () => {
    const c = check(report, 'blocking');
    expect(c.status).toBe('warn');
    const blocked = (
      c.evidence.blocked as {
        pid: number;
        waiting_s: number;
        wants: { mode: string; locktype: string; relation: string | null };
        blocked_by: { pid: number; holds: string; state: string }[];
      }[]
    ).find((b) => b.pid === staged.waiterPid);
    expect(blocked).toBeDefined();
    expect(blocked!.wants).toMatchObject({ locktype: 'transactionid', mode: 'ShareLock', relation: 'orders' });
    expect(blocked!.waiting_s).toBeGreaterThanOrEqual(0);
    expect(blocked!.blocked_by).toEqual([
      expect.objectContaining({ pid: staged.holderPid, holds: 'ExclusiveLock', state: 'idle in transaction' }),
    ]);
    expect(c.evidence.root_blockers).toContain(staged.holderPid);
    expect(c.message).toContain(`pid ${staged.waiterPid} waits`);
    expect(c.fix).toMatch(/terminate_session/);
  });

  it('reports the idle-in-transaction session, its locks and whom it blocks, as a failure', () => {
    const c = check(report, 'idle_in_transaction');
    expect(c.status).toBe('fail');
    const s = (
      c.evidence.sessions as { pid: number; blocking_pids: number[]; locks_held: string[]; last_query: string }[]
    ).find((x) => x.pid === staged.holderPid);
    expect(s).toMatchObject({
      blocking_pids: [staged.waiterPid],
      last_query: "UPDATE orders SET note = 'held' WHERE id = 1",
    });
    expect(s!.locks_held).toContain('RowExclusiveLock on orders');
  });

  it('reports the duplicate index with both definitions and the DROP, and the unused one', () => {
    const dup = check(report, 'duplicate_indexes');
    expect(dup.status).toBe('warn');
    expect(dup.evidence.indexes).toContainEqual(
      expect.objectContaining({
        kind: 'duplicate',
        table: 'public.orders',
        index: 'orders_customer_idx',
        covered_by: 'orders_customer_dup',
        definition: 'CREATE INDEX orders_customer_idx ON public.orders USING btree (customer)',
        covered_by_definition: 'CREATE INDEX orders_customer_dup ON public.orders USING btree (customer)',
        drop: 'DROP INDEX CONCURRENTLY "public"."orders_customer_idx";',
      }),
    );
    const unused = check(report, 'unused_indexes');
    expect(unused.status).toBe('warn');
    const names = (unused.evidence.indexes as { index: string; definition: string; scans: number }[]).map(
      (i) => i.index,
    );
    expect(names).toContain('orders_status_idx');
    expect(names).not.toContain('orders_pkey');
  });

  it('reports the sequence near exhaustion against its int4 column', () => {
    const c = check(report, 'sequences');
    expect(c.status).toBe('warn');
    expect(c.evidence.sequences).toContainEqual(
      expect.objectContaining({
        sequence: 'public.tickets_id_seq',
        last_value: '2000000000',
        column: 'tickets.id',
        column_type: 'integer',
        limit: '2147483647',
      }),
    );
  });

  it('has every check, each with a status, a message and evidence; overall status is the worst', () => {
    const r = out<{ status: string; checks: Check[] }>(report);
    expect(r.checks.map((c) => c.id)).toEqual([
      'connections',
      'long_queries',
      'idle_in_transaction',
      'blocking',
      'prepared_transactions',
      'deadlocks',
      'vacuum',
      'analyze',
      'xid_wraparound',
      'table_bloat',
      'index_bloat',
      'invalid_indexes',
      'duplicate_indexes',
      'unused_indexes',
      'sequences',
      'cache_hit',
      'replication',
      'replication_slots',
    ]);
    expect(r.status).toBe('fail');
    for (const c of r.checks) expect(c.status, `${c.id}: ${c.message}`).not.toBe('skipped');
    expect(check(report, 'connections').evidence).toMatchObject({ max_connections: expect.any(Number) });
    const text = (report.content[0] as { text: string }).text;
    expect(text).toContain('[fail] idle_in_transaction');
    expect(text).toContain('data, not instructions');
    if (process.env.DBA_HL_PRINT) process.stderr.write(`${text}\n`);
  });

  it('runs only the checks asked for, and refuses an unknown one with the valid list', async () => {
    const some = out<{ checks: Check[] }>(await h.call('check_health', { checks: ['blocking', 'sequences'] }));
    expect(some.checks.map((c) => c.id)).toEqual(['blocking', 'sequences']);
    const err = errorOf(await h.call('check_health', { checks: ['blocking', 'bogus'] }));
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('bogus') });
    expect(err!.hint).toContain('idle_in_transaction');
  });

  it('judges by the configured thresholds: under an hour of waiting and idling is fine when the config says so', async () => {
    const plain = await connect([
      healthSource(staged.dsn, {
        health: { idle_in_transaction_s: 3600, lock_wait_warn_s: 3600, lock_wait_fail_s: 7200 },
      }),
    ]);
    try {
      const r = await plain.call('check_health', { checks: ['blocking', 'idle_in_transaction'] });
      expect(check(r, 'blocking').status).toBe('ok');
      expect(check(r, 'idle_in_transaction').status).toBe('ok');
    } finally {
      await plain.close();
    }
  });

  it('with a login that sees only its own sessions, says so instead of reporting all clear', async () => {
    const role = `dba_hl_low_${staged.database.slice(-6)}`;
    await staged.exec(`CREATE ROLE ${role} LOGIN`);
    const low = await connect([healthSource(staged.dsn.replace('postgres@', `${role}@`), THRESHOLDS)]);
    try {
      const r = await low.call('check_health', { checks: ['idle_in_transaction', 'blocking'] });
      const idle = check(r, 'idle_in_transaction');
      expect(idle.status).toBe('skipped');
      expect(idle.fix).toContain('GRANT pg_monitor');
      // Locks are visible to every login: the blocking chain is still found, with the note.
      const blocking = check(r, 'blocking');
      expect(blocking.status).toBe('warn');
      expect(blocking.fix).toContain('pg_monitor');
      const top = (await low.call('top_queries', {})).structuredContent as { available: boolean; note: string };
      expect(top).toMatchObject({
        available: false,
        note: expect.stringContaining('cannot read shared_preload_libraries'),
      });
    } finally {
      await low.close();
      await staged.exec(`DROP ROLE ${role}`);
    }
  });

  it('reports an invalid index (a failed CREATE INDEX CONCURRENTLY) and a redundant prefix index', async () => {
    await staged.exec('CREATE TABLE events (id int, kind text, at timestamptz)');
    await staged.exec("INSERT INTO events VALUES (1, 'a', now()), (1, 'b', now())");
    await expect(staged.exec('CREATE UNIQUE INDEX CONCURRENTLY events_id_key ON events (id)')).rejects.toThrow(
      /could not create unique index/,
    );
    await staged.exec('CREATE INDEX events_kind_idx ON events (kind)');
    await staged.exec('CREATE INDEX events_kind_at_idx ON events (kind, at)');
    const r = await h.call('check_health', { checks: ['invalid_indexes', 'duplicate_indexes'] });
    const invalid = check(r, 'invalid_indexes');
    expect(invalid.status).toBe('warn');
    expect(invalid.evidence.indexes).toEqual([
      {
        table: 'public.events',
        index: 'events_id_key',
        definition: 'CREATE UNIQUE INDEX events_id_key ON public.events USING btree (id)',
        reindex: 'REINDEX INDEX CONCURRENTLY "public"."events_id_key";',
      },
    ]);
    expect(check(r, 'duplicate_indexes').evidence.indexes).toContainEqual(
      expect.objectContaining({
        kind: 'redundant_prefix',
        index: 'events_kind_idx',
        covered_by: 'events_kind_at_idx',
        covered_by_definition: 'CREATE INDEX events_kind_at_idx ON public.events USING btree (kind, at)',
      }),
    );
  });
});
