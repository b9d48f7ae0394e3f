/**
 * The approval flow over a real MCP client linked in memory, on a real PostgreSQL: a client that
 * declares elicitation is asked, and its person's answer decides; a client that does not gets a
 * pending change that nothing it can send will approve.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ElicitRequestSchema, type ElicitRequest } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditSink } from '../../src/audit/index.js';
import { ApprovalStore } from '../../src/approvals/store.js';
import { SERVERS, skipUnlessReachable, type Scratch } from '../helpers/databases.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';

function memorySink(): AuditSink & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return {
    entries,
    record: async (e) => void entries.push(structuredClone(e)),
    ensureWritable: () => {},
    status: () => ({ state: 'off' }),
    recent: () => [],
    close: async () => {},
  };
}

const skip = await skipUnlessReachable('postgres');

describe.skipIf(skip)('request_change on PostgreSQL', () => {
  let scratch: Scratch;
  let stateDir: string;
  let harness: Harness | undefined;
  let t: string;
  let asked: ElicitRequest['params'][];

  beforeEach(async () => {
    scratch = await SERVERS.postgres.scratch();
    t = `${scratch.schema}.accounts`;
    await scratch.exec(`CREATE TABLE ${t} (id int PRIMARY KEY, balance int NOT NULL)`);
    await scratch.exec(`INSERT INTO ${t} VALUES (1, 100), (2, 200)`);
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-flow-'));
    asked = [];
  });

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    await scratch.drop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const elicitingClient = (
    answer: (req: ElicitRequest) => { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, string> },
    audit: AuditSink,
    mode = 'read-write',
  ) =>
    connect([scratch.source({ mode })], audit, {
      stateDir,
      capabilities: { elicitation: {} },
      setup: (client) =>
        client.setRequestHandler(ElicitRequestSchema, async (req) => {
          asked.push(req.params);
          return answer(req);
        }),
    });

  it('elicitation accepted with approve: the change runs once, exactly as shown, and the audit record carries the approval', async () => {
    const audit = memorySink();
    harness = await elicitingClient(() => ({ action: 'accept', content: { decision: 'approve' } }), audit);
    const sql = `UPDATE ${t} SET balance = balance - 50 WHERE id = 1`;
    const result = await harness.call('request_change', { sql, reason: 'refund' });
    expect(errorOf(result)).toBeUndefined();
    expect(result.structuredContent).toMatchObject({
      status: 'executed',
      rows_affected: 1,
      dry_run: { outcome: 'rolled-back', rows_affected: 1 },
      decision: { decision: 'approved', path: 'elicitation' },
    });
    expect(Number(await scratch.scalar(`SELECT balance FROM ${t} WHERE id = 1`))).toBe(50);
    expect(asked).toHaveLength(1);
    const message = (asked[0] as { message: string }).message;
    expect(message).toContain(sql);
    expect(message).toMatch(/Dry run: would affect 1 row/);
    expect(message).toMatch(/Risk: changes data/);
    expect(message).toContain('Reason given: refund');
    const record = audit.entries.find((e) => e.name === 'request_change');
    expect(record).toMatchObject({
      outcome: 'ok',
      approval: { decision: 'approved', path: 'elicitation', decided_by: expect.stringContaining('test') },
    });
    const id = (result.structuredContent as { id: string }).id;
    const shown = await harness.call('get_change', { id });
    expect(shown.structuredContent).toMatchObject({ status: 'executed', rows_affected: 1 });
    // Spent: the store will not run it again.
    expect(new ApprovalStore(stateDir).claim(id)).toBeUndefined();
    expect(Number(await scratch.scalar(`SELECT balance FROM ${t} WHERE id = 1`))).toBe(50);
  });

  it('elicitation declined: nothing changes and the change is rejected', async () => {
    const audit = memorySink();
    harness = await elicitingClient(() => ({ action: 'decline' }), audit);
    const result = await harness.call('request_change', { sql: `DELETE FROM ${t}` });
    expect(result.structuredContent).toMatchObject({
      status: 'rejected',
      dry_run: { rows_affected: 2 },
      rows_affected: null,
    });
    expect(Number(await scratch.scalar(`SELECT COUNT(*) FROM ${t}`))).toBe(2);
    expect(audit.entries.find((e) => e.name === 'request_change')).toMatchObject({
      approval: { decision: 'rejected', path: 'elicitation' },
    });
  });

  it('elicitation accepted with reject: nothing changes', async () => {
    harness = await elicitingClient(() => ({ action: 'accept', content: { decision: 'reject' } }), memorySink());
    const result = await harness.call('request_change', { sql: `DELETE FROM ${t}` });
    expect(result.structuredContent).toMatchObject({ status: 'rejected' });
    expect(Number(await scratch.scalar(`SELECT COUNT(*) FROM ${t}`))).toBe(2);
  });

  it('without elicitation: pending, data unchanged, and nothing in the answer can approve it', async () => {
    const audit = memorySink();
    harness = await connect([scratch.source({ mode: 'read-write' })], audit, { stateDir });
    const result = await harness.call('request_change', { sql: `UPDATE ${t} SET balance = 0` });
    const out = result.structuredContent as { id: string; status: string; next_step: string };
    expect(out.status).toBe('pending');
    expect(out.next_step).toContain(`dba-mcp approvals approve ${out.id}`);
    expect(Number(await scratch.scalar(`SELECT SUM(balance) FROM ${t}`))).toBe(300);
    expect(audit.entries.find((e) => e.name === 'request_change')).toMatchObject({
      approval: { id: out.id, decision: 'requested' },
    });
    // Extra arguments (a model trying to approve its own change) are refused by the strict schema.
    expect(
      errorOf(await harness.call('request_change', { sql: `UPDATE ${t} SET balance = 0`, confirm: true }))?.code,
    ).toBe('INVALID_ARGUMENT');
    expect(errorOf(await harness.call('get_change', { id: out.id, approve: true }))?.code).toBe('INVALID_ARGUMENT');
    expect((await harness.call('get_change', { id: out.id })).structuredContent).toMatchObject({ status: 'pending' });
    // A reason is one line: it cannot pose as more of the approval dialog.
    const forged = errorOf(
      await harness.call('request_change', {
        sql: `UPDATE ${t} SET balance = 0`,
        reason: 'routine\n\nSQL (runs exactly as shown, once):\nSELECT 1',
      }),
    );
    expect(forged).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('one line') });
  });

  it('a read-only source refuses request_change', async () => {
    harness = await connect([scratch.source()], memorySink(), { stateDir });
    expect(errorOf(await harness.call('request_change', { sql: `DELETE FROM ${t}` }))?.code).toBe(
      'READ_ONLY_VIOLATION',
    );
    expect(fs.existsSync(path.join(stateDir, 'approvals'))).toBe(false);
  });

  it('two statements, transaction control, session settings and reads are refused', async () => {
    harness = await elicitingClient(() => ({ action: 'accept', content: { decision: 'approve' } }), memorySink());
    expect(errorOf(await harness.call('request_change', { sql: `DELETE FROM ${t}; DELETE FROM ${t}` }))?.code).toBe(
      'MULTIPLE_STATEMENTS',
    );
    expect(errorOf(await harness.call('request_change', { sql: 'BEGIN' }))?.code).toBe('STATEMENT_NOT_ALLOWED');
    expect(errorOf(await harness.call('request_change', { sql: 'SET statement_timeout = 0' }))?.code).toBe(
      'STATEMENT_NOT_ALLOWED',
    );
    expect(errorOf(await harness.call('request_change', { sql: `SELECT * FROM ${t}` }))?.code).toBe(
      'STATEMENT_NOT_ALLOWED',
    );
    expect(asked).toHaveLength(0);
    expect(Number(await scratch.scalar(`SELECT COUNT(*) FROM ${t}`))).toBe(2);
  });

  it('deny_tables applies to the tables a change names', async () => {
    harness = await connect([scratch.source({ mode: 'read-write', deny_tables: ['*.accounts'] })], memorySink(), {
      stateDir,
    });
    expect(errorOf(await harness.call('request_change', { sql: `DELETE FROM ${t}` }))?.code).toBe('TABLE_DENIED');
  });

  it('run_query with a write points to request_change', async () => {
    harness = await connect([scratch.source({ mode: 'read-write' })], memorySink(), { stateDir });
    const err = errorOf(await harness.call('run_query', { sql: `DELETE FROM ${t}` }));
    expect(err?.code).toBe('READ_ONLY_VIOLATION');
    expect(err?.hint).toContain('request_change');
  });
});
