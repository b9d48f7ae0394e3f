/**
 * Layer 1 (the classifier) on a real PostgreSQL, through the whole run_query pipeline, as a
 * superuser: every attack is refused by a guard, the database and the file system are unchanged,
 * and every hard legitimate read runs.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVERS, skipUnlessReachable, type Scratch } from '../../helpers/databases.js';
import { connect, errorOf, type Harness } from '../../helpers/mcp.js';
import { ATTACKS, LEGIT_READS, SETUP } from './postgres-corpus.js';

const GUARD_CODES = [
  'READ_ONLY_VIOLATION',
  'STATEMENT_NOT_ALLOWED',
  'FUNCTION_NOT_ALLOWED',
  'MULTIPLE_STATEMENTS',
  'SQL_SYNTAX',
];
const FILES = ['/tmp/dba_mcp_pwned', '/tmp/dba_mcp_pwned2', '/tmp/dba_mcp_pwned3'];
const skip = await skipUnlessReachable('postgres');

async function snapshot(scratch: Scratch): Promise<Record<string, unknown>> {
  const s = scratch.schema;
  const q = (sql: string) => scratch.scalar(sql).then(String);
  return {
    orders: await q(`SELECT count(*) || ':' || sum(total) FROM ${s}.orders`),
    notes: await q(`SELECT count(*) FROM ${s}.notes`),
    tables: await q(
      `SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = '${s}'::regnamespace`,
    ),
    seq: await q(`SELECT last_value || ':' || is_called FROM ${s}.seq`),
    slots: await q(`SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'dba_mcp_evil'`),
    advisory: await q(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'`),
    largeObjects: await q(`SELECT count(*) FROM pg_largeobject_metadata`),
    autoConf: await q(`SELECT count(*) FROM pg_file_settings WHERE name = 'work_mem'`),
    comment: await q(`SELECT coalesce(obj_description('${s}.orders'::regclass, 'pg_class'), '')`),
    files: FILES.filter((f) => fs.existsSync(f)).join(','),
  };
}

describe.skipIf(skip)('guards on PostgreSQL (superuser login)', () => {
  let scratch: Scratch;
  let mcp: Harness;
  let before: Record<string, unknown>;

  beforeAll(async () => {
    for (const f of FILES) fs.rmSync(f, { force: true });
    scratch = await SERVERS.postgres.scratch();
    for (const sql of SETUP(scratch.schema)) await scratch.exec(sql);
    mcp = await connect([
      scratch.source({ allow_functions: [`${scratch.schema}.tax`], limits: { statement_timeout_ms: 3000 } }),
    ]);
    before = await snapshot(scratch);
  });

  afterAll(async () => {
    await mcp?.close();
    await scratch?.drop();
  });

  it('refuses every attack at the guard, with a code and a hint', async () => {
    const through: string[] = [];
    for (const sql of ATTACKS(scratch.schema)) {
      const err = errorOf(await mcp.call('run_query', { sql }));
      if (!err || !GUARD_CODES.includes(err.code) || !err.hint) through.push(`${sql} -> ${err ? err.code : 'RAN'}`);
    }
    expect(through).toEqual([]);
  });

  it('layer 1 alone: the classifier refuses every attack before any engine sees it', async () => {
    const engine = await mcp.sources.engine(mcp.sources.list[0]!);
    const passed: string[] = [];
    for (const sql of ATTACKS(scratch.schema)) {
      const c = await engine.classify(sql);
      if (c.class === 'read' && c.statementCount === 1 && c.deniedFunctions.length === 0) passed.push(sql);
    }
    expect(passed).toEqual([]);
  });

  it('leaves the database and the file system as they were', async () => {
    expect(await snapshot(scratch)).toEqual(before);
  });

  it('runs every hard legitimate read', async () => {
    const refused: string[] = [];
    for (const { sql, params } of LEGIT_READS(scratch.schema)) {
      const err = errorOf(await mcp.call('run_query', { sql, ...(params ? { params } : {}) }));
      if (err) refused.push(`${sql} -> ${err.code}: ${err.message}`);
    }
    expect(refused).toEqual([]);
  });

  it("runs user code only where the source's allow_functions names it, and says so", async () => {
    const strict = await connect([scratch.source({ limits: { statement_timeout_ms: 3000 } })]);
    try {
      const err = errorOf(await strict.call('run_query', { sql: `SELECT ${scratch.schema}.tax(10)` }));
      expect(err?.code).toBe('FUNCTION_NOT_ALLOWED');
      expect(err?.hint).toContain('allow_functions');
      expect(errorOf(await mcp.call('run_query', { sql: `SELECT ${scratch.schema}.tax(10)` }))).toBeUndefined();
      // a name the config allows does not allow another schema's function of that name
      expect(errorOf(await mcp.call('run_query', { sql: `SELECT ${scratch.schema}.lower('x')` }))?.code).toBe(
        'FUNCTION_NOT_ALLOWED',
      );
    } finally {
      await strict.close();
    }
  });

  it('judges the callables of a write analyze_query only plans (the planner runs IMMUTABLE functions on constants)', async () => {
    const s = scratch.schema;
    await scratch.exec(
      `CREATE FUNCTION ${s}.fold_evil(v int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'ran'; RETURN v; END $$`,
    );
    const err = errorOf(
      await mcp.call('analyze_query', {
        sql: `INSERT INTO ${s}.orders (id) VALUES (${s}.fold_evil(3))`,
        analyze: false,
      }),
    );
    expect(err?.code).toBe('FUNCTION_NOT_ALLOWED');
    const plain = await mcp.call('analyze_query', { sql: `INSERT INTO ${s}.orders (id) VALUES (99)`, analyze: false });
    expect(errorOf(plain)).toBeUndefined();
  });

  it('judges what views call, and names the tables a read reaches as the planner resolves them', async () => {
    const s = scratch.schema;
    await scratch.exec(`CREATE FUNCTION ${s}.vf() RETURNS int VOLATILE LANGUAGE plpgsql AS $$ BEGIN DELETE FROM ${s}.notes; RETURN 1; END $$;
      CREATE VIEW ${s}.v_vf AS SELECT ${s}.vf() AS x;
      CREATE TABLE ${s}.vault (v text); INSERT INTO ${s}.vault VALUES ('TOPSECRET');
      CREATE TABLE ${s}.vault_base (v text); ALTER TABLE ${s}.vault INHERIT ${s}.vault_base;
      CREATE TABLE ${s}.ledger (k text, v text) PARTITION BY LIST (k);
      CREATE TABLE ${s}.ledger_a PARTITION OF ${s}.ledger FOR VALUES IN ('a'); INSERT INTO ${s}.ledger VALUES ('a', 'TOPSECRET')`);
    expect(errorOf(await mcp.call('run_query', { sql: `SELECT * FROM ${s}.v_vf` }))?.code).toBe('FUNCTION_NOT_ALLOWED');
    const denied = await connect([scratch.source({ deny_tables: ['*.vault', '*.ledger'] })]);
    try {
      for (const sql of [
        `SELECT * FROM ${s}.vault_base`, // a denied child read through its inheritance parent
        `SELECT * FROM ${s}.ledger_a`, // a partition of a denied partitioned table
        `WITH x AS (SELECT * FROM ${s}.vault_base) SELECT * FROM x`,
      ]) {
        const result = await denied.call('run_query', { sql });
        expect(errorOf(result)?.code, sql).toBe('TABLE_DENIED');
        expect(JSON.stringify(result), sql).not.toContain('TOPSECRET');
      }
      expect(errorOf(await denied.call('run_query', { sql: `SELECT count(*) FROM ${s}.orders` }))).toBeUndefined();
    } finally {
      await denied.close();
    }
  });

  it('names the offending function and explains the denial', async () => {
    const err = errorOf(
      await mcp.call('run_query', { sql: `SELECT id, ${scratch.schema}.purge_remote() FROM ${scratch.schema}.orders` }),
    );
    expect(err?.code).toBe('FUNCTION_NOT_ALLOWED');
    expect(err?.message).toContain(`${scratch.schema}.purge_remote`);
    const cte = errorOf(
      await mcp.call('run_query', {
        sql: `WITH d AS (DELETE FROM ${scratch.schema}.orders RETURNING 1) SELECT * FROM d`,
      }),
    );
    expect(cte?.code).toBe('READ_ONLY_VIOLATION');
    expect(cte?.message).toMatch(/data-modifying DELETE/);
    expect(cte?.hint).toMatch(/request_change/);
  });
});
