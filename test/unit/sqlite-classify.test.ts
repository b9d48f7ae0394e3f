import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engines/registry.js';
import type { EngineAdapter } from '../../src/engines/contract/engine.js';
import { createLogger } from '../../src/core/logging.js';
import { SERVERS, type Scratch } from '../helpers/databases.js';

describe("SQLite classification (SQLite's own parser and program)", () => {
  let scratch: Scratch;
  let engine: EngineAdapter;

  beforeAll(async () => {
    scratch = await SERVERS.sqlite.scratch();
    await scratch.exec(`CREATE TABLE tokens (t TEXT); CREATE TABLE orders (id INTEGER PRIMARY KEY, c TEXT);
      CREATE VIEW v AS SELECT * FROM tokens; CREATE TABLE "update" ("delete" TEXT)`);
    engine = (await ENGINES.sqlite.load()).createEngine(scratch.source(), {
      logger: createLogger({ level: 'silent' }),
    });
  });

  afterAll(async () => {
    await engine?.close();
    await scratch?.drop();
  });

  it('finds the base tables behind a view and the functions called', async () => {
    const c = await engine.classify('SELECT upper(t), count(*) FROM v GROUP BY 1');
    expect(c.class).toBe('read');
    expect(c.tables).toEqual([{ schema: 'main', name: 'tokens' }]);
    expect(c.functions.sort()).toEqual(['count', 'upper']);
  });

  it('classifies by what SQLite says the statement does', async () => {
    expect((await engine.classify('DELETE FROM orders')).class).toBe('write');
    expect((await engine.classify("ATTACH '/tmp/x.db' AS x")).class).toBe('admin');
    expect((await engine.classify('PRAGMA query_only = 0')).class).toBe('admin');
    expect((await engine.classify('SELECT "delete" FROM "update"')).class).toBe('read');
    expect((await engine.classify('PRAGMA table_info(orders)')).class).toBe('read');
    expect((await engine.classify('EXPLAIN QUERY PLAN SELECT * FROM orders WHERE id = 1')).class).toBe('read');
  });

  it('refuses two statements and reports a bad name as the engine does', async () => {
    expect(await engine.classify('SELECT 1; SELECT 2')).toMatchObject({ statementCount: 2, class: 'unknown' });
    expect((await engine.classify('SELECT * FROM nope')).failure).toMatchObject({
      code: 'SQL_ERROR',
      hint: expect.stringMatching(/describe_schema/),
    });
  });
});
