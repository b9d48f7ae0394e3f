/**
 * One suite, every engine: what the EngineAdapter contract promises, checked on real servers.
 * Each test gets its own scratch schema (PostgreSQL), database (MariaDB) or file (SQLite).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, ENGINE_NAMES } from '../../src/engines/registry.js';
import type { EngineAdapter } from '../../src/engines/contract/engine.js';
import { createLogger } from '../../src/core/logging.js';
import type { ToolError } from '../../src/core/errors.js';
import { SERVERS, skipUnlessReachable, type Scratch } from '../helpers/databases.js';
import { DIALECTS } from './engine-contract.fixtures.js';

const logger = createLogger({ level: 'silent' });

async function openEngine(scratch: Scratch, extra?: Record<string, unknown>): Promise<EngineAdapter> {
  const source = scratch.source(extra);
  return (await ENGINES[scratch.engine].load()).createEngine(source, { logger });
}

async function failure(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (err) {
    return err as ToolError;
  }
  throw new Error('expected the call to fail');
}

for (const name of ENGINE_NAMES) {
  const skip = await skipUnlessReachable(name);
  const dialect = DIALECTS[name];

  describe.skipIf(skip)(`engine contract: ${name}`, () => {
    let scratch: Scratch;
    let engine: EngineAdapter;
    const read = (sql: string, maxRows = 100, params?: (string | number)[]) =>
      engine.runRead({ sql, maxRows, timeoutMs: 10_000, ...(params ? { params } : {}) });

    beforeEach(async () => {
      scratch = await SERVERS[name].scratch();
      for (const sql of dialect.setup(scratch.schema)) await scratch.exec(sql);
      engine = await openEngine(scratch);
    });

    afterEach(async () => {
      await engine?.close();
      await scratch?.drop();
    });

    it('reports the server it talks to', async () => {
      const info = await engine.serverInfo();
      expect(info.engine).toBe(name);
      expect(info.version).toMatch(/^\d+\.\d+/);
      expect({ postgres: ['postgresql'], mysql: ['mysql', 'mariadb'], sqlite: ['sqlite'] }[name]).toContain(
        info.variant,
      );
    });

    it('returns values losslessly, with column names and types', async () => {
      const res = await read(dialect.values);
      const row = Object.fromEntries(res.columns.map((c, i) => [c.name, res.rows[0]![i]]));
      expect(row).toEqual(dialect.expected);
      expect(res.columns.every((c) => c.type.length > 0)).toBe(true);
      expect(res.truncated).toBe(false);
    });

    it('sets truncated exactly at the cap', async () => {
      const sql = `SELECT id FROM ${scratch.schema}.orders ORDER BY id`;
      const full = await read(sql, 30);
      expect(full.rows).toHaveLength(30);
      expect(full.truncated).toBe(false);
      const cut = await read(sql, 29);
      expect(cut.rows.map((r) => r[0])).toEqual(Array.from({ length: 29 }, (_, i) => i + 1));
      expect(cut.truncated).toBe(true);
    });

    it('binds parameters', async () => {
      const res = await read(
        `SELECT count(*) AS n FROM ${scratch.schema}.orders WHERE customer_id = ${dialect.param(1)} AND status = ${dialect.param(2)}`,
        10,
        [1, 'open'],
      );
      expect(Number(res.rows[0]![0])).toBe(
        await scratch
          .scalar(`SELECT count(*) FROM ${scratch.schema}.orders WHERE customer_id = 1 AND status = 'open'`)
          .then(Number),
      );
    });

    it('refuses writes and leaves the data as it was', async () => {
      for (const sql of dialect.writes(scratch.schema)) {
        const err = await failure(read(sql));
        expect(err.code, sql).toBe('READ_ONLY_VIOLATION');
      }
      expect(Number(await scratch.scalar(`SELECT count(*) FROM ${scratch.schema}.orders WHERE total > 0`))).toBe(30);
      expect(Number(await scratch.scalar(`SELECT count(*) FROM ${scratch.schema}.customers`))).toBe(3);
    });

    it('refuses more than one statement', async () => {
      const err = await failure(read(`SELECT 1; DELETE FROM ${scratch.schema}.orders`));
      expect(['MULTIPLE_STATEMENTS', 'SQL_SYNTAX']).toContain(err.code);
      expect(Number(await scratch.scalar(`SELECT count(*) FROM ${scratch.schema}.orders`))).toBe(30);
    });

    it('names syntax errors and unknown tables with a hint', async () => {
      const syntax = await failure(read('SELEC 1'));
      expect(syntax.code).toBe('SQL_SYNTAX');
      const missing = await failure(read(`SELECT * FROM ${scratch.schema}.no_such_table`));
      expect(missing.code).toBe('SQL_ERROR');
      expect(missing.hint).toMatch(/describe_schema/);
    });

    it('lists the scratch schema, its tables and views, sorted, with estimates', async () => {
      expect(await engine.listSchemas()).toContain(scratch.schema);
      const tables = await engine.listTables({ schema: scratch.schema });
      expect(tables.map((t) => [t.name, t.kind])).toEqual([
        ['customers', 'table'],
        ['open_orders', 'view'],
        ['orders', 'table'],
      ]);
      const orders = tables.find((t) => t.name === 'orders')!;
      expect(orders.row_estimate).toBe(30);
      expect(tables.find((t) => t.name === 'open_orders')!.row_estimate).toBeNull();
    });

    it('describes columns, keys and indexes', async () => {
      const [orders, customers] = await engine.describeTables([
        { schema: scratch.schema, name: 'orders' },
        { schema: scratch.schema, name: 'customers' },
      ]);
      expect(orders!.name).toBe('orders');
      expect(orders!.columns.map((c) => c.name)).toEqual(['id', 'customer_id', 'status', 'total', 'note']);
      expect(orders!.columns.find((c) => c.name === 'status')!.nullable).toBe(false);
      expect(orders!.columns.find((c) => c.name === 'note')!.nullable).toBe(true);
      expect(orders!.primary_key).toEqual(['id']);
      expect(orders!.foreign_keys).toEqual([
        expect.objectContaining({
          columns: ['customer_id'],
          references: { schema: scratch.schema, name: 'customers', columns: ['id'] },
          on_delete: 'CASCADE',
        }),
      ]);
      const composite = orders!.indexes.find((i) => i.name === 'orders_customer_status');
      expect(composite).toMatchObject({
        columns: ['customer_id', 'status'],
        unique: false,
        primary: false,
        valid: true,
      });
      expect(customers!.indexes.some((i) => i.unique && i.columns.join() === 'email')).toBe(true);
      expect(customers!.columns.find((c) => c.name === 'created_at')!.default).not.toBeNull();
    });

    // MariaDB has neither partial nor expression indexes.
    if (name !== 'mysql')
      it('describes partial and expression indexes', async () => {
        const [orders, customers] = await engine.describeTables([
          { schema: scratch.schema, name: 'orders' },
          { schema: scratch.schema, name: 'customers' },
        ]);
        const partial = orders!.indexes.find((i) => i.name === 'orders_open')!;
        expect(partial.predicate).toMatch(/status\s*=\s*'open'/);
        expect(customers!.indexes.find((i) => i.name === 'customers_lower_email')!.columns).toEqual(['lower(email)']);
      });

    it('leaves out relations that do not exist', async () => {
      expect(await engine.describeTables([{ schema: scratch.schema, name: 'nope' }])).toEqual([]);
    });
  });
}

describe('unreachable databases', () => {
  it('PostgreSQL on a closed port: CONNECTION_FAILED with a hint, and no throw before the first call', async () => {
    const pgMod = await ENGINES.postgres.load();
    const source = (await SERVERS.sqlite.scratch()).source();
    const down = pgMod.createEngine(
      {
        ...source,
        parsed: {
          engine: 'postgres',
          scheme: 'postgres',
          normalized: 'postgres://postgres@127.0.0.1:1/test',
          url: new URL('postgres://postgres@127.0.0.1:1/test'),
        },
      },
      { logger },
    );
    const err = await failure(down.runRead({ sql: 'SELECT 1', maxRows: 1, timeoutMs: 1000 }));
    expect(err.code).toBe('CONNECTION_FAILED');
    expect(err.hint).toMatch(/running|reachable/);
    await down.close();
  });

  it('SQLite file that does not exist: DATABASE_NOT_FOUND', async () => {
    const scratch = await SERVERS.sqlite.scratch();
    const mod = await ENGINES.sqlite.load();
    const source = scratch.source();
    const missing = mod.createEngine(
      { ...source, parsed: { ...source.parsed, file: '/nonexistent/dir/x.db' } },
      { logger },
    );
    expect((await failure(missing.runRead({ sql: 'SELECT 1', maxRows: 1, timeoutMs: 1000 }))).code).toBe(
      'DATABASE_NOT_FOUND',
    );
    await scratch.drop();
  });
});
