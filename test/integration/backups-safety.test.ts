/**
 * Backups that must not hurt: a MariaDB dump that would switch to another database (made with
 * --databases) is never fed to the client; a least-privilege read-only PostgreSQL login can back
 * up but needs backups.scratch_dsn to verify, and says so; a SQLite source in WAL mode is backed
 * up with its not yet checkpointed commits. The sources stay unchanged.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, skipUnlessReachable } from '../helpers/databases.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import {
  mysqlBackupSource,
  pgBackupSource,
  sourceWithBackups,
  sqliteBackupSource,
  tempStateDir,
} from './backups.fixtures.js';

const harnesses: Harness[] = [];
afterAll(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

async function harness(dsn: string, backups: Record<string, unknown>, stateDir: string): Promise<Harness> {
  const mcp = await connect([sourceWithBackups(dsn, backups)], undefined, { stateDir });
  harnesses.push(mcp);
  return mcp;
}

async function ok(mcp: Harness, name: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const res = await mcp.call(name, args);
  const err = errorOf(res);
  if (err) throw new Error(`${name}: ${err.code} ${err.message}`);
  return res.structuredContent as Record<string, unknown>;
}

describe.skipIf(await skipUnlessReachable('mysql'))('a MariaDB dump that leaves the scratch schema', () => {
  it('is refused before anything runs, and the source database is untouched', async () => {
    const src = await mysqlBackupSource();
    const stateDir = tempStateDir();
    try {
      const before = await src.fingerprint();
      const dir = path.join(stateDir, 'backups');
      fs.mkdirSync(dir);
      const database = new URL(src.dsn).pathname.slice(1);
      // --databases writes CREATE DATABASE and USE `<source>`: fed to the client it would restore into the source itself.
      const dump = spawnSync(
        'mariadb-dump',
        ['--no-defaults', '-h127.0.0.1', '-uroot', '--single-transaction', '--add-drop-table', '--databases', database],
        { encoding: 'utf8' },
      );
      expect(dump.status).toBe(0);
      fs.writeFileSync(
        path.join(dir, 'shop-all.sql'),
        dump.stdout.replace(/INSERT INTO `customers` VALUES \(1,/, 'INSERT INTO `customers` VALUES (1000001,'),
      );
      const mcp = await harness(src.dsn, { dir: 'backups', max_age_hours: 24 }, stateDir);
      const out = await ok(mcp, 'verify_backup', { backup: 'shop-all.sql' });
      expect(out.status).toBe('failed');
      expect(out.reason).toMatch(
        /would not stay in the scratch schema.*line \d+ switches to, creates or drops a database: (CREATE DATABASE|USE)/s,
      );
      expect(await src.fingerprint()).toBe(before);
      expect(await src.scratchLeft()).toEqual([]);
    } finally {
      await src.drop();
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(await skipUnlessReachable('mysql'))('MariaDB dumps that would write outside the scratch schema', () => {
  it('refuses a backup whose trigger names the source database, and the source keeps its data and triggers', async () => {
    const src = await mysqlBackupSource();
    const stateDir = tempStateDir();
    const database = new URL(src.dsn).pathname.slice(1);
    try {
      // Created with its database name, the trigger is dumped that way: restored, it would land in the source.
      await src.exec(
        `CREATE TRIGGER ${database}.orders_guard BEFORE INSERT ON ${database}.orders FOR EACH ROW SET NEW.note = NEW.note`,
      );
      const before = await src.fingerprint();
      const mcp = await harness(src.dsn, { dir: 'backups', max_age_hours: 24 }, stateDir);
      await ok(mcp, 'create_backup');
      const out = await ok(mcp, 'verify_backup');
      expect(out.status).toBe('failed');
      expect(out.reason).toMatch(
        /would not stay in the scratch schema.*writes to a table, view or trigger in a named database/s,
      );
      expect(await src.fingerprint()).toBe(before);
      expect(await src.scratchLeft()).toEqual([]);
    } finally {
      await src.drop();
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('runs no client command from the file (no shell escape)', async () => {
    const src = await mysqlBackupSource();
    const stateDir = tempStateDir();
    const marker = path.join(stateDir, 'shell-ran');
    try {
      const mcp = await harness(src.dsn, { dir: 'backups', max_age_hours: 24 }, stateDir);
      const created = await ok(mcp, 'create_backup');
      const file = created.path as string;
      const text = fs
        .readFileSync(file, 'utf8')
        .replace(/^\/\*M!999999\\- enable the sandbox mode \*\/ ?\n/, '') // an attacker leaves out MariaDB's own guard
        .replace(/^(DROP TABLE IF EXISTS `customers`;)$/m, `$1\n\\! touch ${marker}\nsystem touch ${marker}`);
      fs.writeFileSync(file, text);
      fs.rmSync(`${file}.manifest.json`);
      const out = await ok(mcp, 'verify_backup');
      expect(out.status).toBe('failed');
      expect(out.reason).toMatch(/the mariadb client: .*(Unknown command|Not allowed|syntax)/is);
      expect(fs.existsSync(marker)).toBe(false);
      expect(await src.scratchLeft()).toEqual([]);
    } finally {
      await src.drop();
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(await skipUnlessReachable('postgres'))('a least-privilege read-only PostgreSQL login', () => {
  it('backs up; verifying needs scratch_dsn, and says so; with it the backup is verified', async () => {
    const src = await pgBackupSource();
    const role = `dba_bk_ro_${randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const stateDir = tempStateDir();
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
      await admin.query(`GRANT pg_read_all_data TO ${role}`);
      await admin.query(`ALTER ROLE ${role} SET default_transaction_read_only = on`);
      const before = await src.fingerprint();
      const dsn = src.dsn.replace('postgres://postgres@', `postgres://${role}@`);

      const plain = await harness(dsn, { dir: 'backups', max_age_hours: 24 }, stateDir);
      const created = await ok(plain, 'create_backup');
      expect(created.row_count_total).toBe(6300);
      const refused = errorOf(await plain.call('verify_backup', {}));
      expect(refused).toMatchObject({
        code: 'PERMISSION_DENIED',
        message: expect.stringMatching(/cannot create the scratch database dba_bk_/),
        hint: expect.stringContaining('backups.scratch_dsn'),
      });

      const withScratch = await harness(dsn, { dir: 'backups', max_age_hours: 24, scratch_dsn: PG_URL }, stateDir);
      expect(await ok(withScratch, 'verify_backup')).toMatchObject({ status: 'verified', tables_matched: 4 });
      expect((await ok(withScratch, 'check_backups')).status).toBe('ok');
      expect(await src.fingerprint()).toBe(before);
      expect(await src.scratchLeft()).toEqual([]);
    } finally {
      await src.drop();
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describe('a SQLite source in WAL mode', () => {
  it('is backed up with the commits still in its -wal file', async () => {
    const src = await sqliteBackupSource({ wal: true });
    const file = new URL(src.dsn.replace('sqlite://', 'file://')).pathname;
    const writer = new Database(file);
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('INSERT INTO customers SELECT id + 5000, name, country FROM customers WHERE id <= 250');
    const stateDir = tempStateDir();
    try {
      expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0);
      const mcp = await harness(src.dsn, { dir: 'backups', max_age_hours: 24 }, stateDir);
      const created = await ok(mcp, 'create_backup');
      expect(created.tables).toContainEqual({ table: 'customers', rows: 1250 });
      expect(await ok(mcp, 'verify_backup')).toMatchObject({ status: 'verified', rows_restored: 6250 });
      const checked = await ok(mcp, 'check_backups');
      expect(checked.checks).toContainEqual(
        expect.objectContaining({
          id: 'journal_mode',
          status: 'ok',
          message: expect.stringContaining('journal_mode is wal'),
        }),
      );
    } finally {
      writer.close();
      await src.drop();
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
