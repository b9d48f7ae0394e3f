/**
 * cancel_query / terminate_session only through the approval gate, on real sessions: the change
 * stores exactly the statement that runs; approved in the client's dialog (elicitation) it runs on
 * a dedicated connection and reports what happened; without elicitation it waits for a person.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ElicitRequestSchema, type ElicitRequest } from '@modelcontextprotocol/sdk/types.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import { skipUnlessReachable } from '../helpers/databases.js';
import { healthSource } from '../fixtures/health/source.js';
import { ApprovalStore } from '../../src/approvals/store.js';
import { runApproved } from '../../src/approvals/execute.js';
import { CHANGE_RUNNERS } from '../../src/tools/index.js';
import { runSessionAction } from '../../src/tools/health/session-action.js';
import { stageMysql, stagePostgres, stageSqlite, type Staged } from '../fixtures/health/staging.js';
import type { StoredChange } from '../../src/approvals/types.js';

const skipPg = await skipUnlessReachable('postgres');
const skipMysql = await skipUnlessReachable('mysql');

interface View {
  id: string;
  status: string;
  sql: string;
  classification: string;
  session: { pid: number; state: string; query: string } | null;
  result: { found: boolean; done: boolean; gone_after: boolean; message: string } | null;
  error: { code: string; message: string } | null;
  next_step: string;
}

const view = (r: Awaited<ReturnType<Harness['call']>>) => {
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return r.structuredContent as unknown as View;
};

const ENGINES = [
  {
    name: 'postgres',
    skip: skipPg,
    stage: stagePostgres,
    cancelSql: (pid: number) => `SELECT pg_cancel_backend(${pid})`,
    terminateSql: (pid: number) => `SELECT pg_terminate_backend(${pid})`,
    cancelled: /canceling statement due to user request/,
    waiterState: 'active',
  },
  {
    name: 'mariadb',
    skip: skipMysql,
    stage: stageMysql,
    cancelSql: (pid: number) => `KILL QUERY ${pid}`,
    terminateSql: (pid: number) => `KILL ${pid}`,
    cancelled: /interrupted/i,
    waiterState: 'active',
  },
] as const;

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`session actions on ${engine.name}`, () => {
    let staged: Staged;
    let stateDir: string;
    let harness: Harness | undefined;
    const asked: ElicitRequest['params'][] = [];

    beforeEach(async () => {
      staged = await engine.stage();
      stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba_hl-state-'));
      asked.length = 0;
    }, 60_000);

    afterEach(async () => {
      await harness?.close();
      harness = undefined;
      await staged.release();
      fs.rmSync(stateDir, { recursive: true, force: true });
    });

    const approving = (decision: 'approve' | 'reject') =>
      connect([healthSource(staged.dsn, { mode: 'read-write' })], undefined, {
        stateDir,
        capabilities: { elicitation: {} },
        setup: (client) =>
          client.setRequestHandler(ElicitRequestSchema, async (req) => {
            asked.push(req.params);
            return { action: 'accept', content: { decision } };
          }),
      });

    it('cancel_query approved in the dialog cancels the blocked statement, exactly as shown', async () => {
      harness = await approving('approve');
      const out = view(await harness.call('cancel_query', { pid: staged.waiterPid, reason: 'stuck behind a lock' }));
      expect(out).toMatchObject({ status: 'executed', sql: engine.cancelSql(staged.waiterPid), error: null });
      expect(out.session).toMatchObject({ pid: staged.waiterPid, state: engine.waiterState });
      expect(out.result).toMatchObject({ found: true, done: true, gone_after: true });
      await expect(staged.waiterDone).rejects.toThrow(engine.cancelled);
      const message = (asked[0] as { message: string }).message;
      expect(message).toContain(engine.cancelSql(staged.waiterPid));
      expect(message).toContain('Reason given: stuck behind a lock');
      expect(message).toContain("UPDATE orders SET note = 'waiting' WHERE id = 1");
    });

    it('terminate_session approved in the dialog ends the idle-in-transaction blocker, and the blocked statement goes through', async () => {
      harness = await approving('approve');
      const out = view(await harness.call('terminate_session', { pid: staged.holderPid }));
      expect(out).toMatchObject({
        status: 'executed',
        sql: engine.terminateSql(staged.holderPid),
        classification: 'admin (TERMINATE SESSION)',
      });
      expect(out.session).toMatchObject({ pid: staged.holderPid, state: 'idle in transaction' });
      expect(out.result).toMatchObject({
        found: true,
        done: true,
        gone_after: true,
        message: expect.stringContaining('terminated'),
      });
      await expect(staged.waiterDone).resolves.toBeDefined();
      const shown = await harness.call('get_change', { id: out.id });
      expect(shown.structuredContent).toMatchObject({
        id: out.id,
        status: 'executed',
        sql: engine.terminateSql(staged.holderPid),
      });
    });

    it('rejected in the dialog: nothing runs, the session stays', async () => {
      harness = await approving('reject');
      const out = view(await harness.call('terminate_session', { pid: staged.holderPid }));
      expect(out).toMatchObject({ status: 'rejected', result: null });
      const check = view(await harness.call('cancel_query', { pid: staged.holderPid }));
      expect(check.session).toMatchObject({ pid: staged.holderPid, state: 'idle in transaction' });
    });

    it('without elicitation it stays pending until a person approves; then it runs once', async () => {
      harness = await connect([healthSource(staged.dsn, { mode: 'read-write' })], undefined, { stateDir });
      const out = view(await harness.call('terminate_session', { pid: staged.holderPid }));
      expect(out.status).toBe('pending');
      expect(out.next_step).toContain(`dba-mcp approvals approve ${out.id}`);
      const store = new ApprovalStore(stateDir);
      store.decide(out.id, 'approved', 'tester@host', 'cli', { sha256: store.get(out.id)!.sha256 });
      const engineOf = await harness.sources.engine(harness.sources.resolve('db'));
      const ran = await runApproved(
        store,
        out.id,
        async () => ({ source: harness!.sources.resolve('db'), engine: engineOf }),
        CHANGE_RUNNERS,
      );
      expect(ran).toMatchObject({
        status: 'executed',
        outcome: { report: { action: 'terminate', pid: staged.holderPid, found: true, done: true } },
      });
      expect(
        await runApproved(
          store,
          out.id,
          async () => ({ source: harness!.sources.resolve('db'), engine: engineOf }),
          CHANGE_RUNNERS,
        ),
      ).toBeUndefined();
    });

    it('a session that ended before the approved action runs is reported, not an error of the server', async () => {
      harness = await connect([healthSource(staged.dsn, { mode: 'read-write' })], undefined, { stateDir });
      const out = view(await harness.call('cancel_query', { pid: staged.holderPid }));
      await staged.endHolder();
      const store = new ApprovalStore(stateDir);
      store.decide(out.id, 'approved', 'tester@host', 'cli', { sha256: store.get(out.id)!.sha256 });
      const engineOf = await harness.sources.engine(harness.sources.resolve('db'));
      const ran = await runApproved(
        store,
        out.id,
        async () => ({ source: harness!.sources.resolve('db'), engine: engineOf }),
        CHANGE_RUNNERS,
      );
      expect(ran).toMatchObject({
        status: 'failed',
        outcome: { error: { code: 'SESSION_NOT_FOUND' }, report: { found: false } },
      });
      const shown = await harness.call('get_change', { id: out.id });
      expect((shown.content[0] as { text: string }).text).toContain(`result: ${String(ran!.outcome!.report!.message)}`);
      expect(shown.structuredContent).toMatchObject({
        next_step: expect.stringContaining('new cancel_query or terminate_session'),
      });
    });

    it('refuses a stored statement that does not match its action and pid', async () => {
      harness = await connect([healthSource(staged.dsn, { mode: 'read-write' })], undefined, { stateDir });
      const engineOf = await harness.sources.engine(harness.sources.resolve('db'));
      const forged = {
        kind: 'session_action',
        payload: { action: 'cancel', pid: staged.waiterPid },
        sql: engine.terminateSql(staged.holderPid),
      } as unknown as StoredChange;
      expect(await runSessionAction(forged, { source: harness.sources.resolve('db'), engine: engineOf })).toMatchObject(
        { error: { code: 'STATEMENT_NOT_ALLOWED' } },
      );
    });

    it('stores the session it saw, and an approved action whose pid now names another session does nothing (PostgreSQL pids are reused; MariaDB ids restart with the server)', async () => {
      harness = await connect([healthSource(staged.dsn, { mode: 'read-write' })], undefined, { stateDir });
      const out = view(await harness.call('terminate_session', { pid: staged.holderPid }));
      const store = new ApprovalStore(stateDir);
      const stored = store.get(out.id)!;
      const engineOf = await harness.sources.engine(harness.sources.resolve('db'));
      const target = { source: harness.sources.resolve('db'), engine: engineOf };
      expect(stored.payload).toMatchObject({ session_start: expect.any(String) });
      // as if the pid had come back under another session: another backend_start, or another server start
      const reused = {
        ...stored,
        payload: {
          ...stored.payload,
          session_start: engine.name === 'postgres' ? '2001-01-01 00:00:00+00' : 'up since 2001-01-01T00:00:00Z',
        },
      };
      expect(await runSessionAction(reused, target)).toMatchObject({
        error: { code: 'SESSION_NOT_FOUND', message: expect.stringContaining('now belongs to another session') },
      });
      expect((await engineOf.health!.sessions!.describe(staged.holderPid))?.state).toBe('idle in transaction'); // untouched
      expect(await runSessionAction(stored, target)).toMatchObject({ report: { found: true, done: true } });
    });

    it('refuses an unknown pid, and a read-only source', async () => {
      harness = await connect([healthSource(staged.dsn, { mode: 'read-write' })], undefined, { stateDir });
      expect(errorOf(await harness.call('cancel_query', { pid: 2_000_000_000 }))).toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      await harness.close();
      harness = await connect([healthSource(staged.dsn, { mode: 'read-only' })], undefined, { stateDir });
      expect(errorOf(await harness.call('terminate_session', { pid: staged.holderPid }))).toMatchObject({
        code: 'READ_ONLY_VIOLATION',
      });
    });
  });
}

describe('session actions on SQLite', () => {
  it('are UNSUPPORTED_BY_ENGINE: there are no sessions', async () => {
    const staged = stageSqlite();
    const harness = await connect([healthSource(staged.dsn, { mode: 'read-write' })]);
    try {
      const err = errorOf(await harness.call('cancel_query', { pid: 1 }));
      expect(err).toMatchObject({ code: 'UNSUPPORTED_BY_ENGINE' });
      expect(err!.hint).toMatch(/no session/);
    } finally {
      await harness.close();
      staged.release();
    }
  });
});
