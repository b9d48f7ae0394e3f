/**
 * Masking on every engine: sensitive columns come back as [masked] however they are selected
 * (directly, renamed, inside an expression, through a subquery), other columns and aggregates do
 * not, and the config can mask more or unmask.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_NAMES } from '../../../src/engines/registry.js';
import { MASK } from '../../../src/guards/masking.js';
import { SERVERS, skipUnlessReachable, type Scratch } from '../../helpers/databases.js';
import { connect, errorOf, type Harness } from '../../helpers/mcp.js';

type Out = { rows: unknown[][]; masked_columns: string[]; columns: { name: string }[] };

for (const engine of ENGINE_NAMES) {
  describe.skipIf(await skipUnlessReachable(engine))(`masking on ${engine}`, () => {
    let scratch: Scratch;
    let mcp: Harness;
    let table: string;
    const query = async (sql: string, harness = mcp): Promise<Out> => {
      const res = await harness.call('run_query', { sql });
      expect(errorOf(res), sql).toBeUndefined();
      return res.structuredContent as Out;
    };

    beforeAll(async () => {
      scratch = await SERVERS[engine].scratch();
      table = engine === 'sqlite' ? 'customers' : `${scratch.schema}.customers`;
      await scratch.exec(
        `CREATE TABLE ${table} (id INT PRIMARY KEY, full_name VARCHAR(50), email VARCHAR(50), phone VARCHAR(20))`,
      );
      await scratch.exec(`INSERT INTO ${table} VALUES (1, 'Ann', 'ann@example.com', '+1 555'), (2, 'Bob', NULL, NULL)`);
      mcp = await connect([scratch.source()]);
    });

    afterAll(async () => {
      await mcp?.close();
      await scratch?.drop();
    });

    it('masks sensitive columns however they are selected, and keeps NULL as NULL', async () => {
      for (const sql of [
        `SELECT id, email FROM ${table} ORDER BY id`,
        `SELECT id, email AS e FROM ${table} ORDER BY id`,
        `SELECT id, lower(email) AS x FROM ${table} ORDER BY id`,
        `SELECT * FROM (SELECT id, upper(email) AS x FROM ${table}) s ORDER BY id`,
      ]) {
        const out = await query(sql);
        // The email-derived column is always masked. (Out of a derived table, MariaDB cannot say where a
        // column comes from, so there every column of a query that touches a sensitive column is masked.)
        expect(
          out.rows.map((r) => r[1]),
          sql,
        ).toEqual([MASK, null]);
        expect(out.masked_columns, sql).toContain(out.columns[1]!.name);
      }
      expect((await query(`SELECT * FROM ${table} WHERE id = 1`)).rows).toEqual([[1, 'Ann', MASK, MASK]]);
    });

    it('leaves other columns and aggregates alone', async () => {
      expect(await query(`SELECT full_name FROM ${table} ORDER BY id`)).toMatchObject({
        rows: [['Ann'], ['Bob']],
        masked_columns: [],
      });
      expect(Number((await query(`SELECT count(*) AS n FROM ${table}`)).rows[0]![0])).toBe(2);
      expect((await query(`SELECT count(*) AS n FROM ${table}`)).masked_columns).toEqual([]);
    });

    it('masks configured columns and shows unmasked ones', async () => {
      const custom = await connect([
        scratch.source({ masking: { columns: ['customers.full_name'], unmask: ['email'] } }),
      ]);
      const out = await query(`SELECT full_name, email, phone FROM ${table} WHERE id = 1`, custom);
      await custom.close();
      expect(out.rows).toEqual([[MASK, 'ann@example.com', MASK]]);
    });

    it('masks what comes through a derived table, a CTE or a whole row', async () => {
      const through = [
        `SELECT x FROM (SELECT email AS x FROM ${table}) t WHERE x IS NOT NULL ORDER BY 1 LIMIT 1`,
        `WITH c AS (SELECT email AS q FROM ${table}) SELECT q FROM c ORDER BY 1 LIMIT 1`,
        `SELECT upper(x) AS y FROM (SELECT email AS x FROM ${table}) t ORDER BY 1 LIMIT 1`,
        ...(engine === 'postgres'
          ? [
              `SELECT c FROM ${table} c WHERE id = 1`,
              `SELECT row_to_json(c) AS j FROM ${table} c WHERE id = 1`,
              `SELECT to_jsonb(c.*) AS j FROM ${table} c WHERE id = 1`,
            ]
          : []),
      ];
      for (const sql of through) {
        const out = await query(sql);
        expect(JSON.stringify(out.rows), sql).not.toContain('example.com');
      }
    });

    // PostgreSQL quotes the value it could not convert; MySQL/MariaDB and SQLite only warn or convert
    if (engine === 'postgres')
      it('withholds the message of an error from a statement that references a masked column', async () => {
        const res = await mcp.call('run_query', { sql: `SELECT CAST(email AS int) FROM ${table} WHERE id = 1` });
        const err = errorOf(res);
        expect(err?.code).toBe('SQL_ERROR');
        expect(err?.message).toContain('SQLSTATE 22P02');
        expect(JSON.stringify(res)).not.toContain('ann@example.com');
        const plain = errorOf(
          await mcp.call('run_query', { sql: `SELECT CAST(full_name AS int) FROM ${table} WHERE id = 1` }),
        );
        expect(plain?.message).toContain('Ann'); // other columns keep the database's own message
      });

    it("refuses statistics' sample values (any column's data), and lets their other columns through", async () => {
      const refuse =
        engine === 'postgres'
          ? [
              `SELECT attname, most_common_vals::text FROM pg_stats WHERE tablename = 'customers'`,
              `SELECT * FROM pg_stats WHERE tablename = 'customers'`,
              `SELECT row_to_json(s) FROM pg_stats s WHERE tablename = 'customers'`,
              `SELECT histogram_bounds FROM pg_catalog.pg_stats`,
              `SELECT stavalues1 FROM pg_statistic`,
            ]
          : engine === 'mysql'
            ? [`SELECT min_value, max_value FROM mysql.column_stats`, `SELECT * FROM mysql.column_stats`]
            : [`SELECT sample FROM sqlite_stat4`, `SELECT * FROM sqlite_stat4`];
      if (engine === 'sqlite') await scratch.exec(`CREATE INDEX customers_email ON customers (email); ANALYZE`);
      for (const sql of refuse) expect(errorOf(await mcp.call('run_query', { sql }))?.code, sql).toBe('TABLE_DENIED');
      if (engine === 'postgres')
        expect(
          errorOf(
            await mcp.call('run_query', {
              sql: `SELECT attname, n_distinct, null_frac, correlation FROM pg_stats WHERE tablename = 'customers'`,
            }),
          ),
        ).toBeUndefined();
    });
  });
}
