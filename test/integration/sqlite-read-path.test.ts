/**
 * The SQLite read path's own backstops, with no classifier in front: a runaway statement is
 * stopped at the timeout or on cancel without blocking the server, and non-reads are refused by
 * SQLite's own verdict.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engines/registry.js';
import type { EngineAdapter } from '../../src/engines/contract/engine.js';
import { createLogger } from '../../src/core/logging.js';
import { SERVERS, type Scratch } from '../helpers/databases.js';

const RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

describe('SQLite read path', () => {
  let scratch: Scratch;
  let engine: EngineAdapter;

  beforeAll(async () => {
    scratch = await SERVERS.sqlite.scratch();
    await scratch.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a'), ('b')");
    engine = (await ENGINES.sqlite.load()).createEngine(scratch.source(), {
      logger: createLogger({ level: 'silent' }),
    });
  });

  afterAll(async () => {
    await engine?.close();
    await scratch?.drop();
  });

  it('stops a runaway statement at the timeout, and the event loop stays free meanwhile', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    const started = Date.now();
    await expect(engine.runRead({ sql: RUNAWAY, maxRows: 1, timeoutMs: 400 })).rejects.toMatchObject({
      code: 'QUERY_TIMEOUT',
    });
    clearInterval(ticker);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(ticks).toBeGreaterThan(5);
    expect((await engine.runRead({ sql: 'SELECT count(*) FROM t', maxRows: 1, timeoutMs: 1000 })).rows).toEqual([[2]]);
  });

  it('stops a runaway statement when the caller cancels', async () => {
    const controller = new AbortController();
    const pending = engine.runRead({ sql: RUNAWAY, maxRows: 1, timeoutMs: 30_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toMatchObject({ code: 'QUERY_CANCELLED' });
    expect((await engine.runRead({ sql: 'SELECT v FROM t ORDER BY id', maxRows: 5, timeoutMs: 1000 })).rows).toEqual([
      ['a'],
      ['b'],
    ]);
  });

  it('refuses what SQLite itself says is not a read, and the file is unchanged', async () => {
    for (const sql of [
      'DELETE FROM t',
      "ATTACH DATABASE '/tmp/dba_mcp_attach.db' AS x",
      "VACUUM INTO '/tmp/dba_mcp_copy.db'",
      'PRAGMA query_only = 0',
      'CREATE TEMP VIEW t2 AS SELECT 1',
      'BEGIN',
    ]) {
      await expect(engine.runRead({ sql, maxRows: 5, timeoutMs: 1000 }), sql).rejects.toMatchObject({
        code: 'READ_ONLY_VIOLATION',
      });
    }
    await expect(
      engine.runRead({ sql: "SELECT load_extension('/tmp/nope')", maxRows: 1, timeoutMs: 1000 }),
    ).rejects.toMatchObject({ code: 'SQL_ERROR' });
    expect(Number(await scratch.scalar('SELECT count(*) FROM t'))).toBe(2);
  });

  it('queues reads and answers each', async () => {
    const results = await Promise.all(
      [1, 2, 3].map((n) => engine.runRead({ sql: `SELECT ${n}`, maxRows: 1, timeoutMs: 1000 })),
    );
    expect(results.map((r) => r.rows[0]![0])).toEqual([1, 2, 3]);
  });
});
