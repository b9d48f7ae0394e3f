/**
 * Security review of the new tools: what the model can make the server run through arguments
 * and database content it controls, outside the guards and without a person's approval.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type ResolvedSource } from '../../src/config/load.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { MYSQL_URL, PG_URL, skipUnlessReachable } from '../helpers/databases.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';

function sourceFor(dsn: string, extra: Record<string, unknown> = {}): ResolvedSource {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba_sec_src-'));
  const file = path.join(dir, 'c.json');
  fs.writeFileSync(file, JSON.stringify({ sources: [{ id: 'scratch', dsn, ...extra }] }));
  return loadConfig({ config: file }, {}).sources[0]!;
}

const pgSkip = await skipUnlessReachable('postgres');

describe.skipIf(pgSkip)('plan_migration data checks on PostgreSQL run only guarded reads', () => {
  const schema = `dba_sec_${randomBytes(4).toString('hex')}`;
  let admin: pg.Client;
  let victim: pg.Client;
  let mcp: Harness;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`CREATE TABLE ${schema}.items (id int PRIMARY KEY, qty int)`);
    await admin.query(`INSERT INTO ${schema}.items VALUES (1, 5), (2, -1)`);
    await admin.query(`CREATE TABLE ${schema}.tokens (t text)`);
    await admin.query(`INSERT INTO ${schema}.tokens VALUES ('tok_live_s3cr3t')`);
    victim = new pg.Client({ connectionString: PG_URL });
    victim.on('error', () => {});
    await victim.connect();
    mcp = await connect([sourceFor(PG_URL, { deny_tables: ['*.tokens'] })]);
  });

  afterAll(async () => {
    await mcp?.close();
    await victim?.end().catch(() => {});
    await admin?.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin?.end();
  });

  it('does not run a side-effecting function written in a CHECK (no session terminated on a read-only source)', async () => {
    const pid = (await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const res = await mcp.call('plan_migration', {
      sql: `ALTER TABLE ${schema}.items ADD CONSTRAINT c_kill CHECK (pg_terminate_backend(${pid}) OR qty > 0)`,
      dry_run: false,
    });
    expect(errorOf(res)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));
    const alive = await victim.query('SELECT 1 AS one').then(
      () => true,
      () => false,
    );
    expect(alive).toBe(true);
  });

  it('does not read server files through a CHECK (nothing of the file in the result)', async () => {
    const res = await mcp.call('plan_migration', {
      sql: `ALTER TABLE ${schema}.items ADD CONSTRAINT c_file CHECK ((pg_read_file('/etc/passwd'))::int > qty)`,
      dry_run: false,
    });
    expect(JSON.stringify(res)).not.toContain('root:');
  });

  it('does not read a denied table through a CHECK subquery (its value not in the result)', async () => {
    const res = await mcp.call('plan_migration', {
      sql: `ALTER TABLE ${schema}.items ADD CONSTRAINT c_deny CHECK ((SELECT t FROM ${schema}.tokens LIMIT 1)::int > qty)`,
      dry_run: false,
    });
    expect(JSON.stringify(res)).not.toContain('tok_live_s3cr3t');
  });

  it('still counts the rows that break a plain CHECK', async () => {
    const res = await mcp.call('plan_migration', {
      sql: `ALTER TABLE ${schema}.items ADD CONSTRAINT c_pos CHECK (qty > 0)`,
      dry_run: false,
    });
    expect(errorOf(res)).toBeUndefined();
    const checks = (res.structuredContent as { checks: { violations: number | null; error: string | null }[] }).checks;
    expect(checks).toEqual([expect.objectContaining({ violations: 1, error: null })]);
  });
});

describe.skipIf(pgSkip)('propose_index on PostgreSQL never executes a data-modifying CTE', () => {
  const db = `dba_sec_ix_${randomBytes(3).toString('hex')}`;
  const dsn = PG_URL.replace(/\/[^/]*$/, `/${db}`);
  let admin: pg.Client;
  let conn: pg.Client;
  let victim: pg.Client;
  let mcp: Harness;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${db}`);
    conn = new pg.Client({ connectionString: dsn });
    await conn.connect();
    for (const sql of [
      `CREATE EXTENSION hypopg`,
      `CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL)`,
      `INSERT INTO customers SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 50000) g`,
      `CREATE TABLE victims (id int)`,
      `INSERT INTO victims VALUES (1)`,
      `VACUUM ANALYZE`,
    ])
      await conn.query(sql);
    victim = new pg.Client({ connectionString: PG_URL });
    victim.on('error', () => {});
    await victim.connect();
    mcp = await connect([sourceFor(dsn, { mode: 'read-write' })]);
  }, 120_000);

  afterAll(async () => {
    await mcp?.close();
    await victim?.end().catch(() => {});
    await conn?.end().catch(() => {});
    await admin?.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin?.end();
  });

  it('does not run the CTE of the query while confirming an expression index (no session terminated, no row changed)', async () => {
    const pid = (await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await mcp.call('propose_index', {
      sql: `WITH d AS (DELETE FROM victims RETURNING pg_terminate_backend(${pid})) SELECT id FROM customers WHERE lower(email) = 'user77@example.com'`,
    });
    await new Promise((r) => setTimeout(r, 300));
    const alive = await victim.query('SELECT 1 AS one').then(
      () => true,
      () => false,
    );
    expect(alive).toBe(true);
    expect(Number((await conn.query('SELECT count(*) AS n FROM victims')).rows[0].n)).toBe(1);
  });

  it('quotes a function name taken from the query in the test index it builds (no SQL of the name runs)', async () => {
    // database content: an IMMUTABLE function whose name is SQL
    const evil = 'lower(email))); COMMIT; DROP TABLE victims; --';
    await conn.query(`CREATE FUNCTION "${evil}"(text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT lower($1)'`);
    try {
      await mcp.call('propose_index', {
        sql: `SELECT id FROM customers WHERE "${evil}"(email) = 'user77@example.com'`,
      });
      expect(Number((await conn.query(`SELECT count(*) AS n FROM pg_class WHERE relname = 'victims'`)).rows[0].n)).toBe(
        1,
      );
      expect(
        Number((await conn.query(`SELECT count(*) AS n FROM pg_class WHERE relname = 'dba_mcp_probe_idx'`)).rows[0].n),
      ).toBe(0);
    } finally {
      await conn.query(`DROP FUNCTION "${evil}"(text)`);
    }
  });
});

describe.skipIf(pgSkip)('dry runs on PostgreSQL never run functions a rollback does not undo', () => {
  const schema = `dba_sec_${randomBytes(4).toString('hex')}`;
  let admin: pg.Client;
  let victim: pg.Client;
  let mcp: Harness;
  /** A fresh session to aim at; its pid. */
  const pidOf = async () => {
    await victim?.end().catch(() => {});
    victim = new pg.Client({ connectionString: PG_URL });
    victim.on('error', () => {});
    await victim.connect();
    return (await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  };
  const alive = async () => {
    await new Promise((r) => setTimeout(r, 300));
    return victim.query('SELECT 1 AS one').then(
      () => true,
      () => false,
    );
  };

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`CREATE TABLE ${schema}.items (id int PRIMARY KEY, flag boolean)`);
    mcp = await connect([sourceFor(PG_URL, { mode: 'read-write' })]);
  });

  afterAll(async () => {
    await mcp?.close();
    await victim?.end().catch(() => {});
    await admin?.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin?.end();
  });

  it('request_change: a write that calls pg_terminate_backend is stored, not rehearsed', async () => {
    const res = await mcp.call('request_change', {
      sql: `INSERT INTO ${schema}.items SELECT 1, pg_terminate_backend(${await pidOf()})`,
    });
    expect(await alive()).toBe(true);
    expect(errorOf(res)).toBeUndefined();
    expect(res.structuredContent).toMatchObject({ status: 'pending', dry_run: { outcome: 'not-possible' } });
  });

  it('plan_migration: the dry run does not run a statement that calls pg_terminate_backend', async () => {
    const res = await mcp.call('plan_migration', {
      sql: `INSERT INTO ${schema}.items SELECT 2, pg_terminate_backend(${await pidOf()})`,
    });
    expect(await alive()).toBe(true);
    expect(errorOf(res)).toBeUndefined();
    expect(res.structuredContent).toMatchObject({ dry_run: { outcome: 'not-run' } });
  });

  it('plan_migration: a plain migration is still dry-run', async () => {
    const res = await mcp.call('plan_migration', { sql: `INSERT INTO ${schema}.items VALUES (3, true)` });
    expect(res.structuredContent).toMatchObject({ dry_run: { outcome: 'rolled-back' } });
  });
});

