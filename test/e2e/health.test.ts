/**
 * Health end to end, over the built binary:
 * - /healthz tells a load balancer or a person when the server cannot work: an audit log it cannot write.
 * - check_health (issue #9 "Done when"): over a real MCP client, on a PostgreSQL database with a
 *   duplicate index, an idle-in-transaction session and a session blocked by a lock, it reports
 *   all three with the evidence (the pids, the lock, the index definitions); MariaDB and SQLite
 *   report their staged problems likewise. A terminate_session then goes through the approval
 *   gate: pending, shown and approved with `dba-mcp approvals`, run once by the server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  callOk,
  callTool,
  cleanupAll,
  rawRequest,
  runCli,
  startHttp,
  startStdio,
  tempDir,
  tempFile,
} from '../helpers/e2e.js';
import { skipUnlessReachable } from '../helpers/databases.js';
import { stageMysql, stagePostgres, stageSqlite } from '../fixtures/health/staging.js';

afterAll(cleanupAll);

describe('GET /healthz', () => {
  it('answers 200 with the audit log state when all is well', async () => {
    const server = await startHttp();
    const res = await rawRequest({
      port: server.port,
      method: 'GET',
      path: '/healthz',
      headers: { host: `127.0.0.1:${server.port}` },
    });
    await server.stop();
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'ok', audit: { state: 'ok' } });
  });

  it('answers 503 while the audit log cannot be written', async () => {
    const dir = tempDir();
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, 'a file where the audit folder should be');
    const config = tempFile('dba-mcp.yaml', `audit:\n  path: ${path.join(blocker, 'audit.jsonl')}\n`);
    const server = await startHttp(['--config', config]);
    const res = await rawRequest({
      port: server.port,
      method: 'GET',
      path: '/healthz',
      headers: { host: `127.0.0.1:${server.port}` },
    });
    await server.stop();
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'degraded', audit: { state: 'failed' } });
  });
});

interface Check {
  id: string;
  status: string;
  message: string;
  evidence: Record<string, unknown>;
  fix: string | null;
}
interface Health {
  status: string;
  checks: Check[];
}

const byId = (h: Health, id: string) => h.checks.find((c) => c.id === id)!;
const skipPg = await skipUnlessReachable('postgres');
const skipMysql = await skipUnlessReachable('mysql');

describe.skipIf(skipPg || skipMysql)('check_health over stdio on staged problems (PostgreSQL, MariaDB, SQLite)', () => {
  it('reports the duplicate index, the idle-in-transaction session and the blocked session with their evidence on each engine', async () => {
    const pg = await stagePostgres();
    const maria = await stageMysql();
    const lite = stageSqlite();
    try {
      const health =
        '    health: { idle_in_transaction_s: 0, lock_wait_warn_s: 0, lock_wait_fail_s: 3600, sqlite_wal_mb: 0.5 }\n';
      const config = tempFile(
        'dba-mcp.yaml',
        [
          'sources:',
          `  - id: pg\n    dsn: ${pg.dsn}\n    mode: read-write\n${health}`,
          `  - id: maria\n    dsn: ${maria.dsn}\n${health}`,
          `  - id: lite\n    dsn: ${lite.dsn}\n${health}`,
        ].join('\n'),
      );
      const server = await startStdio(['--config', config]);

      // PostgreSQL: all three, with the pids, the lock and the index definitions.
      const p = await callOk<Health>(server.client, 'check_health', { source: 'pg' });
      expect(p.status).toBe('fail');
      const blocked = (
        byId(p, 'blocking').evidence.blocked as {
          pid: number;
          wants: { mode: string; relation: string };
          blocked_by: { pid: number; holds: string }[];
        }[]
      ).find((b) => b.pid === pg.waiterPid)!;
      expect(blocked.wants).toMatchObject({ mode: 'ShareLock', relation: 'orders' });
      expect(blocked.blocked_by).toEqual([expect.objectContaining({ pid: pg.holderPid, holds: 'ExclusiveLock' })]);
      const idle = (
        byId(p, 'idle_in_transaction').evidence.sessions as { pid: number; blocking_pids: number[] }[]
      ).find((s) => s.pid === pg.holderPid);
      expect(idle).toMatchObject({ blocking_pids: [pg.waiterPid] });
      expect(byId(p, 'duplicate_indexes').evidence.indexes).toContainEqual(
        expect.objectContaining({
          definition: 'CREATE INDEX orders_customer_idx ON public.orders USING btree (customer)',
          covered_by_definition: 'CREATE INDEX orders_customer_dup ON public.orders USING btree (customer)',
        }),
      );
      const text = (
        (await callTool(server.client, 'check_health', { source: 'pg', checks: ['blocking'] })).content[0] as {
          text: string;
        }
      ).text;
      expect(text).toContain(`pid ${pg.waiterPid} waits`);
      expect(text).toContain(`blocked by pid ${pg.holderPid} (holds ExclusiveLock, idle in transaction)`);

      // MariaDB: the same staged problems, and the tinyint counter near its limit.
      const m = await callOk<Health>(server.client, 'check_health', { source: 'maria' });
      const waits = (
        byId(m, 'lock_waits').evidence.blocked as {
          pid: number;
          wants: { mode: string; relation: string };
          blocked_by: { pid: number }[];
        }[]
      ).find((b) => b.pid === maria.waiterPid)!;
      expect(waits.wants.mode).toBe('X');
      expect(waits.wants.relation).toContain('orders');
      expect(waits.blocked_by.map((b) => b.pid)).toEqual([maria.holderPid]);
      expect((byId(m, 'idle_in_transaction').evidence.sessions as { id: number }[]).map((s) => s.id)).toContain(
        maria.holderPid,
      );
      expect(byId(m, 'duplicate_indexes').evidence.indexes).toContainEqual(
        expect.objectContaining({
          definition: 'KEY `orders_customer_idx` (`customer`) USING BTREE',
          covered_by_definition: 'KEY `orders_customer_dup` (`customer`) USING BTREE',
        }),
      );
      expect(byId(m, 'auto_increment').status).toBe('warn');

      // SQLite: the duplicate index, the free pages and the WAL file.
      const l = await callOk<Health>(server.client, 'check_health', { source: 'lite' });
      expect(byId(l, 'duplicate_indexes').evidence.indexes).toContainEqual(
        expect.objectContaining({ definition: 'CREATE INDEX orders_customer_idx ON orders (customer)' }),
      );
      expect(byId(l, 'freelist').status).toBe('warn');
      expect(byId(l, 'wal').status).toBe('warn');

      // The remedy goes through the approval gate: pending, shown and approved at the terminal, run once by the server.
      const asked = await callOk<{ id: string; status: string; sql: string }>(server.client, 'terminate_session', {
        source: 'pg',
        pid: pg.holderPid,
        reason: 'idle in transaction, blocking',
      });
      expect(asked).toMatchObject({ status: 'pending', sql: `SELECT pg_terminate_backend(${pg.holderPid})` });
      const shown = await runCli(['approvals', 'show', asked.id, '--state-dir', server.stateDir]);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toContain(`SELECT pg_terminate_backend(${pg.holderPid})`);
      const approved = await runCli(['approvals', 'approve', asked.id, '--state-dir', server.stateDir]);
      expect(approved.code, approved.stderr).toBe(0);
      let change: { status: string; error: unknown } = { status: 'approved', error: null };
      for (let i = 0; i < 50 && change.status !== 'executed' && change.status !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 200));
        change = await callOk(server.client, 'get_change', { id: asked.id });
      }
      expect(change).toMatchObject({ status: 'executed', error: null });
      await pg.waiterDone; // the blocked UPDATE went through once the holder was gone
      const after = await callOk<Health>(server.client, 'check_health', {
        source: 'pg',
        checks: ['blocking', 'idle_in_transaction'],
      });
      expect(
        (byId(after, 'idle_in_transaction').evidence.sessions as { pid: number }[] | undefined)?.some(
          (s) => s.pid === pg.holderPid,
        ) ?? false,
      ).toBe(false);
      await server.close();
    } finally {
      await pg.release();
      await maria.release();
      lite.release();
    }
  }, 90_000);
});
