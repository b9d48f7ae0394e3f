/**
 * A database that is slow or blocked: each tool ends within bounded time with QUERY_TIMEOUT (or
 * an answer that says what it could not do), and leaves no session, file or lock behind.
 * Here another session holds a table lock (PostgreSQL ACCESS EXCLUSIVE, MariaDB LOCK TABLES
 * WRITE) and the source's limits.statement_timeout_ms is small.
 */
import fs from 'node:fs';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { skipUnlessReachable } from '../helpers/databases.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import {
  mysqlBackupSource,
  pgBackupSource,
  sourceWithBackups,
  tempStateDir,
  type BackupSource,
} from './backups.fixtures.js';

/** Polls until `check` is true (or the deadline passes); returns its last value. */
async function until(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function withBackupsAndLimits(dsn: string) {
  const src = sourceWithBackups(dsn, { dir: 'backups' });
  return { ...src, mode: 'read-write' as const, limits: { ...src.limits, statement_timeout_ms: 300 } };
}

describe.skipIf(await skipUnlessReachable('postgres'))('PostgreSQL: create_backup behind a table lock', () => {
  let src: BackupSource | undefined;
  let mcp: Harness | undefined;
  let locker: pg.Client | undefined;
  const stateDir = tempStateDir();
  afterAll(async () => {
    await locker?.end().catch(() => {});
    await mcp?.close();
    await src?.drop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('ends with QUERY_TIMEOUT within bounded time, keeps no file and leaves no waiting session', async () => {
    src = await pgBackupSource();
    locker = new pg.Client({ connectionString: src.dsn });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
    mcp = await connect([withBackupsAndLimits(src.dsn)], undefined, { stateDir });
    const t0 = Date.now();
    const res = await mcp.client.callTool({ name: 'create_backup', arguments: {} }, undefined, { timeout: 20_000 });
    const err = errorOf(res as never);
    expect(err?.code).toBe('QUERY_TIMEOUT');
    expect(err?.hint).toMatch(/lock/i);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const dir = `${stateDir}/backups`;
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
    const waiting = async () =>
      Number(
        (await locker!.query("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'dba-mcp-backup'"))
          .rows[0].n,
      );
    expect(await until(async () => (await waiting()) === 0)).toBe(true);
    // plan_migration's dry run waits on the same lock: stopped at its bound, and says how long in words that fit
    const planned = await mcp.call('plan_migration', { sql: 'ALTER TABLE orders ADD COLUMN flag int' });
    expect(errorOf(planned)).toBeUndefined();
    const dryRun = (planned.structuredContent as { dry_run: { reason: string | null } }).dry_run;
    expect(dryRun.reason).toMatch(/ran longer than the dry run's 300 ms bound/);
    await locker.query('ROLLBACK');
    // the server answers the next call
    const next = await mcp.call('check_backups', {});
    expect(errorOf(next)).toBeUndefined();
  });
});

describe.skipIf(await skipUnlessReachable('mysql'))('MariaDB: create_backup behind a table lock', () => {
  let src: BackupSource | undefined;
  let mcp: Harness | undefined;
  let locker: mysql.Connection | undefined;
  const stateDir = tempStateDir();
  afterAll(async () => {
    await locker?.end().catch(() => {});
    await mcp?.close();
    await src?.drop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('ends with QUERY_TIMEOUT within bounded time, keeps no file and leaves no waiting session', async () => {
    src = await mysqlBackupSource();
    locker = await mysql.createConnection({ uri: src.dsn });
    await locker.query('LOCK TABLES orders WRITE');
    mcp = await connect([withBackupsAndLimits(src.dsn)], undefined, { stateDir });
    const t0 = Date.now();
    const res = await mcp.client.callTool({ name: 'create_backup', arguments: {} }, undefined, { timeout: 20_000 });
    const err = errorOf(res as never);
    expect(err?.code).toBe('QUERY_TIMEOUT');
    expect(err?.hint).toMatch(/lock/i);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const dir = `${stateDir}/backups`;
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
    const db = new URL(src.dsn).pathname.slice(1);
    const waiting = async () => {
      const [rows] = await locker!.query(
        "SELECT count(*) AS n FROM information_schema.processlist WHERE db = ? AND state LIKE '%lock%' AND id <> connection_id()",
        [db],
      );
      return Number((rows as { n: number }[])[0]!.n);
    };
    expect(await until(async () => (await waiting()) === 0)).toBe(true);
    await locker.query('UNLOCK TABLES');
    const next = await mcp.call('check_backups', {});
    expect(errorOf(next)).toBeUndefined();
  });
});
