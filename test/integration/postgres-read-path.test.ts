/**
 * The PostgreSQL read path's own backstops, with no classifier in front: a statement that changes
 * the session cannot leave that change behind for the next call on a pooled connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { ENGINES } from '../../src/engines/registry.js';
import type { EngineAdapter } from '../../src/engines/contract/engine.js';
import { createLogger } from '../../src/core/logging.js';
import { PG_URL, SERVERS, skipUnlessReachable, type Scratch } from '../helpers/databases.js';

const skip = await skipUnlessReachable('postgres');

describe.skipIf(skip)('PostgreSQL read path', () => {
  let scratch: Scratch;
  let engine: EngineAdapter;
  const read = (sql: string, timeoutMs = 5000) => engine.runRead({ sql, maxRows: 10, timeoutMs });

  beforeAll(async () => {
    scratch = await SERVERS.postgres.scratch();
    await scratch.exec(`CREATE TABLE ${scratch.schema}.t (id int)`);
    engine = (await ENGINES.postgres.load()).createEngine(
      scratch.source({ limits: { pool_size: 2, statement_timeout_ms: 5000 } }),
      { logger: createLogger({ level: 'silent' }) },
    );
  });

  afterAll(async () => {
    await engine?.close();
    await scratch?.drop();
  });

  it('undoes a session setting a statement changed, on every pooled connection', async () => {
    await read(`SELECT set_config('default_transaction_read_only', 'off', false)`);
    await read(`SELECT set_config('statement_timeout', '0', false)`);
    for (let i = 0; i < 6; i++) {
      const res = await read(
        `SELECT current_setting('default_transaction_read_only'), current_setting('statement_timeout'), pg_backend_pid()`,
      );
      expect(res.rows[0]!.slice(0, 2)).toEqual(['on', '5s']);
    }
    await expect(read(`INSERT INTO ${scratch.schema}.t VALUES (1)`)).rejects.toMatchObject({
      code: 'READ_ONLY_VIOLATION',
    });
    expect(Number(await scratch.scalar(`SELECT count(*) FROM ${scratch.schema}.t`))).toBe(0);
  });

  it('reads strings as the classifier does (standard_conforming_strings on) even where the database defaults to off', async () => {
    const db = `dba_scs_${process.pid}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    let legacy: EngineAdapter | undefined;
    try {
      await admin.query(`CREATE DATABASE ${db}`);
      await admin.query(`ALTER DATABASE ${db} SET standard_conforming_strings = off`);
      const url = new URL(PG_URL);
      url.pathname = `/${db}`;
      legacy = (await ENGINES.postgres.load()).createEngine(scratch.source({ dsn: url.toString() }), {
        logger: createLogger({ level: 'silent' }),
      });
      const backslash = '\\';
      const res = await legacy.runRead({
        sql: `SELECT current_setting('standard_conforming_strings'), length('a${backslash}b')`,
        maxRows: 1,
        timeoutMs: 5000,
      });
      expect(res.rows[0]).toEqual(['on', 3]);
    } finally {
      await legacy?.close();
      await admin.query(`DROP DATABASE IF EXISTS ${db}`);
      await admin.end();
    }
  });

  it('releases advisory locks a statement took', async () => {
    await read('SELECT pg_advisory_lock(4242)');
    await new Promise((r) => setTimeout(r, 200)); // the reset runs right after the answer
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const held = await admin.query(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242`,
    );
    await admin.end();
    expect(held.rows[0].n).toBe(0);
  });

  it('stops a statement at the source timeout, and at a shorter per-call one', async () => {
    const started = Date.now();
    await expect(read('SELECT pg_sleep(3)', 300)).rejects.toMatchObject({ code: 'QUERY_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await read('SELECT 1')).rows).toEqual([[1]]);
  });

  it('cancels the statement on the server when the caller aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = engine.runRead({
      sql: 'SELECT pg_sleep(4)',
      maxRows: 1,
      timeoutMs: 5000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    await expect(pending).rejects.toMatchObject({ code: 'QUERY_CANCELLED' });
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('does not fetch past the cap: the server stops at max rows + 1', async () => {
    // A streamed 100M-row result: fetched whole it would take far longer than the statement timeout.
    const started = Date.now();
    const res = await engine.runRead({ sql: 'SELECT generate_series(1, 100000000) AS g', maxRows: 3, timeoutMs: 5000 });
    expect(res.rows).toEqual([[1], [2], [3]]);
    expect(res.truncated).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