const mysqlSkip = await skipUnlessReachable('mysql');

describe.skipIf(mysqlSkip)(
  'request_change on MariaDB/MySQL: no rehearsal of a function a rollback does not undo',
  () => {
    const db = `dba_sec_${randomBytes(4).toString('hex')}`;
    let admin: mysql.Connection;
    let mcp: Harness;

    beforeAll(async () => {
      admin = await mysql.createConnection({ uri: MYSQL_URL });
      await admin.query(`CREATE DATABASE ${db}`);
      await admin.query(`CREATE TABLE ${db}.nums (n int)`);
      mcp = await connect([sourceFor(MYSQL_URL.replace(/\/[^/]*$/, `/${db}`), { mode: 'read-write' })]);
    });

    afterAll(async () => {
      await mcp?.close();
      await admin?.query(`DROP DATABASE IF EXISTS ${db}`);
      await admin?.end();
    });

    it('does not read a server file through the dry run of an INSERT (nothing of it in the result)', async () => {
      const res = await mcp.call('request_change', {
        sql: `INSERT INTO ${db}.nums (n) VALUES (LOAD_FILE('/etc/passwd'))`,
      });
      expect(JSON.stringify(res)).not.toContain('root:');
      expect(res.structuredContent).toMatchObject({ status: 'pending', dry_run: { outcome: 'not-possible' } });
    });
  },
);

