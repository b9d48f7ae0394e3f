/**
 * executeChange on real servers: a dry run reports the rows and leaves the data as it was, a real
 * run changes it, MySQL DDL is never dry-run (it commits implicitly), and the change connection is
 * not the read-only pool.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, ENGINE_NAMES } from '../../src/engines/registry.js';
import type { EngineAdapter } from '../../src/engines/contract/engine.js';
import type { ToolError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logging.js';
import { SERVERS, skipUnlessReachable, type Scratch } from '../helpers/databases.js';

const logger = createLogger({ level: 'silent' });

for (const name of ENGINE_NAMES) {
  const skip = await skipUnlessReachable(name);

  describe.skipIf(skip)(`executeChange: ${name}`, () => {
    let scratch: Scratch;
    let engine: EngineAdapter;
    let t: string;

    beforeEach(async () => {
      scratch = await SERVERS[name].scratch();
      t = name === 'sqlite' ? 'items' : `${scratch.schema}.items`;
      await scratch.exec(`CREATE TABLE ${t} (id INT PRIMARY KEY, qty INT NOT NULL)`);
      await scratch.exec(`INSERT INTO ${t} VALUES (1, 10), (2, 20), (3, 30)`);
      engine = (await ENGINES[name].load()).createEngine(scratch.source({ mode: 'read-write' }), { logger });
    });

    afterEach(async () => {
      await engine?.close();
      await scratch?.drop();
    });

    const change = async (sql: string, dryRun: boolean) => {
      const classification = await engine.classify(sql);
      return engine.executeChange(sql, { timeoutMs: 10_000, dryRun, classification });
    };

    it('a dry run reports the rows it would change and leaves the data unchanged', async () => {
      const result = await change(`UPDATE ${t} SET qty = qty + 1 WHERE id >= 2`, true);
      expect(result).toMatchObject({ rowsAffected: 2, dryRun: 'rolled-back' });
      expect(Number(await scratch.scalar(`SELECT SUM(qty) AS s FROM ${t}`))).toBe(60);
    });

    it('a real run changes the data and reports the rows', async () => {
      const result = await change(`DELETE FROM ${t} WHERE id = 1`, false);
      expect(result).toMatchObject({ rowsAffected: 1, dryRun: null });
      expect(Number(await scratch.scalar(`SELECT COUNT(*) AS n FROM ${t}`))).toBe(2);
    });

    it('a failing statement rolls back and comes back as a mapped error', async () => {
      const err = await change(`INSERT INTO ${t} VALUES (1, 1)`, false).then(
        () => undefined,
        (e: unknown) => e as ToolError,
      );
      expect(err?.code).toBe('SQL_ERROR');
      expect(Number(await scratch.scalar(`SELECT COUNT(*) AS n FROM ${t}`))).toBe(3);
    });

    it('DDL: dry run where the engine can roll it back, never where it cannot', async () => {
      const ddl = `CREATE INDEX items_qty ON ${t} (qty)`;
      const result = await change(ddl, true);
      const indexes =
        name === 'postgres'
          ? `SELECT COUNT(*) AS n FROM pg_indexes WHERE schemaname = '${scratch.schema}' AND indexname = 'items_qty'`
          : name === 'mysql'
            ? `SELECT COUNT(*) AS n FROM information_schema.statistics WHERE table_schema = '${scratch.schema}' AND index_name = 'items_qty'`
            : `SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'index' AND name = 'items_qty'`;
      if (name === 'mysql') {
        expect(result).toEqual({
          rowsAffected: null,
          dryRun: 'not-possible',
          note: expect.stringMatching(/cannot be rolled back/),
        });
      } else {
        expect(result.dryRun).toBe('rolled-back');
      }
      expect(Number(await scratch.scalar(indexes))).toBe(0);
      await change(ddl, false);
      expect(Number(await scratch.scalar(indexes))).toBe(1);
    });
  });
}
