/**
 * Rules found missing by the blind corpus (test/fixtures/migrations-blind): a DELETE with a WHERE
 * is a one-statement data change like an UPDATE backfill (every engine), and ALTER TABLE ...
 * DROP CONSTRAINT / DROP COLUMN ... CASCADE on PostgreSQL silently drops dependents.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type ResolvedSource } from '../../src/config/load.js';
import { connect } from '../helpers/mcp.js';
import { MYSQL_URL, PG_URL, skipUnlessReachable } from '../helpers/databases.js';

interface Hazard {
  code: string;
  severity: string;
  statement: number | null;
}
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mb-rules-'));
const name = `dba_mb_${randomBytes(3).toString('hex')}`;

function sourceFor(dsn: string): ResolvedSource {
  const file = path.join(stateDir, `${randomBytes(3).toString('hex')}.json`);
  fs.writeFileSync(file, JSON.stringify({ sources: [{ id: 'rules', dsn, mode: 'read-write' }] }));
  return loadConfig({ config: file }, {}).sources[0]!;
}

async function hazards(dsn: string, sql: string): Promise<Hazard[]> {
  const h = await connect([sourceFor(dsn)], undefined, { stateDir });
  try {
    const res = await h.call('plan_migration', { sql, dry_run: false });
    expect(res.isError).toBeFalsy();
    return (res.structuredContent as { hazards: Hazard[] }).hazards;
  } finally {
    await h.close();
  }
}

const codes = (hs: Hazard[]) => hs.filter((z) => z.severity !== 'info').map((z) => z.code);

afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

describe('PostgreSQL', async () => {
  const skip = await skipUnlessReachable('postgres');
  const admin = new pg.Client({ connectionString: PG_URL });
  beforeAll(async () => {
    if (skip) return;
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${name};
      CREATE TABLE ${name}.customers (id bigint PRIMARY KEY, name text);
      INSERT INTO ${name}.customers SELECT g, 'c' || g FROM generate_series(1, 20000) g;
      CREATE TABLE ${name}.orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES ${name}.customers (id), note text);
      INSERT INTO ${name}.orders SELECT g, 1 + g % 20000, 'n' FROM generate_series(1, 40000) g;
      CREATE VIEW ${name}.notes AS SELECT id, note FROM ${name}.orders;
      ANALYZE ${name}.customers, ${name}.orders;`);
  });
  afterAll(async () => {
    if (skip) return;
    await admin.query(`DROP SCHEMA ${name} CASCADE`);
    await admin.end();
  });

  it.skipIf(skip)('a DELETE with a WHERE on an existing table is a one-statement data change', async () => {
    expect(codes(await hazards(PG_URL, `DELETE FROM ${name}.orders WHERE id > 100;`))).toContain(
      'backfill-in-one-statement',
    );
  });

  it.skipIf(skip)('DROP CONSTRAINT ... CASCADE names the dependents it drops (the FK of orders)', async () => {
    expect(
      codes(await hazards(PG_URL, `ALTER TABLE ${name}.customers DROP CONSTRAINT customers_pkey CASCADE;`)),
    ).toContain('drop-cascade');
  });

  it.skipIf(skip)('DROP COLUMN ... CASCADE names the view it drops; without CASCADE no drop-cascade', async () => {
    expect(codes(await hazards(PG_URL, `ALTER TABLE ${name}.orders DROP COLUMN note CASCADE;`))).toContain(
      'drop-cascade',
    );
    expect(
      codes(await hazards(PG_URL, `ALTER TABLE ${name}.orders DROP CONSTRAINT orders_customer_id_fkey;`)),
    ).not.toContain('drop-cascade');
  });
});

describe('MariaDB/MySQL', async () => {
  const skip = await skipUnlessReachable('mysql');
  const dsn = MYSQL_URL.replace(/\/[^/]*$/, `/${name}`);
  let admin: mysql.Connection | undefined;
  beforeAll(async () => {
    if (skip) return;
    admin = await mysql.createConnection({ uri: MYSQL_URL, multipleStatements: true });
    await admin.query(`CREATE DATABASE ${name}; USE ${name};
      CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(20)) ENGINE=InnoDB;
      INSERT INTO orders SELECT seq, 'n' FROM seq_1_to_20000; ANALYZE TABLE orders;`);
  });
  afterAll(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin?.end();
  });

  it.skipIf(skip)('a DELETE with a WHERE on an existing table is a one-statement data change', async () => {
    expect(codes(await hazards(dsn, 'DELETE FROM orders WHERE id > 100;'))).toContain('backfill-in-one-statement');
  });
});

describe('SQLite', () => {
  const file = path.join(stateDir, 'app.db');
  beforeAll(() => {
    const db = new Database(file);
    db.exec(`CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT);
      WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 20000) INSERT INTO orders SELECT n, 'n' FROM g; ANALYZE;`);
    db.close();
  });

  it('a DELETE with a WHERE on an existing table is a one-statement data change', async () => {
    expect(codes(await hazards(`sqlite://${file}`, 'DELETE FROM orders WHERE id > 100;'))).toContain(
      'backfill-in-one-statement',
    );
  });
});
