/**
 * Layer 3: what each source's login can do beyond reading, reported from the server's own
 * catalogs, and `privilege_check: enforce` refusing an over-privileged login.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { ENGINES } from '../../src/engines/registry.js';
import { createLogger } from '../../src/core/logging.js';
import { MYSQL_URL, PG_URL, SERVERS, skipUnlessReachable, type Scratch } from '../helpers/databases.js';
import { connect, errorOf } from '../helpers/mcp.js';

const logger = createLogger({ level: 'silent' });
const suffix = randomBytes(3).toString('hex');

describe.skipIf(await skipUnlessReachable('postgres'))('PostgreSQL login posture', () => {
  const role = `dba_mcp_ro_${suffix}`;
  let scratch: Scratch;
  const admin = new pg.Client({ connectionString: PG_URL });

  beforeAll(async () => {
    scratch = await SERVERS.postgres.scratch();
    await scratch.exec(`CREATE TABLE ${scratch.schema}.t (id int); INSERT INTO ${scratch.schema}.t VALUES (1)`);
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    await admin.query(
      `GRANT USAGE ON SCHEMA ${scratch.schema} TO ${role}; GRANT SELECT ON ${scratch.schema}.t TO ${role}`,
    );
  });

  afterAll(async () => {
    await scratch?.drop();
    await admin.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    await admin.end();
  });

  it('reports a superuser login as critical', async () => {
    const engine = (await ENGINES.postgres.load()).createEngine(scratch.source(), { logger });
    const posture = await engine.posture();
    await engine.close();
    expect(posture.login).toBe('postgres');
    expect(posture.findings).toContainEqual(expect.objectContaining({ id: 'superuser', severity: 'critical' }));
  });

  it('enforce refuses a read-only source behind an over-privileged login, before any SQL runs', async () => {
    const mcp = await connect([scratch.source({ privilege_check: 'enforce' })]);
    const err = errorOf(await mcp.call('run_query', { sql: 'SELECT 1' }));
    const listed = (await mcp.call('list_sources', {})).structuredContent as {
      sources: { privileges: { findings: { id: string }[] } }[];
    };
    await mcp.close();
    expect(err?.code).toBe('PRIVILEGE_TOO_BROAD');
    expect(err?.message).toMatch(/superuser/);
    expect(listed.sources[0]!.privileges.findings.map((f) => f.id)).toContain('superuser');
  });

  it('finds nothing to report for a SELECT-only login, and enforce lets it read', async () => {
    const dsn = PG_URL.replace('postgres@', `${role}@`);
    const mcp = await connect([
      {
        ...scratch.source({ privilege_check: 'enforce' }),
        dsn,
        parsed: { ...scratch.source().parsed, normalized: dsn, url: new URL(dsn) },
      },
    ]);
    const res = await mcp.call('run_query', { sql: `SELECT id FROM ${scratch.schema}.t` });
    const engine = await mcp.sources.engine(mcp.sources.list[0]!);
    const posture = await engine.posture();
    await mcp.close();
    expect(posture).toEqual({ login: role, findings: [] });
    expect(errorOf(res)).toBeUndefined();
    expect(res.structuredContent).toMatchObject({ rows: [[1]] });
  });

  it('reports a login that may write tables as a warning', async () => {
    await admin.query(`GRANT INSERT ON ${scratch.schema}.t TO ${role}`);
    const dsn = PG_URL.replace('postgres@', `${role}@`);
    const source = scratch.source();
    const engine = (await ENGINES.postgres.load()).createEngine(
      { ...source, dsn, parsed: { ...source.parsed, normalized: dsn, url: new URL(dsn) } },
      { logger },
    );
    const posture = await engine.posture();
    await engine.close();
    expect(posture.findings).toEqual([expect.objectContaining({ id: 'can_write', severity: 'warning' })]);
  });
});

describe.skipIf(await skipUnlessReachable('mysql'))('MySQL/MariaDB login posture', () => {
  const user = `dba_mcp_ro_${suffix}`;
  let scratch: Scratch;
  let admin: mysql.Connection;

  beforeAll(async () => {
    scratch = await SERVERS.mysql.scratch();
    admin = await mysql.createConnection({ uri: MYSQL_URL });
    await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pw-${suffix}'`);
    await admin.query(`GRANT SELECT, SHOW VIEW ON ${scratch.schema}.* TO '${user}'@'%'`);
  });

  afterAll(async () => {
    await admin.query(`DROP USER '${user}'@'%'`);
    await admin.end();
    await scratch?.drop();
  });

  const postureOf = async (dsn: string) => {
    const source = scratch.source();
    const engine = (await ENGINES.mysql.load()).createEngine(
      { ...source, dsn, parsed: { ...source.parsed, normalized: dsn, url: new URL(dsn) } },
      { logger },
    );
    try {
      return await engine.posture();
    } finally {
      await engine.close();
    }
  };

  it('reports root as critical and a SELECT-only user as clean', async () => {
    const root = await postureOf(scratch.dsn);
    expect(root.findings).toContainEqual(expect.objectContaining({ id: 'all_privileges', severity: 'critical' }));
    expect(root.findings).toContainEqual(expect.objectContaining({ id: 'grant_option', severity: 'critical' }));
    const limited = await postureOf(scratch.dsn.replace('root@', `${user}:pw-${suffix}@`));
    expect(limited.findings).toEqual([]);
  });

  it('reports FILE and write grants', async () => {
    await admin.query(`GRANT FILE ON *.* TO '${user}'@'%'`);
    await admin.query(`GRANT INSERT ON ${scratch.schema}.* TO '${user}'@'%'`);
    const posture = await postureOf(scratch.dsn.replace('root@', `${user}:pw-${suffix}@`));
    expect(posture.findings.map((f) => [f.id, f.severity]).sort()).toEqual([
      ['file', 'critical'],
      ['insert', 'warning'],
    ]);
  });
});
