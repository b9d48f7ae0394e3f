/**
 * apply_migration approved by the person at the client (MCP elicitation), over a real client
 * linked in memory, on SQLite: the person is shown the exact steps, the steps run with progress
 * notifications, and the history table records it; a declined one changes nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CallToolResultSchema, ElicitRequestSchema, type ElicitRequest } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { recordProof } from '../../src/engines/kit/backups/proofs.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';

let harness: Harness | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function setup(decision: 'approve' | 'reject', mode = 'read-write', extra: Record<string, unknown> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba_mg_elicit-'));
  dirs.push(dir);
  const file = path.join(dir, 'app.db');
  const db = new Database(file);
  db.exec(
    `CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT); INSERT INTO users VALUES (1, 'a@x.test'), (2, 'b@x.test');`,
  );
  db.close();
  fs.writeFileSync(
    path.join(dir, 'c.json'),
    JSON.stringify({ sources: [{ id: 'app', dsn: `sqlite://${file}`, mode, ...extra }] }),
  );
  const source = loadConfig({ config: path.join(dir, 'c.json') }, {}).sources[0]!;
  const asked: ElicitRequest['params'][] = [];
  harness = await connect([source], undefined, {
    stateDir: path.join(dir, 'state'),
    capabilities: { elicitation: {} },
    setup: (client) =>
      client.setRequestHandler(ElicitRequestSchema, async (req) => {
        asked.push(req.params);
        return { action: 'accept', content: { decision } };
      }),
  });
  return { file, asked, stateDir: path.join(dir, 'state') };
}

describe('apply_migration approved by elicitation (SQLite)', () => {
  it('shows the exact steps, runs them with progress notifications, records the history', async () => {
    const { file, asked } = await setup('approve');
    const planned = await harness!.call('plan_migration', {
      sql: 'ALTER TABLE users ADD COLUMN name TEXT;\nCREATE INDEX users_email_idx ON users (email);',
      name: 'users_name',
    });
    expect(errorOf(planned)).toBeUndefined();
    const plan = planned.structuredContent as { plan_id: string; steps_text: string; dry_run: { outcome: string } };
    expect(plan.dry_run.outcome).toBe('rolled-back');
    const progress: { progress: number; total?: number; message?: string }[] = [];
    const applied = await harness!.client.callTool(
      { name: 'apply_migration', arguments: { plan_id: plan.plan_id } },
      CallToolResultSchema,
      { onprogress: (p) => void progress.push(p) },
    );
    expect(errorOf(applied as never)).toBeUndefined();
    expect(applied.structuredContent).toMatchObject({
      status: 'executed',
      decision: { path: 'elicitation' },
      report: { applied: [{ n: 1 }, { n: 2 }], failed_step: null },
    });
    expect(asked[0]!.message).toContain(plan.steps_text.trim());
    expect(progress.map((p) => [p.progress, p.total])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare(`SELECT count(*) AS n FROM pragma_table_info('users') WHERE name = 'name'`).get()).toEqual({
        n: 1,
      });
      expect(db.prepare(`SELECT name, outcome FROM dba_mcp_migrations`).all()).toEqual([
        { name: 'users_name', outcome: 'applied 2 step(s)' },
      ]);
    } finally {
      db.close();
    }
  });

  it('rejected: nothing runs', async () => {
    const { file } = await setup('reject');
    const plan = (await harness!.call('plan_migration', { sql: 'DROP TABLE users' })).structuredContent as {
      plan_id: string;
      hazards: { code: string }[];
    };
    expect(plan.hazards.map((h) => h.code)).toContain('ban-drop-table');
    const applied = await harness!.call('apply_migration', { plan_id: plan.plan_id });
    expect(applied.structuredContent).toMatchObject({ status: 'rejected' });
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare(`SELECT count(*) AS n FROM users`).get()).toEqual({ n: 2 });
    } finally {
      db.close();
    }
  });

  it('a read-only source refuses apply_migration', async () => {
    await setup('approve', 'read-only');
    const plan = (await harness!.call('plan_migration', { sql: 'ALTER TABLE users ADD COLUMN name TEXT' }))
      .structuredContent as { plan_id: string; dry_run: { outcome: string; reason: string } };
    expect(plan.dry_run).toMatchObject({ outcome: 'not-run', reason: expect.stringMatching(/read-only/) });
    expect(errorOf(await harness!.call('apply_migration', { plan_id: plan.plan_id }))?.code).toBe(
      'READ_ONLY_VIOLATION',
    );
  });

  it('irreversible steps need a backup proven by a restore when backups are configured', async () => {
    const { file, stateDir } = await setup('approve', 'read-write', { backups: { dir: 'backups', max_age_hours: 24 } });
    const plan = (await harness!.call('plan_migration', { sql: 'ALTER TABLE users DROP COLUMN email' }))
      .structuredContent as { plan_id: string };
    const refused = errorOf(await harness!.call('apply_migration', { plan_id: plan.plan_id }));
    expect(refused).toMatchObject({
      code: 'STATEMENT_NOT_ALLOWED',
      message: expect.stringMatching(/irreversible steps.*no backup proven by a restore/),
    });
    const now = new Date().toISOString();
    recordProof(stateDir, {
      v: 1,
      source: 'app',
      backup: 'app-1.db',
      backup_created_at: now,
      sha256: null,
      verified_at: now,
      ok: true,
      reason: null,
      restore_ms: 5,
      target: null,
      tables: 1,
      rows: 2,
    });
    const applied = await harness!.call('apply_migration', { plan_id: plan.plan_id });
    expect(applied.structuredContent).toMatchObject({ status: 'executed' });
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare(`SELECT count(*) AS n FROM pragma_table_info('users') WHERE name = 'email'`).get()).toEqual({
        n: 0,
      });
    } finally {
      db.close();
    }
  });

  it('data-check samples are masked like run_query rows', async () => {
    const { file } = await setup('approve');
    const db = new Database(file);
    db.exec(`INSERT INTO users VALUES (3, 'a@x.test')`);
    db.close();
    const out = (await harness!.call('plan_migration', { sql: 'CREATE UNIQUE INDEX users_email_key ON users (email)' }))
      .structuredContent as { checks: { violations: number; sample: unknown[][] }[]; hazards: { code: string }[] };
    expect(out.checks[0]).toMatchObject({ violations: 1, sample: [['[masked]', 2]] });
    expect(out.hazards.map((h) => h.code)).toContain('data-check-failed');
  });
});
