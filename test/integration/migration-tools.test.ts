/**
 * Migration tools already in use are found by their history tables, with their latest applied
 * version, and plan_migration warns that a change applied here bypasses them.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ENGINES } from '../../src/engines/registry.js';
import { planMigration } from '../../src/tools/migrations/planner.js';
import { skipUnlessReachable, PG_URL } from '../helpers/databases.js';

const logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  trace() {},
  fatal() {},
  child() {
    return this;
  },
} as never;

async function plan(dsn: string, sql: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mg-tools-'));
  fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ sources: [{ id: 'x', dsn }] }));
  const source = loadConfig({ config: path.join(dir, 'c.json') }, {}).sources[0]!;
  const engine = (await ENGINES[source.parsed.engine].load()).createEngine(source, { logger });
  try {
    return (
      await planMigration({ sql, rewrite: true, dryRun: true }, { engine, source, plansDir: path.join(dir, 'plans') })
    ).output;
  } finally {
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Its own database: test files run in parallel, and other runs may share the server.
const TOOLS_DB = `dba_mg_tools_${randomBytes(3).toString('hex')}`;

describe('migration tools in use', () => {
  it('PostgreSQL: Flyway, Knex, golang-migrate and Alembic, with their latest versions', async (t) => {
    if (await skipUnlessReachable('postgres')) return t.skip();
    const root = new pg.Client({ connectionString: PG_URL });
    await root.connect();
    await root.query(`DROP DATABASE IF EXISTS ${TOOLS_DB}`);
    await root.query(`CREATE DATABASE ${TOOLS_DB}`);
    const dsn = PG_URL.replace(/\/[^/]*$/, `/${TOOLS_DB}`);
    const db = new pg.Client({ connectionString: dsn });
    await db.connect();
    try {
      await db.query(`
        CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), installed_on timestamp NOT NULL DEFAULT now(), success boolean NOT NULL);
        INSERT INTO flyway_schema_history VALUES (1, '1', now(), true), (2, '2.1', now(), true);
        CREATE TABLE knex_migrations (id serial PRIMARY KEY, name varchar(255), batch int, migration_time timestamptz);
        INSERT INTO knex_migrations (name, batch, migration_time) VALUES ('20250101_init.js', 1, now()), ('20260301_orders.js', 2, now());
        CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);
        INSERT INTO schema_migrations VALUES (20260101120000, false);
        CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
        INSERT INTO alembic_version VALUES ('ae1027a6acf');
        CREATE TABLE orders (id bigint PRIMARY KEY);`);
      const out = await plan(dsn, 'ALTER TABLE orders ADD COLUMN note text');
      expect(out.migration_tools.map((m) => [m.tool, m.latest_version])).toEqual([
        ['Flyway', '2.1'],
        ['golang-migrate', '20260101120000'],
        ['Alembic', 'ae1027a6acf'],
        ['Knex', '20260301_orders.js'],
      ]);
      expect(out.hazards.find((h) => h.code === 'bypasses-migration-tool')).toMatchObject({ severity: 'warning' });
    } finally {
      await db.end();
      await root.query(`DROP DATABASE IF EXISTS ${TOOLS_DB}`);
      await root.end();
    }
  });

  it('SQLite: Prisma and Rails; none at all says nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba_mg_tools-'));
    const file = path.join(dir, 'app.db');
    const db = new Database(file);
    db.exec(`CREATE TABLE _prisma_migrations (id TEXT PRIMARY KEY, migration_name TEXT NOT NULL, finished_at DATETIME);
      INSERT INTO _prisma_migrations VALUES ('a', '20250101_init', '2025-01-01'), ('b', '20260202_users', '2026-02-02'), ('c', '20260303_pending', NULL);
      CREATE TABLE schema_migrations (version TEXT PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20240101000000'), ('20250505000000');
      CREATE TABLE orders (id INTEGER PRIMARY KEY);`);
    db.close();
    const out = await plan(`sqlite://${file}`, 'ALTER TABLE orders ADD COLUMN note TEXT');
    expect(out.migration_tools.map((m) => [m.tool, m.latest_version])).toEqual([
      ['Prisma', '20260202_users'],
      ['Rails', '20250505000000'],
    ]);
    const bare = path.join(dir, 'bare.db');
    new Database(bare).exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    const none = await plan(`sqlite://${bare}`, 'ALTER TABLE t ADD COLUMN a TEXT');
    expect(none.migration_tools).toEqual([]);
    expect(none.hazards).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
