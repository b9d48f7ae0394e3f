/** check_security on real engines: a staged superuser login, sensitive columns, and the least-privilege DDL. */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import { skipUnlessReachable } from '../helpers/databases.js';
import { healthSource } from '../fixtures/health/source.js';
import { stageMysql, stagePostgres, stageSqlite, type Staged, type StagedSqlite } from '../fixtures/health/staging.js';

interface Report {
  status: string;
  findings: { id: string; severity: string; message: string; evidence: Record<string, unknown>; fix: string | null }[];
  sensitive_columns: { schema: string; table: string; column: string; type: string }[];
  sensitive_column_count: number;
  readonly_login_ddl: string;
}

const report = (r: CallToolResult) => {
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return r.structuredContent as unknown as Report;
};
const finding = (r: Report, id: string) => r.findings.find((f) => f.id === id);

const skipPg = await skipUnlessReachable('postgres');
const skipMysql = await skipUnlessReachable('mysql');

describe.skipIf(skipPg)('check_security on PostgreSQL', () => {
  let staged: Staged;
  let h: Harness;
  beforeAll(async () => {
    staged = await stagePostgres();
    h = await connect([healthSource(staged.dsn, { masking: { columns: ['customers.full_name'] } })]);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await staged?.release();
  });

  it('names the staged superuser login as critical, with the fix', async () => {
    const r = report(await h.call('check_security', {}));
    const supers = finding(r, 'superuser_logins');
    expect(supers).toMatchObject({ severity: 'critical' });
    expect(supers!.evidence.roles).toContain(staged.superuser);
    expect(supers!.fix).toContain(`ALTER ROLE "${staged.superuser}" NOSUPERUSER;`);
    expect(r.status).toBe('critical');
  });

  it('inventories sensitive columns by name and by config, and flags row-level security off on their tables', async () => {
    const r = report(await h.call('check_security', {}));
    const cols = r.sensitive_columns.filter((c) => c.table === 'customers').map((c) => c.column);
    expect(cols).toEqual(['full_name', 'email', 'password_hash']);
    expect(r.sensitive_columns.some((c) => c.table === 'orders')).toBe(false);
    expect(finding(r, 'rls_off_sensitive_tables')?.evidence.tables).toContainEqual({
      table: 'public.customers',
      sensitive_columns: ['full_name', 'email', 'password_hash'],
    });
  });

  it('reports trust authentication and SSL off on this test server, and gives the least-privilege DDL for this database', async () => {
    const r = report(await h.call('check_security', {}));
    expect(finding(r, 'trust_authentication')).toMatchObject({ severity: 'critical' });
    expect(finding(r, 'ssl_off')).toBeDefined();
    expect(r.readonly_login_ddl).toContain(`GRANT CONNECT ON DATABASE "${staged.database}" TO dba_mcp;`);
    expect(r.readonly_login_ddl).toContain('pg_read_all_data');
    expect(r.readonly_login_ddl).toContain('default_transaction_read_only = on');
  });
});

describe.skipIf(skipMysql)('check_security on MariaDB', () => {
  let staged: Staged;
  let h: Harness;
  beforeAll(async () => {
    staged = await stageMysql();
    h = await connect([healthSource(staged.dsn, {}, 'db')]);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await staged?.release();
  });

  it('names the staged account with ALL PRIVILEGES (SUPER) from any host as critical', async () => {
    const r = report(await h.call('check_security', {}));
    const supers = finding(r, 'superuser_logins');
    expect(supers).toMatchObject({ severity: 'critical' });
    expect(supers!.evidence.accounts).toContain(`'${staged.superuser}'@'%'`);
    expect(supers!.fix).toContain(`REVOKE ALL PRIVILEGES, GRANT OPTION FROM '${staged.superuser}'@'%';`);
  });

  it('reports the passwordless root login over TCP, no TLS, sensitive columns, and the DDL for this database', async () => {
    const r = report(await h.call('check_security', {}));
    expect(finding(r, 'logins_without_password')?.evidence.accounts).toContainEqual({
      account: "'root'@'127.0.0.1'",
      plugin: 'mysql_native_password',
    });
    expect(finding(r, 'ssl_off')).toBeDefined();
    expect(
      r.sensitive_columns.filter((c) => c.schema === staged.database).map((c) => `${c.table}.${c.column}`),
    ).toEqual(['customers.email', 'customers.password_hash']);
    expect(finding(r, 'no_row_level_security')).toBeDefined();
    expect(r.readonly_login_ddl).toContain(`GRANT SELECT, SHOW VIEW ON \`${staged.database}\`.* TO 'dba_mcp'@'%';`);
  });
});

describe('check_security on SQLite', () => {
  let staged: StagedSqlite;
  let h: Harness;
  beforeAll(async () => {
    staged = stageSqlite();
    fs.chmodSync(staged.file, 0o644);
    h = await connect([healthSource(staged.dsn, {}, 'db')]);
  });
  afterAll(async () => {
    await h?.close();
    staged?.release();
  });

  it('judges the file permissions, lists sensitive columns, and explains there are no logins', async () => {
    const r = report(await h.call('check_security', {}));
    expect(finding(r, 'file_world_readable')).toMatchObject({ severity: 'warning', evidence: { mode: '0644' } });
    expect(finding(r, 'no_logins')).toBeDefined();
    expect(r.sensitive_columns.map((c) => `${c.table}.${c.column}`)).toEqual([
      'customers.email',
      'customers.password_hash',
    ]);
    expect(r.readonly_login_ddl).toContain('no logins');
  });

  it('has no top_queries and no sessions: UNSUPPORTED_BY_ENGINE with a hint', async () => {
    expect(errorOf(await h.call('top_queries', {}))).toMatchObject({ code: 'UNSUPPORTED_BY_ENGINE' });
  });
});
