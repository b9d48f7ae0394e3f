/**
 * A source whose database is down or refuses the login: every tool that needs the database ends
 * with CONNECTION_FAILED / AUTH_FAILED / DATABASE_NOT_FOUND and a hint, quickly, and the server
 * answers the next call. No tool reports a database it could not reach as healthy.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, type ResolvedSource } from '../../src/config/load.js';
import { MYSQL_URL, PG_URL, skipUnlessReachable } from '../helpers/databases.js';
import { connect, errorOf } from '../helpers/mcp.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function source(dsn: string): { src: ResolvedSource; stateDir: string } {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-rb-down-'));
  dirs.push(stateDir);
  const file = path.join(stateDir, 'c.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      sources: [{ id: 's', dsn, mode: 'read-write', backups: { dir: 'bk' }, limits: { connect_timeout_ms: 2000 } }],
    }),
  );
  return { src: loadConfig({ config: file }, {}).sources[0]!, stateDir };
}

const TOOLS: [string, Record<string, unknown>][] = [
  ['propose_index', { sql: 'SELECT * FROM t WHERE a = 1' }],
  ['propose_index', { workload: 'top' }],
  ['plan_migration', { sql: 'CREATE INDEX i ON t (a)' }],
  ['create_backup', {}],
  ['check_health', {}],
  ['check_health', { checks: ['connections'] }],
  ['top_queries', {}],
  ['check_security', {}],
  ['cancel_query', { pid: 123 }],
  ['terminate_session', { pid: 123 }],
];

const CASES: { name: string; engine: 'postgres' | 'mysql'; dsn: string; code: string }[] = [
  {
    name: 'PostgreSQL down',
    engine: 'postgres',
    dsn: 'postgres://postgres@127.0.0.1:1/test',
    code: 'CONNECTION_FAILED',
  },
  {
    name: 'PostgreSQL unknown role',
    engine: 'postgres',
    dsn: PG_URL.replace(/\/\/[^@/]*@/, '//dba_rb_nobody@'),
    code: 'AUTH_FAILED',
  },
  {
    name: 'PostgreSQL unknown database',
    engine: 'postgres',
    dsn: PG_URL.replace(/\/[^/]*$/, '/dba_rb_missing'),
    code: 'DATABASE_NOT_FOUND',
  },
  { name: 'MariaDB down', engine: 'mysql', dsn: 'mysql://root@127.0.0.1:1/test', code: 'CONNECTION_FAILED' },
  {
    name: 'MariaDB wrong password',
    engine: 'mysql',
    dsn: MYSQL_URL.replace(/\/\/[^@/]*@/, '//root:dba_rb_wrong@'),
    code: 'AUTH_FAILED',
  },
  {
    name: 'MariaDB unknown database',
    engine: 'mysql',
    dsn: MYSQL_URL.replace(/\/[^/]*$/, '/dba_rb_missing'),
    code: 'DATABASE_NOT_FOUND',
  },
];

for (const c of CASES) {
  describe.skipIf(await skipUnlessReachable(c.engine))(c.name, () => {
    it(`every tool ends with ${c.code} and a hint, and the server goes on`, async () => {
      const { src, stateDir } = source(c.dsn);
      const mcp = await connect([src], undefined, { stateDir });
      try {
        for (const [name, args] of TOOLS) {
          const t0 = Date.now();
          const err = errorOf(await mcp.call(name, args));
          expect({ name, args, code: err?.code }).toEqual({ name, args, code: c.code });
          expect(err!.hint.length).toBeGreaterThan(10);
          expect(Date.now() - t0).toBeLessThan(10_000);
        }
        // the file-only tools still answer, and say the server could not be reached
        const backups = await mcp.call('check_backups', {});
        expect(errorOf(backups)).toBeUndefined();
        expect(JSON.stringify(backups.structuredContent)).toContain(c.code);
      } finally {
        await mcp.close();
      }
    });
  });
}