describe.skipIf(pgSkip)('top_queries on PostgreSQL keeps password literals out', () => {
  const db = `dba_sec_top_${randomBytes(3).toString('hex')}`;
  const role = `dba_sec_role_${randomBytes(3).toString('hex')}`;
  const dsn = PG_URL.replace(/\/[^/]*$/, `/${db}`);
  let admin: pg.Client;
  let mcp: Harness;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${db}`);
    const conn = new pg.Client({ connectionString: dsn });
    await conn.connect();
    await conn.query('CREATE EXTENSION pg_stat_statements');
    await conn.query(`CREATE ROLE ${role} LOGIN PASSWORD 'Sekr1t-pw-4242'`);
    await conn.query(`ALTER ROLE ${role} PASSWORD 'Sekr1t-pw-4242'`);
    await conn.end();
    mcp = await connect([sourceFor(dsn)]);
  });

  afterAll(async () => {
    await mcp?.close();
    await admin?.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin?.query(`DROP ROLE IF EXISTS ${role}`);
    await admin?.end();
  });

  it('shows a statement that set a password without the password', async () => {
    const res = await mcp.call('top_queries', { order_by: 'calls', limit: 100 });
    expect(errorOf(res)).toBeUndefined();
    const queries = (res.structuredContent as { queries: { query: string }[] }).queries;
    expect(queries.some((q) => q.query.includes(role))).toBe(true);
    expect(JSON.stringify(res)).not.toContain('Sekr1t-pw-4242');
  });
});

describe.skipIf(pgSkip)('plan_migration / apply_migration keep deny_tables on PostgreSQL', () => {
  const schema = `dba_sec_${randomBytes(4).toString('hex')}`;
  let admin: pg.Client;
  let mcp: Harness;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`CREATE TABLE ${schema}.items (id int PRIMARY KEY, qty int)`);
    await admin.query(`CREATE TABLE ${schema}.tokens (t text)`);
    await admin.query(`INSERT INTO ${schema}.tokens VALUES ('tok_live_s3cr3t')`);
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba_sec_state-'));
    mcp = await connect([sourceFor(PG_URL, { mode: 'read-write', deny_tables: ['*.tokens'] })], undefined, {
      stateDir,
    });
  });

  afterAll(async () => {
    await mcp?.close();
    await admin?.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin?.end();
  });

  it('does not dry-run, nor let apply, a migration that reads a denied table (its value not in the result)', async () => {
    const res = await mcp.call('plan_migration', {
      sql: `INSERT INTO ${schema}.items SELECT t::int, 1 FROM ${schema}.tokens`,
    });
    expect(errorOf(res)).toBeUndefined();
    expect(JSON.stringify(res)).not.toContain('tok_live_s3cr3t');
    const plan = res.structuredContent as {
      plan_id: string;
      apply: { allowed: boolean };
      dry_run: { outcome: string };
    };
    expect(plan.apply.allowed).toBe(false);
    expect(plan.dry_run.outcome).toBe('not-run');
    expect(errorOf(await mcp.call('apply_migration', { plan_id: plan.plan_id }))?.code).toBe('STATEMENT_NOT_ALLOWED');
  });

  it('plans a migration of other tables as before', async () => {
    const res = await mcp.call('plan_migration', { sql: `INSERT INTO ${schema}.items VALUES (1, 1)` });
    expect(res.structuredContent).toMatchObject({ apply: { allowed: true }, dry_run: { outcome: 'rolled-back' } });
  });
});

describe.skipIf(pgSkip)('check_health on PostgreSQL keeps deny_tables out of the query texts it shows', () => {
  const schema = `dba_sec_${randomBytes(4).toString('hex')}`;
  let admin: pg.Client;
  let app: pg.Client;
  let mcp: Harness;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`CREATE TABLE ${schema}.tokens (t text)`);
    await admin.query(`CREATE TABLE ${schema}.items (id int)`);
    // an application session, idle inside its transaction after reading a denied table
    app = new pg.Client({ connectionString: PG_URL });
    app.on('error', () => {});
    await app.connect();
    await app.query('BEGIN');
    await app.query(`SELECT t FROM ${schema}.tokens WHERE t = 'tok_live_s3cr3t'`);
    mcp = await connect([sourceFor(PG_URL, { deny_tables: ['*.tokens'], health: { idle_in_transaction_s: 0 } })]);
  });

  afterAll(async () => {
    await mcp?.close();
    await app?.end().catch(() => {});
    await admin?.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin?.end();
  });

  it('hides the text of a statement that names a denied table, and still shows the session', async () => {
    await new Promise((r) => setTimeout(r, 200));
    const res = await mcp.call('check_health', { checks: ['idle_in_transaction'] });
    expect(errorOf(res)).toBeUndefined();
    const text = JSON.stringify(res);
    expect(text).toContain(String((app as unknown as { processID: number }).processID));
    expect(text).not.toContain('tok_live_s3cr3t');
  });

  it('terminate_session: neither the dialog nor the stored outcome shows the text of a statement that names a denied table', async () => {
    const other = new pg.Client({ connectionString: PG_URL });
    other.on('error', () => {});
    await other.connect();
    await other.query('BEGIN');
    await other.query(`SELECT t FROM ${schema}.tokens WHERE t = 'tok_live_s3cr3t'`);
    const pid = (other as unknown as { processID: number }).processID;
    const asked: string[] = [];
    const rw = await connect([sourceFor(PG_URL, { mode: 'read-write', deny_tables: ['*.tokens'] })], undefined, {
      stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'dba_sec_state-')),
      capabilities: { elicitation: {} },
      setup: (client) =>
        client.setRequestHandler(ElicitRequestSchema, async (req) => {
          asked.push(req.params.message);
          return { action: 'accept', content: { decision: 'approve' } };
        }),
    });
    try {
      const res = await rw.call('terminate_session', { pid, reason: 'idle in transaction' });
      expect(res.structuredContent).toMatchObject({ status: 'executed' });
      const id = (res.structuredContent as { id: string }).id;
      const later = await rw.call('get_change', { id });
      const text = JSON.stringify([res, later, asked]);
      expect(text).not.toContain('tok_live_s3cr3t');
    } finally {
      await rw.close();
      await other.end().catch(() => {});
    }
  });

  it('shows the text of a statement on other tables', async () => {
    await app.query('ROLLBACK');
    await app.query('BEGIN');
    await app.query(`SELECT id FROM ${schema}.items WHERE id = 4242`);
    await new Promise((r) => setTimeout(r, 200));
    const res = await mcp.call('check_health', { checks: ['idle_in_transaction'] });
    expect(JSON.stringify(res)).toContain('id = 4242');
  });
});

const noPython = (() => {
  try {
    execFileSync('python3', ['--version']);
    return false;
  } catch {
    return true;
  }
})();

describe.skipIf(noPython)('propose_index on SQLite: the schema copy runs one statement per schema entry', () => {
  let dir: string;
  let mcp: Harness;

  beforeAll(async () => {
    const Database = (await import('better-sqlite3')).default;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba_sec_sqlite-'));
    const db = new Database(path.join(dir, 'app.db'));
    db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, code TEXT)');
    const insert = db.prepare('INSERT INTO items (code) VALUES (?)');
    for (let i = 0; i < 5000; i++) insert.run(`c${i % 50}`);
    db.close();
    // a crafted file: the stored CREATE TABLE text carries more statements after its own (better-sqlite3 runs in defensive mode, so Python's sqlite3 writes it)
    const crafted = `CREATE TABLE items (id INTEGER PRIMARY KEY, code TEXT); ATTACH '${path.join(dir, 'pwned.db')}' AS p; CREATE TABLE p.owned (x)`;
    execFileSync('python3', [
      '-c',
      'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nc.execute("PRAGMA writable_schema=ON")\nc.execute("UPDATE sqlite_master SET sql=? WHERE name=\'items\'",(sys.argv[2],))\nc.commit()',
      path.join(dir, 'app.db'),
      crafted,
    ]);
    mcp = await connect([sourceFor(`sqlite://${path.join(dir, 'app.db')}`)]);
  });

  afterAll(async () => {
    await mcp?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('does not run the extra statements of a stored schema text (no file written)', async () => {
    await mcp.call('propose_index', { sql: `SELECT id FROM items WHERE code = 'c7'` });
    expect(fs.existsSync(path.join(dir, 'pwned.db'))).toBe(false);
  });
});
