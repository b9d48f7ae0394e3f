/**
 * A tools/call the client cancels (notifications/cancelled) while the database keeps it waiting
 * (another session holds a table lock) stops its work: within a few seconds no session of
 * dba-mcp is left waiting on the database, and nothing is kept (files, scratch databases).
 */
import fs from 'node:fs';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnlessReachable } from '../helpers/databases.js';
import { connect, type Harness } from '../helpers/mcp.js';
import {
  mysqlBackupSource,
  pgBackupSource,
  sourceWithBackups,
  tempStateDir,
  type BackupSource,
} from './backups.fixtures.js';

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const CALLS: [string, Record<string, unknown>][] = [
  ['propose_index', { sql: "SELECT * FROM orders WHERE note = 'x'" }],
  ['plan_migration', { sql: 'ALTER TABLE orders ALTER COLUMN note SET NOT NULL' }],
  ['create_backup', {}],
  ['check_health', {}],
  ['check_security', {}],
  ['top_queries', {}],
];

describe.skipIf(await skipUnlessReachable('postgres'))('PostgreSQL: cancelling a call that waits on a lock', () => {
  let src: BackupSource;
  let mcp: Harness;
  let locker: pg.Client;
  let admin: pg.Client;
  const stateDir = tempStateDir();
  beforeAll(async () => {
    src = await pgBackupSource();
    admin = new pg.Client({ connectionString: src.dsn });
    await admin.connect();
    await admin.query('CREATE EXTENSION IF NOT EXISTS hypopg'); // propose_index plans on a HypoPG session of its own
    const source = sourceWithBackups(src.dsn, { dir: 'backups' });
    mcp = await connect([{ ...source, mode: 'read-write' }], undefined, { stateDir });
    locker = new pg.Client({ connectionString: src.dsn });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
  });
  afterAll(async () => {
    await locker?.end().catch(() => {});
    await admin?.end().catch(() => {});
    await mcp?.close();
    await src?.drop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const waitingSessions = async () =>
    (
      await admin.query<{ pid: number; application_name: string; query: string }>(
        "SELECT pid, application_name, query FROM pg_stat_activity WHERE application_name LIKE 'dba-mcp%' AND wait_event_type = 'Lock'",
      )
    ).rows;

  for (const [tool, args] of CALLS) {
    it(`${tool}: stops waiting once cancelled`, async () => {
      const abort = new AbortController();
      const call = mcp.client.callTool({ name: tool, arguments: args }, undefined, { signal: abort.signal });
      const t0 = Date.now();
      // cancel once it waits on the lock (or after 1.5 s when it never does)
      await until(async () => (await waitingSessions()).length > 0, 1500);
      abort.abort();
      await call.catch(() => undefined);
      const clear = await until(async () => (await waitingSessions()).length === 0, 5000);
      expect({ tool, left: clear ? [] : await waitingSessions() }).toEqual({ tool, left: [] });
      expect(Date.now() - t0).toBeLessThan(10_000);
      const dir = `${stateDir}/backups`;
      expect(fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n !== 'proofs') : []).toEqual([]);
    });
  }
});

describe.skipIf(await skipUnlessReachable('mysql'))('MariaDB: cancelling a call that waits on a lock', () => {
  let src: BackupSource;
  let mcp: Harness;
  let locker: mysql.Connection;
  let admin: mysql.Connection;
  const stateDir = tempStateDir();
  beforeAll(async () => {
    src = await mysqlBackupSource();
    admin = await mysql.createConnection({ uri: src.dsn });
    const source = sourceWithBackups(src.dsn, { dir: 'backups' });
    mcp = await connect([{ ...source, mode: 'read-write' }], undefined, { stateDir });
    locker = await mysql.createConnection({ uri: src.dsn });
    await locker.query('LOCK TABLES orders WRITE');
  });
  afterAll(async () => {
    await locker?.end().catch(() => {});
    await admin?.end().catch(() => {});
    await mcp?.close();
    await src?.drop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const db = () => new URL(src.dsn).pathname.slice(1);
  const waitingSessions = async () => {
    const [rows] = await admin.query(
      "SELECT id, state, info FROM information_schema.processlist WHERE db = ? AND state LIKE '%lock%' AND id <> connection_id()",
      [db()],
    );
    return rows as { id: number; state: string; info: string }[];
  };

  for (const [tool, args] of CALLS) {
    it(`${tool}: stops waiting once cancelled`, async () => {
      const abort = new AbortController();
      const call = mcp.client.callTool({ name: tool, arguments: args }, undefined, { signal: abort.signal });
      const t0 = Date.now();
      await until(async () => (await waitingSessions()).length > 0, 1500);
      abort.abort();
      await call.catch(() => undefined);
      const clear = await until(async () => (await waitingSessions()).length === 0, 5000);
      expect({ tool, left: clear ? [] : await waitingSessions() }).toEqual({ tool, left: [] });
      expect(Date.now() - t0).toBeLessThan(10_000);
      const dir = `${stateDir}/backups`;
      expect(fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n !== 'proofs') : []).toEqual([]);
    });
  }
});
