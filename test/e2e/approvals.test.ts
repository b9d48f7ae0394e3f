/**
 * Out-of-band approval end to end: the built server over stdio gets a change it cannot have
 * approved by its client (no elicitation), a person approves it with the built CLI in another
 * process, and the server runs it, once, and records it in its audit log.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { callOk, cleanupAll, runCli, startStdio, tempDir } from '../helpers/e2e.js';

afterAll(cleanupAll);

describe('approvals out of band (stdio server + dba-mcp approvals)', () => {
  it('a change approved at the terminal runs once on the server, and the audit log verifies', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'shop.db');
    const admin = new Database(db);
    admin.exec(
      'CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO counters VALUES (1, 0);',
    );
    admin.close();
    const config = path.join(dir, 'config.yaml');
    fs.writeFileSync(config, `sources:\n  - id: shop\n    dsn: sqlite://${db}\n    mode: read-write\n`);
    const stateDir = tempDir('dba-mcp-state-');
    const server = await startStdio(['--config', config], {}, { stateDir });
    const count = () => {
      const check = new Database(db, { readonly: true });
      try {
        return (check.prepare('SELECT n FROM counters WHERE id = 1').get() as { n: number }).n;
      } finally {
        check.close();
      }
    };

    const requested = await callOk<{ id: string; status: string; next_step: string }>(server.client, 'request_change', {
      sql: 'UPDATE counters SET n = n + 1 WHERE id = 1',
    });
    expect(requested.status).toBe('pending');
    expect(count()).toBe(0);
    const { id } = requested;

    const listed = await runCli(['approvals', 'list', '--state-dir', stateDir]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+pending\\s+shop`));
    const shown = await runCli(['approvals', 'show', id, '--state-dir', stateDir]);
    expect(shown.stdout).toContain('UPDATE counters SET n = n + 1 WHERE id = 1');
    expect(shown.stdout).toMatch(/dry run:\s+rolled back; would affect 1 row/);

    const approved = await runCli(['approvals', 'approve', id, '--state-dir', stateDir]);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(/Approved by \S+@\S+/);

    let status = 'approved';
    for (let i = 0; i < 50 && status !== 'executed' && status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await callOk<{ status: string }>(server.client, 'get_change', { id })).status;
    }
    expect(status).toBe('executed');
    expect(count()).toBe(1);
    expect(await callOk(server.client, 'get_change', { id })).toMatchObject({
      rows_affected: 1,
      decision: { path: 'cli', decision: 'approved' },
    });

    const again = await runCli(['approvals', 'approve', id, '--state-dir', stateDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already decided|not pending/);
    await new Promise((r) => setTimeout(r, 1_200)); // a few executor ticks: still exactly once
    expect(count()).toBe(1);

    await server.close();
    const verified = await runCli(['audit', 'verify', '--state-dir', stateDir]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    const log = fs
      .readFileSync(path.join(stateDir, 'audit', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const approval = log.filter((r) => r.kind === 'approval');
    expect(approval.map((r) => r.name)).toEqual(['approve', 'execute']);
    expect(approval[0]).toMatchObject({ approval: { id, path: 'cli', decision: 'approved' }, source: 'shop' });
    expect(approval[1]).toMatchObject({
      sql: 'UPDATE counters SET n = n + 1 WHERE id = 1',
      outcome: 'ok',
      row_count: 1,
    });
  });

  it('an unknown id is refused, and usage errors exit 2', async () => {
    const stateDir = tempDir('dba-mcp-state-');
    expect((await runCli(['approvals', 'approve', 'abcdefghij', '--state-dir', stateDir])).code).toBe(1);
    expect((await runCli(['approvals', 'approve', '--state-dir', stateDir])).code).toBe(2);
    expect((await runCli(['approvals', 'frobnicate'])).code).toBe(2);
  });
});
