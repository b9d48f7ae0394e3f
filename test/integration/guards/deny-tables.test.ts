/**
 * deny_tables on every engine: a denied table cannot be read directly, through a view or a view
 * of a view, and is hidden from describe_schema and the resources; a CTE that only shares its
 * name is not a read of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_NAMES } from '../../../src/engines/registry.js';
import { SERVERS, skipUnlessReachable, type Scratch } from '../../helpers/databases.js';
import { connect, errorOf, type Harness } from '../../helpers/mcp.js';
import { nullAuditSink, type AuditEntry, type AuditSink } from '../../../src/audit/index.js';

for (const engine of ENGINE_NAMES) {
  describe.skipIf(await skipUnlessReachable(engine))(`deny_tables on ${engine}`, () => {
    let scratch: Scratch;
    let mcp: Harness;
    const q = (name: string) => `${scratch.schema}.${name}`;

    beforeAll(async () => {
      scratch = await SERVERS[engine].scratch();
      const s = scratch.schema;
      const ddl =
        engine === 'sqlite'
          ? [
              `CREATE TABLE tokens (t TEXT)`,
              `INSERT INTO tokens VALUES ('tok_live_secret')`,
              `CREATE TABLE orders (id INT)`,
              `INSERT INTO orders VALUES (1)`,
              `CREATE VIEW v1 AS SELECT * FROM tokens`,
              `CREATE VIEW v2 AS SELECT t FROM v1`,
            ]
          : [
              `CREATE TABLE ${s}.tokens (t TEXT)`,
              `INSERT INTO ${s}.tokens VALUES ('tok_live_secret')`,
              `CREATE TABLE ${s}.orders (id INT)`,
              `INSERT INTO ${s}.orders VALUES (1)`,
              `CREATE VIEW ${s}.v1 AS SELECT * FROM ${s}.tokens`,
              `CREATE VIEW ${s}.v2 AS SELECT t FROM ${s}.v1`,
            ];
      for (const sql of ddl) await scratch.exec(sql);
      mcp = await connect([scratch.source({ deny_tables: ['*.tokens'] })]);
    });

    afterAll(async () => {
      await mcp?.close();
      await scratch?.drop();
    });

    it('refuses the table itself, a view of it, and a view of that view', async () => {
      for (const sql of [
        `SELECT * FROM ${q('tokens')}`,
        `SELECT * FROM ${q('v1')}`,
        `SELECT upper(t) FROM ${q('v2')}`,
        `SELECT 1 FROM ${q('orders')} WHERE EXISTS (SELECT 1 FROM ${q('tokens')})`,
      ]) {
        const err = errorOf(await mcp.call('run_query', { sql }));
        expect(err?.code, sql).toBe('TABLE_DENIED');
      }
    });

    if (engine === 'mysql')
      it('refuses SHOW forms that describe the table (MySQL/MariaDB)', async () => {
        for (const sql of [
          `SHOW INDEX FROM ${q('tokens')}`,
          `SHOW KEYS FROM tokens FROM ${scratch.schema}`,
          `SHOW COLUMNS FROM ${q('tokens')}`,
          `SHOW CREATE TABLE ${q('tokens')}`,
          `SHOW CREATE TABLE /* c */ ${q('tokens')}`,
          `SHOW INDEX FROM nosuchdb.tokens FROM ${scratch.schema}`,
          `SHOW TABLES FROM ${scratch.schema} WHERE (SELECT COUNT(*) FROM ${q('tokens')}) > 0`,
        ]) {
          const err = errorOf(await mcp.call('run_query', { sql }));
          expect(err?.code, sql).toBe('TABLE_DENIED');
        }
        expect(errorOf(await mcp.call('run_query', { sql: `SHOW INDEX FROM ${q('orders')}` }))).toBeUndefined();
      });

    it('a CTE named like a denied table hides nothing: inside its own body, and beside it, the name is the table', async () => {
      const t = engine === 'sqlite' ? 'tokens' : q('tokens');
      const bare = engine === 'mysql'; // unqualified names resolve in the source's database (SQLite refuses a CTE naming itself)
      const shadows = [
        `WITH x AS (SELECT * FROM ${t}) SELECT * FROM x`,
        ...(bare
          ? [
              `WITH tokens AS (SELECT * FROM tokens) SELECT * FROM tokens`,
              `SELECT * FROM tokens, (WITH tokens AS (SELECT 1 AS one) SELECT * FROM tokens) x`,
              `WITH a AS (SELECT * FROM tokens), tokens AS (SELECT 1 AS one) SELECT * FROM a`,
            ]
          : []),
      ];
      for (const sql of shadows) {
        const result = await mcp.call('run_query', { sql });
        expect(errorOf(result)?.code, sql).toBe('TABLE_DENIED');
        expect(JSON.stringify(result), sql).not.toContain('tok_live_secret');
      }
    });

    it('lets other tables, and a CTE that only shares the name, through', async () => {
      expect(errorOf(await mcp.call('run_query', { sql: `SELECT id FROM ${q('orders')}` }))).toBeUndefined();
      const cte = await mcp.call('run_query', { sql: `WITH tokens AS (SELECT 42 AS t) SELECT t FROM tokens` });
      expect(errorOf(cte)).toBeUndefined();
      expect(cte.structuredContent).toMatchObject({ rows: [[42]] });
    });

    it('refuses a change to a denied table and lets a change to another table through to approval', async () => {
      const rw = await connect([scratch.source({ deny_tables: ['*.tokens'], mode: 'read-write' })]);
      try {
        expect(errorOf(await rw.call('request_change', { sql: `DELETE FROM ${q('tokens')}` }))?.code).toBe(
          'TABLE_DENIED',
        );
        expect(
          errorOf(
            await rw.call('request_change', {
              sql: `UPDATE ${q('orders')} SET id = 2 WHERE id IN (SELECT 1 FROM ${q('tokens')})`,
            }),
          )?.code,
        ).toBe('TABLE_DENIED');
        if (engine === 'postgres')
          expect(
            errorOf(
              await rw.call('request_change', {
                sql: `WITH tokens AS (SELECT 1) DELETE FROM ${q('tokens')} WHERE t IN (SELECT 'x' FROM tokens)`,
              }),
            )?.code,
          ).toBe('TABLE_DENIED');
        const throughView = errorOf(await rw.call('request_change', { sql: `UPDATE ${q('v1')} SET t = 'x'` }));
        if (engine === 'sqlite')
          expect(throughView).toBeDefined(); // a SQLite view cannot be updated without a trigger
        else expect(throughView?.code).toBe('TABLE_DENIED');
        const allowed = await rw.call('request_change', { sql: `UPDATE ${q('orders')} SET id = 2 WHERE id = 1` });
        expect(errorOf(allowed)).toBeUndefined();
        expect(allowed.structuredContent).toMatchObject({ status: 'pending' });
      } finally {
        await rw.close();
      }
    });

    it('records a refusal by a tool as denied, like a guard denial (propose_index on a denied table)', async () => {
      const entries: AuditEntry[] = [];
      const capture: AuditSink = { ...nullAuditSink, record: async (e) => void entries.push(e) };
      const audited = await connect([scratch.source({ deny_tables: ['*.tokens'] })], capture);
      try {
        const guarded = await audited.call('run_query', { sql: `SELECT * FROM ${q('tokens')}` });
        const byTool = await audited.call('propose_index', { queries: [`SELECT * FROM ${q('tokens')} WHERE t = 'x'`] });
        expect(errorOf(guarded)?.code).toBe('TABLE_DENIED');
        expect(errorOf(byTool)?.code).toBe('TABLE_DENIED');
        expect(entries.map((e) => [e.name, e.outcome, e.errorCode])).toEqual([
          ['run_query', 'denied', 'TABLE_DENIED'],
          ['propose_index', 'denied', 'TABLE_DENIED'],
        ]);
      } finally {
        await audited.close();
      }
    });

    it('hides the table from describe_schema and the resources', async () => {
      const described = (await mcp.call('describe_schema', { detail: 'names', schema: scratch.schema }))
        .structuredContent as { tables: { name: string }[] };
      expect(described.tables.map((t) => t.name)).not.toContain('tokens');
      expect(described.tables.map((t) => t.name)).toContain('orders');
      const listed = await mcp.client.listResources();
      expect(listed.resources.map((r) => r.uri).filter((u) => u.endsWith('/tokens'))).toEqual([]);
      await expect(mcp.client.readResource({ uri: `dba://scratch/tables/${scratch.schema}/tokens` })).rejects.toThrow(
        /not found/,
      );
    });
  });
}
