/**
 * Source databases of their own for the backup tests (dba_bk_src_<random> on PostgreSQL and
 * MariaDB, a temp file for SQLite), small but with several tables, a second schema and a view,
 * and a fingerprint of their content to prove a backup test left them unchanged.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { loadConfig, type ResolvedSource } from '../../src/config/load.js';
import type { EngineName } from '../../src/engines/registry.js';
import { MYSQL_URL, PG_URL } from '../helpers/databases.js';

export interface BackupSource {
  engine: EngineName;
  dsn: string;
  /** A fingerprint of every table's content (and, for SQLite, the file's bytes). */
  fingerprint(): Promise<string>;
  /** Runs SQL with full rights, not through dba-mcp. */
  exec(sql: string): Promise<void>;
  /** Scratch databases (dba_bk_*) that exist now, other than the source's own. */
  scratchLeft(): Promise<string[]>;
  drop(): Promise<void>;
}

const hex = () => randomBytes(4).toString('hex');

const PG_SETUP = [
  'CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, country text)',
  "INSERT INTO customers SELECT g, 'customer ' || g, (ARRAY['DE','FR','US'])[g % 3 + 1] FROM generate_series(1, 1000) g",
  'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int REFERENCES customers(id), total numeric(10,2), note text)',
  "INSERT INTO orders SELECT g, g % 1000 + 1, g * 1.5, CASE WHEN g % 7 = 0 THEN NULL ELSE 'n' || g END FROM generate_series(1, 5000) g",
  'CREATE SCHEMA sales',
  'CREATE TABLE sales.items (id int PRIMARY KEY, sku text UNIQUE, qty int)',
  "INSERT INTO sales.items SELECT g, 'sku-' || g, g % 13 FROM generate_series(1, 300) g",
  'CREATE TABLE empty_table (id int)',
  'CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 1000',
];

export async function pgBackupSource(): Promise<BackupSource> {
  const name = `dba_bk_src_${hex()}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const dsn = PG_URL.replace(/\/[^/]*$/, `/${name}`);
  const db = new pg.Client({ connectionString: dsn });
  await db.connect();
  for (const sql of PG_SETUP) await db.query(sql);
  return {
    engine: 'postgres',
    dsn,
    exec: async (sql) => void (await db.query(sql)),
    async fingerprint() {
      const { rows } = await db.query<{ t: string }>(
        `SELECT format('%I.%I', schemaname, tablename) AS t FROM pg_tables WHERE schemaname NOT IN ('pg_catalog','information_schema') ORDER BY 1`,
      );
      const parts: string[] = [];
      for (const { t } of rows) {
        const r = await db.query<{ n: string; h: string | null }>(
          `SELECT count(*) AS n, md5(string_agg(x::text, '|' ORDER BY x::text)) AS h FROM ${t} x`,
        );
        parts.push(`${t}:${r.rows[0]!.n}:${r.rows[0]!.h}`);
      }
      return parts.join('\n');
    },
    async scratchLeft() {
      const { rows } = await admin.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE 'dba\\_bk\\_%' AND datname NOT LIKE 'dba\\_bk\\_src\\_%'`,
      );
      return rows.map((r) => r.datname);
    },
    async drop() {
      await db.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

const MYSQL_SETUP = [
  'CREATE TABLE customers (id int PRIMARY KEY, name varchar(100) NOT NULL, country char(2))',
  "INSERT INTO customers SELECT seq, CONCAT('customer ', seq), ELT(seq % 3 + 1, 'DE', 'FR', 'US') FROM seq_1_to_1000",
  'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int, total decimal(10,2), note text, FOREIGN KEY (customer_id) REFERENCES customers(id))',
  "INSERT INTO orders SELECT seq, seq % 1000 + 1, seq * 1.5, IF(seq % 7 = 0, NULL, CONCAT('n', seq)) FROM seq_1_to_5000",
  'CREATE TABLE empty_table (id int)',
  'CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 1000',
];

export async function mysqlBackupSource(): Promise<BackupSource> {
  const name = `dba_bk_src_${hex()}`;
  const admin = await mysql.createConnection({ uri: MYSQL_URL });
  await admin.query(`CREATE DATABASE ${name}`);
  const dsn = MYSQL_URL.replace(/\/[^/]*$/, `/${name}`);
  const db = await mysql.createConnection({ uri: dsn });
  for (const sql of MYSQL_SETUP) await db.query(sql);
  return {
    engine: 'mysql',
    dsn,
    exec: async (sql) => void (await db.query(sql)),
    async fingerprint() {
      const [tables] = await db.query(
        `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY 1`,
      );
      const names = (tables as { t: string }[]).map((r) => r.t);
      const [sums] = await db.query(`CHECKSUM TABLE ${names.map((n) => `\`${n}\``).join(', ')} EXTENDED`);
      const [counts] = await db.query(
        names.map((n) => `SELECT '${n}' AS t, count(*) AS n FROM \`${n}\``).join(' UNION ALL '),
      );
      return JSON.stringify([sums, counts]);
    },
    async scratchLeft() {
      const [rows] = await admin.query(
        `SELECT schema_name AS s FROM information_schema.schemata WHERE schema_name LIKE 'dba\\_bk\\_%' AND schema_name NOT LIKE 'dba\\_bk\\_src\\_%'`,
      );
      return (rows as { s: string }[]).map((r) => r.s);
    },
    async drop() {
      await db.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    },
  };
}

const SQLITE_SETUP = `
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT);
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 1000) INSERT INTO customers SELECT n, 'customer ' || n, CASE n % 3 WHEN 0 THEN 'DE' WHEN 1 THEN 'FR' ELSE 'US' END FROM g;
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id), total REAL, note TEXT);
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 5000) INSERT INTO orders SELECT n, n % 1000 + 1, n * 1.5, CASE WHEN n % 7 = 0 THEN NULL ELSE 'n' || n END FROM g;
CREATE INDEX idx_orders_customer ON orders(customer_id);
CREATE TABLE empty_table (id INTEGER);
CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 1000;
`;

export async function sqliteBackupSource(opts: { wal?: boolean } = {}): Promise<BackupSource> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-bk-src-'));
  const file = path.join(dir, 'shop.db');
  const db = new Database(file);
  if (opts.wal) db.pragma('journal_mode = WAL');
  db.exec(SQLITE_SETUP);
  db.close();
  return {
    engine: 'sqlite',
    dsn: `sqlite://${file}`,
    async exec(sql) {
      const rw = new Database(file);
      rw.exec(sql);
      rw.close();
    },
    async fingerprint() {
      const ro = new Database(file, { readonly: true });
      const content = ['customers', 'orders', 'empty_table']
        .map((t) => JSON.stringify(ro.prepare(`SELECT * FROM ${t} ORDER BY 1`).all()))
        .join('|');
      ro.close();
      return `${createHash('sha256').update(fs.readFileSync(file)).digest('hex')}:${createHash('sha256').update(content).digest('hex')}`;
    },
    scratchLeft: async () => [],
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export const BACKUP_SOURCES: Record<EngineName, () => Promise<BackupSource>> = {
  postgres: pgBackupSource,
  mysql: mysqlBackupSource,
  sqlite: () => sqliteBackupSource(),
};

/** A ResolvedSource with a backups section, through the real config loader. */
export function sourceWithBackups(
  dsn: string,
  backups: Record<string, unknown> | undefined,
  id = 'shop',
): ResolvedSource {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-bk-cfg-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ sources: [{ id, dsn, ...(backups ? { backups } : {}) }] }));
  try {
    return loadConfig({ config: file }, {}).sources[0]!;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function tempStateDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'dba-bk-state-'));
}
