/**
 * A database connection that dies under a running query (the backend terminated, the server shut
 * down) fails that call with a clear error; the process stays up and the next call is answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PG_URL, SERVERS, skipUnlessReachable, type Scratch } from '../helpers/databases.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';

const skip = await skipUnlessReachable('postgres');

describe.skipIf(skip)('PostgreSQL: a connection killed under a running query', () => {
  let scratch: Scratch;
  let mcp: Harness;
  let admin: pg.Client;

  beforeAll(async () => {
    scratch = await SERVERS.postgres.scratch();
    mcp = await connect([scratch.source({ limits: { statement_timeout_ms: 20_000 } })]);
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
    await mcp?.close();
    await scratch?.drop();
  });

  it('ends that call with an error and code, and answers the next call', async () => {
    const marker = `dying_${Date.now()}`;
    const running = mcp.call('run_query', {
      sql: `SELECT count(*) AS ${marker} FROM generate_series(1, 400000000) g`,
    });
    // wait until the statement runs, then kill its backend
    let killed = 0;
    for (let i = 0; i < 100 && killed === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const r = await admin.query(
        `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`,
        [`%AS ${marker} FROM generate_series%`],
      );
      killed = Number(r.rows[0].n);
    }
    expect(killed).toBe(1);
    const err = errorOf(await running);
    expect(err?.code).toBe('CONNECTION_FAILED');
    expect(err?.hint).toBeTruthy();
    const next = await mcp.call('run_query', { sql: 'SELECT 1 AS one' });
    expect(errorOf(next)).toBeUndefined();
    expect(next.structuredContent).toMatchObject({ rows: [[1]] });
  });

  it('a value past what Node can hold as a string fails the call with RESULT_TOO_LARGE, and the server goes on', async () => {
    const big = await mcp.call('run_query', { sql: `SELECT repeat('x', 600000000) AS big` });
    expect(errorOf(big)?.code).toBe('RESULT_TOO_LARGE');
    const next = await mcp.call('run_query', { sql: 'SELECT 2 AS two' });
    expect(next.structuredContent).toMatchObject({ rows: [[2]] });
  });
});
