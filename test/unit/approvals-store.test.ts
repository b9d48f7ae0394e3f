import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApprovalError, ApprovalStore, changeHash, type NewChange } from '../../src/approvals/store.js';

const dirs: string[] = [];
function stateDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-approvals-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const input: NewChange = {
  source: 'shop',
  engine: 'sqlite',
  sql: 'UPDATE t SET x = 1 WHERE id = 2',
  classification: { class: 'write', statement_type: 'UPDATE', tables: ['t'] },
  dry_run: { outcome: 'rolled-back', rows_affected: 1 },
  requested_by: { request_id: '1' },
};

describe('approval store', () => {
  it('writes each change atomically as a 0600 file with the exact SQL and its hash', () => {
    const store = new ApprovalStore(stateDir());
    const change = store.create(input);
    expect(change.id).toMatch(/^[a-z2-7]{10}$/);
    const file = path.join(store.dir, `${change.id}.json`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(store.dir)).toEqual([`${change.id}.json`]); // no temp file left behind
    expect(store.get(change.id)).toMatchObject({
      sql: input.sql,
      status: 'pending',
      sha256: changeHash('shop', input.sql),
    });
    expect(changeHash('shop', input.sql)).not.toBe(changeHash('other', input.sql));
  });

  it('decides once, and runs once: a second decision or claim is refused', () => {
    const store = new ApprovalStore(stateDir());
    const { id } = store.create(input);
    store.decide(id, 'approved', 'alice@host', 'cli');
    expect(() => store.decide(id, 'rejected', 'bob@host', 'cli')).toThrow(ApprovalError);
    expect(store.claim(id)?.status).toBe('executing');
    expect(store.claim(id)).toBeUndefined();
    store.finish(id, { rows_affected: 1 });
    expect(store.claim(id)).toBeUndefined();
    expect(store.get(id)).toMatchObject({
      status: 'executed',
      decision: { by: 'alice@host', path: 'cli' },
      outcome: { rows_affected: 1 },
    });
  });

  it('a lost race for the decision lock is refused even if the file still says pending', () => {
    const store = new ApprovalStore(stateDir());
    const { id } = store.create(input);
    fs.writeFileSync(path.join(store.dir, `${id}.decided`), '');
    expect(() => store.decide(id, 'approved', 'x', 'cli')).toThrow(/already decided/);
  });

  it('refuses to run a change whose stored SQL no longer matches the approved sha256', () => {
    const store = new ApprovalStore(stateDir());
    const { id } = store.create(input);
    store.decide(id, 'approved', 'alice@host', 'cli');
    const file = path.join(store.dir, `${id}.json`);
    const tampered = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    tampered.sql = 'DELETE FROM t';
    fs.writeFileSync(file, JSON.stringify(tampered));
    expect(() => store.claim(id)).toThrow(/sha256/);
    expect(store.get(id)).toMatchObject({ status: 'failed', outcome: { error: { code: 'APPROVAL_MISMATCH' } } });
  });

  it('refuses a decision on what was not shown (sha256 given by the decider differs)', () => {
    const store = new ApprovalStore(stateDir());
    const { id } = store.create(input);
    expect(() => store.decide(id, 'approved', 'x', 'cli', { sha256: 'f'.repeat(64) })).toThrow(
      /not the change that was shown/,
    );
    expect(store.get(id)?.status).toBe('pending');
  });

  it('an expired change cannot be approved, and is marked expired', () => {
    let now = new Date('2025-01-01T00:00:00Z');
    const store = new ApprovalStore(stateDir(), 60, () => now);
    const { id } = store.create(input);
    now = new Date('2025-01-01T01:00:01Z');
    expect(store.effectiveStatus(store.get(id)!)).toBe('expired');
    expect(() => store.decide(id, 'approved', 'x', 'cli')).toThrow(/expired/);
    expect(store.get(id)).toMatchObject({ status: 'expired' });
    expect(store.claim(id)).toBeUndefined();
  });

  it('ids that are not ids never reach the file system', () => {
    const store = new ApprovalStore(stateDir());
    expect(() => store.get('../../etc/passwd')).toThrow(ApprovalError);
  });
});
