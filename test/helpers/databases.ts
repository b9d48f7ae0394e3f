/**
 * Real database servers for the tests, and a scratch namespace per test: a PostgreSQL schema,
 * a MariaDB/MySQL database, or a SQLite temp file. A server that is down fails the tests in CI
 * and skips them elsewhere, with the reason printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { loadConfig, type ResolvedSource } from '../../src/config/load.js';
import type { EngineName } from '../../src/engines/registry.js';

export const PG_URL = process.env.DBA_MCP_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL = process.env.DBA_MCP_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306/test';

export interface Scratch {
  engine: EngineName;
  /** The namespace the test's objects live in: qualify names with it. */
  schema: string;
  dsn: string;
  source(yamlExtra?: Record<string, unknown>): ResolvedSource;
  /** Runs setup SQL with full rights (not through dba-mcp). */
  exec(sql: string): Promise<void>;
  /** Reads a single value with full rights, to check the database after a test. */
  scalar(sql: string): Promise<unknown>;
  drop(): Promise<void>;
}

const id = () => `t_${randomBytes(4).toString('hex')}`;

function sourceFor(dsn: string, extra: Record<string, unknown> = {}): ResolvedSource {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-src-'));
  const file = path.join(dir, 'c.json');
  fs.writeFileSync(file, JSON.stringify({ sources: [{ id: 'scratch', dsn, ...extra }] }));
  return loadConfig({ config: file }, {}).sources[0]!;
}

async function probe(check: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await check();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export const SERVERS: Record<EngineName, { reachable(): Promise<string | undefined>; scratch(): Promise<Scratch> }> = {
  sqlite: {
    reachable: async () => undefined,
    async scratch() {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-sqlite-')), 'scratch.db');
      const admin = new Database(file);
      return {
        engine: 'sqlite',
        schema: 'main',
        dsn: `sqlite://${file}`,
        source: (extra) => sourceFor(`sqlite://${file}`, extra),
        exec: async (sql) => void admin.exec(sql),
        scalar: async (sql) => Object.values(admin.prepare(sql).get() as object)[0],
        drop: async () => {
          admin.close();
          fs.rmSync(path.dirname(file), { recursive: true, force: true });
        },
      };
    },
  },
  postgres: {
    reachable: () =>
      probe(async () => {
        const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
        await c.connect();
        await c.end();
      }),
    async scratch() {
      const schema = id();
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      return {
        engine: 'postgres',
        schema,
        dsn: PG_URL,
        source: (extra) => sourceFor(PG_URL, extra),
        exec: async (sql) => void (await admin.query(sql)),
        scalar: async (sql) => Object.values((await admin.query(sql)).rows[0] ?? {})[0],
        drop: async () => {
          await admin.query(`DROP SCHEMA ${schema} CASCADE`);
          await admin.end();
        },
      };
    },
  },
  mysql: {
    reachable: () =>
      probe(async () => {
        const c = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 3000 });
        await c.end();
      }),
    async scratch() {
      const schema = id();
      const admin = await mysql.createConnection({ uri: MYSQL_URL, multipleStatements: true });
      await admin.query(`CREATE DATABASE ${schema}`);
      const dsn = MYSQL_URL.replace(/\/[^/]*$/, `/${schema}`);
      return {
        engine: 'mysql',
        schema,
        dsn,
        source: (extra) => sourceFor(dsn, extra),
        exec: async (sql) => void (await admin.query(sql)),
        scalar: async (sql) => {
          const [rows] = await admin.query(sql);
          return Object.values((rows as Record<string, unknown>[])[0] ?? {})[0];
        },
        drop: async () => {
          await admin.query(`DROP DATABASE ${schema}`);
          await admin.end();
        },
      };
    },
  },
};

/**
 * Whether to skip an engine's tests: never in CI (a missing server must fail there), and
 * elsewhere only with the reason printed.
 */
export async function skipUnlessReachable(engine: EngineName): Promise<boolean> {
  const reason = await SERVERS[engine].reachable();
  if (!reason) return false;
  if (process.env.CI) return false;
  process.stderr.write(`[skip] ${engine} tests: server unreachable (${reason}); set CI=1 to make this a failure\n`);
  return true;
}
