import { describe, expect, it } from 'vitest';
import { classifyPostgres } from '../../src/engines/postgres/core/sql/classify.js';

describe('PostgreSQL classification (libpg-query)', () => {
  it('reads: SELECT, VALUES, TABLE, SHOW, EXPLAIN without ANALYZE even of a write', async () => {
    for (const sql of [
      'SELECT 1',
      'VALUES (1)',
      'TABLE t',
      'SHOW work_mem',
      'EXPLAIN DELETE FROM t',
      'EXPLAIN (ANALYZE off) DELETE FROM t',
      'EXPLAIN ANALYZE SELECT 1',
    ]) {
      expect((await classifyPostgres(sql)).class, sql).toBe('read');
    }
  });

  it('names what makes a statement more than a read', async () => {
    expect(await classifyPostgres('WITH x AS (UPDATE t SET a = 1 RETURNING *) SELECT * FROM x')).toMatchObject({
      class: 'write',
      reasons: [expect.stringMatching(/data-modifying UPDATE/)],
    });
    expect(await classifyPostgres('SELECT * INTO t2 FROM t')).toMatchObject({ class: 'ddl' });
    expect(await classifyPostgres('SELECT * FROM t FOR NO KEY UPDATE')).toMatchObject({ class: 'write' });
    expect(await classifyPostgres('EXPLAIN (ANALYZE 1) DELETE FROM t')).toMatchObject({
      class: 'write',
      reasons: [expect.stringMatching(/EXPLAIN ANALYZE executes/), expect.stringMatching(/data-modifying DELETE/)],
    });
    expect((await classifyPostgres('DROP TABLE t')).class).toBe('ddl');
    expect((await classifyPostgres('BEGIN')).class).toBe('admin');
    expect((await classifyPostgres('COPY t TO STDOUT')).class).toBe('admin');
  });

  it('refuses anything but exactly one statement', async () => {
    expect(await classifyPostgres('SELECT 1; SELECT 2')).toMatchObject({ class: 'unknown', statementCount: 2 });
    expect(await classifyPostgres('-- only a comment')).toMatchObject({ class: 'unknown', statementCount: 0 });
    expect(await classifyPostgres('SELEC 1')).toMatchObject({
      class: 'unknown',
      statementType: 'unknown',
      reasons: [expect.stringMatching(/syntax error/)],
    });
    expect((await classifyPostgres('SELECT 1;')).class).toBe('read');
  });

  it('collects every function and operator, wherever it is, after resolving escapes', async () => {
    const c = await classifyPostgres(
      `SELECT lower(a), U&"\\0070g_sleep"(1) FROM s.f() AS x WHERE b = (SELECT max(c) FROM t) ORDER BY my.rank(d) LIMIT abs(-1)`,
    );
    expect([...c.functions].sort()).toEqual(['abs', 'lower', 'max', 'my.rank', 'operator:=', 'pg_sleep', 's.f'].sort());
    expect((await classifyPostgres('SELECT 1 OPERATOR(s.===) 1')).functions).toEqual(['operator:s.===']);
  });

  it('names the target of a change as a table even when a CTE shares its name', async () => {
    for (const sql of [
      'WITH tokens AS (SELECT 1) DELETE FROM tokens',
      "WITH tokens AS (SELECT 1) UPDATE tokens SET t = 'x'",
      'WITH tokens AS (SELECT 1) INSERT INTO tokens SELECT * FROM tokens',
    ])
      expect((await classifyPostgres(sql)).tables, sql).toContainEqual({ name: 'tokens' });
  });

  it('judges functional notation and quoted dotted names as possible calls', async () => {
    const c = await classifyPostgres('SELECT o.total_fn, (o).other_fn, "pg_catalog.abs"(1) FROM orders o');
    expect(c.functions).toEqual(
      expect.arrayContaining(['notation:total_fn', 'notation:other_fn', 'unresolvable:"pg_catalog.abs"']),
    );
  });

  it('lists the tables read, without CTE names', async () => {
    const c = await classifyPostgres(
      'WITH recent AS (SELECT * FROM orders) SELECT * FROM recent JOIN s.customers c ON true, recent r2',
    );
    expect(c.tables).toEqual(expect.arrayContaining([{ name: 'orders' }, { schema: 's', name: 'customers' }]));
    expect(c.tables).toHaveLength(2);
  });
});
