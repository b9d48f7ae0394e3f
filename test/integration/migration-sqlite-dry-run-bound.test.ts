/**
 * The SQLite dry run is bounded like PostgreSQL's: a step that runs past the bound is stopped and
 * reported, the server answers, and the database file is left as it was. The slow step is a real
 * one: DROP TABLE of a parent with foreign keys on deletes every row and checks each against an
 * unindexed child table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { connect, type Harness } from '../helpers/mcp.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mb-bound-'));
const file = path.join(dir, 'app.db');
let h: Harness;

beforeAll(async () => {
  const db = new Database(file);
  db.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 30000) INSERT INTO users SELECT n, 'u' || n FROM g;
    CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id));
    WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 60000) INSERT INTO orders SELECT n, 1 + n % 30000 FROM g;`);
  db.close();
  const cfg = path.join(dir, 'c.json');
  fs.writeFileSync(
    cfg,
    JSON.stringify({
      sources: [{ id: 'app', dsn: `sqlite://${file}`, mode: 'read-write', limits: { statement_timeout_ms: 2000 } }],
    }),
  );
  h = await connect([loadConfig({ config: cfg }, {}).sources[0]!], undefined, { stateDir: path.join(dir, 'state') });
});

afterAll(async () => {
  await h?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('stops a dry-run step that runs past the bound and leaves the file unchanged', async () => {
  const started = Date.now();
  const res = await h.call('plan_migration', {
    sql: `BEGIN;
CREATE TABLE users_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL CHECK (length(name) > 0));
INSERT INTO users_new SELECT id, name FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
COMMIT;`,
  });
  const elapsed = Date.now() - started;
  expect(res.isError).toBeFalsy();
  const dry = (
    res.structuredContent as {
      dry_run: { outcome: string; reason: string | null; steps: { ok: boolean; error?: string }[] };
    }
  ).dry_run;
  expect(dry.reason).toMatch(/bound/);
  expect(dry.steps.some((s) => /stopped after 2 s/.test(s.error ?? ''))).toBe(true);
  expect(elapsed).toBeLessThan(10_000);
  expect(fs.existsSync(`${file}-journal`), 'the killed dry run left its journal behind').toBe(false);
  const db = new Database(file, { readonly: true });
  try {
    expect(db.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 30000 });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'users_new'").get()).toEqual({ n: 0 });
  } finally {
    db.close();
  }
}, 120_000);
