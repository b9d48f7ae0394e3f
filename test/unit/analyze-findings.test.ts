/** Findings from hand-made plans (PostgreSQL EXPLAIN JSON) the test servers cannot easily produce, and the text readers they rely on. */
import { describe, expect, it } from 'vitest';
import { normalizePgPlan } from '../../src/engines/postgres/core/explain.js';
import { analyzePlan } from '../../src/tools/analyze/findings.js';
import { hiddenIndexedColumn, orAcrossColumns, typeMismatch } from '../../src/tools/analyze/predicates.js';
import { normalizeMysqlPlan } from '../../src/engines/mysql/core/explain.js';
import { sqliteNode } from '../../src/engines/sqlite/core/explain.js';
import { statementFacts } from '../../src/tools/analyze/statement.js';
import type { TableDetail } from '../../src/engines/contract/engine.js';

const table = (name: string, rows: number, columns: string[]): TableDetail => ({
  schema: 'public',
  name,
  kind: 'table',
  row_estimate: rows,
  size_bytes: rows * 100,
  comment: null,
  columns: columns.map((c) => ({ name: c, type: 'int', nullable: true, default: null, comment: null })),
  primary_key: null,
  foreign_keys: [],
  indexes: [],
});
const ids = { id: () => 0 };

describe('analyzePlan', () => {
  it('reports a sort that spilled to disk', () => {
    const root = normalizePgPlan({
      'Node Type': 'Sort',
      'Plan Rows': 500000,
      'Actual Rows': 500000,
      'Actual Loops': 1,
      'Sort Key': ['t.b'],
      'Sort Method': 'external merge',
      'Sort Space Used': 12000,
      'Sort Space Type': 'Disk',
      Plans: [
        {
          'Node Type': 'Seq Scan',
          'Relation Name': 't',
          Schema: 'public',
          'Plan Rows': 500000,
          'Actual Rows': 500000,
          'Actual Loops': 1,
        },
      ],
    });
    const found = analyzePlan({ root, analyzed: true }, new Map([['public.t', table('t', 500000, ['a', 'b'])]]), ids);
    const spill = found.find((f) => f.code === 'SORT_SPILL');
    expect(spill?.evidence).toMatchObject({ method: 'external merge', disk_kb: 12000 });
  });

  it('reports rows an index scan read only to throw away', () => {
    const root = normalizePgPlan({
      'Node Type': 'Index Scan',
      'Relation Name': 't',
      Schema: 'public',
      'Index Name': 't_a',
      'Index Cond': '(t.a = 1)',
      Filter: '(t.b = 2)',
      'Plan Rows': 10,
      'Actual Rows': 5,
      'Actual Loops': 1,
      'Rows Removed by Filter': 40000,
    });
    const found = analyzePlan(
      { root, analyzed: true },
      new Map([['public.t', table('t', 1_000_000, ['a', 'b'])]]),
      ids,
    );
    expect(found.map((f) => f.code)).toEqual(['ROWS_REMOVED_BY_FILTER']);
    expect(found[0]!.fix).toContain('CREATE INDEX ON public.t (b)');
  });

  it('says nothing about a full scan that returns most of a table, or of a small one', () => {
    const wide = normalizePgPlan({
      'Node Type': 'Seq Scan',
      'Relation Name': 't',
      Schema: 'public',
      Filter: '(t.a > 0)',
      'Plan Rows': 90000,
    });
    expect(
      analyzePlan({ root: wide, analyzed: false }, new Map([['public.t', table('t', 100000, ['a'])]]), ids),
    ).toEqual([]);
    const small = normalizePgPlan({
      'Node Type': 'Seq Scan',
      'Relation Name': 't',
      Schema: 'public',
      Filter: '(t.a = 1)',
      'Plan Rows': 1,
    });
    expect(analyzePlan({ root: small, analyzed: false }, new Map([['public.t', table('t', 500, ['a'])]]), ids)).toEqual(
      [],
    );
  });
});

describe('statementFacts', () => {
  it('reads SELECT *, LIMIT and grouping at the top level only', () => {
    expect(statementFacts('SELECT * FROM t')).toMatchObject({
      isSelect: true,
      selectStar: true,
      hasLimit: false,
      grouped: false,
    });
    expect(statementFacts('select t.*, u.x from t join u on true')).toMatchObject({ selectStar: true });
    expect(statementFacts('SELECT count(*) FROM t')).toMatchObject({ selectStar: false, grouped: true });
    expect(statementFacts("SELECT a FROM t WHERE b = 'limit 5' -- limit 1")).toMatchObject({ hasLimit: false });
    expect(statementFacts('SELECT a FROM t WHERE id IN (SELECT id FROM u LIMIT 5)')).toMatchObject({ hasLimit: false });
    expect(statementFacts('WITH x AS (SELECT * FROM t) SELECT a FROM x FETCH FIRST 3 ROWS ONLY')).toMatchObject({
      selectStar: false,
      hasLimit: true,
    });
    expect(statementFacts('SELECT a, b, count(*) FROM t GROUP BY a, lower(b) ORDER BY 1')).toMatchObject({
      grouped: true,
      groupKeys: ['a', 'lower(b)'],
    });
    expect(statementFacts('UPDATE t SET a = 1')).toMatchObject({ isSelect: false });
  });
});

describe('hiddenIndexedColumn', () => {
  it('finds functions, casts and leading wildcards as PostgreSQL, MySQL and SQLite print them', () => {
    const idx = (name: string, col: string) => ({
      name,
      columns: [col],
      include: [],
      unique: false,
      primary: false,
      method: 'btree',
      predicate: null,
      valid: true,
    });
    const indexes = [idx('t_email', 'email'), idx('t_created', 'created_at')];
    expect(hiddenIndexedColumn("(lower(t.email) = 'a'::text)", indexes)).toMatchObject({
      column: 'email',
      kind: 'function',
    });
    expect(hiddenIndexedColumn("((t.created_at)::date = '2024-01-01'::date)", indexes)).toMatchObject({
      column: 'created_at',
      kind: 'cast',
    });
    expect(hiddenIndexedColumn("cast(`db`.`t`.`created_at` as date) = '2024-01-01'", indexes)).toMatchObject({
      column: 'created_at',
      kind: 'cast',
    });
    expect(hiddenIndexedColumn("date(`db`.`t`.`created_at`) = '2024-01-01'", indexes)).toMatchObject({
      column: 'created_at',
      kind: 'function',
    });
    expect(hiddenIndexedColumn("`db`.`t`.`email` like '%x'", indexes)).toMatchObject({
      column: 'email',
      kind: 'leading_wildcard',
    });
    expect(hiddenIndexedColumn("(t.email ~~ '%x'::text)", indexes)).toMatchObject({
      column: 'email',
      kind: 'leading_wildcard',
    });
    expect(hiddenIndexedColumn("(t.email = lower('A'))", indexes)).toBeUndefined();
    expect(hiddenIndexedColumn("(t.email ~~ 'abc%'::text)", indexes)).toBeUndefined();
    expect(hiddenIndexedColumn("(lower(t.other) = 'a'::text)", indexes)).toBeUndefined();
  });
});

describe('nested loops', () => {
  it('reports a large outer side over an inner full scan, not over an index lookup', () => {
    const plan = (inner: Record<string, unknown>) =>
      normalizePgPlan({
        'Node Type': 'Nested Loop',
        'Plan Rows': 1000,
        'Join Filter': '(a.k = b.k)',
        Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 'a', Schema: 'public', 'Plan Rows': 200000 }, inner],
      });
    const tables = new Map([
      ['public.a', table('a', 200000, ['k'])],
      ['public.b', table('b', 5000, ['k', 'v'])],
    ]);
    const scan = analyzePlan(
      {
        root: plan({
          'Node Type': 'Materialize',
          'Plan Rows': 5000,
          Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 'b', Schema: 'public', 'Plan Rows': 5000 }],
        }),
        analyzed: false,
      },
      tables,
      ids,
    );
    expect(scan.map((f) => f.code)).toEqual(['NESTED_LOOP_LARGE_OUTER']);
    expect(scan[0]!.fix).toContain('CREATE INDEX ON public.b (k)');
    const lookup = analyzePlan(
      {
        root: plan({
          'Node Type': 'Index Scan',
          'Relation Name': 'b',
          Schema: 'public',
          'Index Name': 'b_k',
          'Index Cond': '(b.k = a.k)',
          'Plan Rows': 1,
        }),
        analyzed: false,
      },
      tables,
      ids,
    );
    expect(lookup).toEqual([]);
  });
});

describe('column statistics and subqueries', () => {
  const my = (attached: string) =>
    normalizeMysqlPlan(
      {
        query_block: {
          select_id: 1,
          table: { table_name: 't', access_type: 'ALL', rows: 100000, filtered: 100, attached_condition: attached },
        },
      },
      'db',
    );
  const tables = new Map([['db.t', { ...table('t', 100000, ['a', 'b']), schema: 'db' }]]);

  it('calls an equality selective from distinct values when MySQL gives filtered=100, and not when the column has few values', () => {
    const many = analyzePlan(
      { root: my('t.a = 5'), analyzed: false },
      tables,
      ids,
      undefined,
      new Map([['db.t', [{ column: 'a', distinct: 5000, null_fraction: 0.1 }]]]),
    );
    expect(many.map((f) => f.code)).toEqual(['FULL_SCAN_LARGE_TABLE']);
    expect(many[0]!.evidence).toMatchObject({
      distinct: 5000,
      null_fraction: 0.1,
      selectivity: '0.020% (from 5,000 distinct values of a)',
    });
    const few = analyzePlan(
      { root: my('t.a = 5'), analyzed: false },
      tables,
      ids,
      undefined,
      new Map([['db.t', [{ column: 'a', distinct: 3, null_fraction: 0 }]]]),
    );
    expect(few).toEqual([]);
  });

  it('reads a MySQL 8 dependent subquery and a SQLite correlated one as correlated, an uncorrelated one not', () => {
    const doc = {
      query_block: {
        select_id: 1,
        table: { table_name: 't', access_type: 'ALL', rows: 100000, filtered: 100 },
        subqueries: [
          {
            dependent: true,
            cacheable: false,
            query_block: {
              select_id: 2,
              table: { table_name: 'u', access_type: 'ref', key: 'u_a', ref: ['db.t.a'], rows: 3 },
            },
          },
          { dependent: false, query_block: { select_id: 3, table: { table_name: 'u', access_type: 'ALL', rows: 10 } } },
        ],
      },
    };
    const root = normalizeMysqlPlan(doc, 'db');
    const found = analyzePlan({ root, analyzed: false }, tables, ids);
    expect(found.map((f) => f.code)).toEqual(['CORRELATED_SUBQUERY']);
    expect(found[0]).toMatchObject({
      severity: 'warning',
      evidence: { subquery: 'DEPENDENT SUBQUERY 2', executions: 100000, outer_table: 'db.t' },
    });
    expect(sqliteNode('CORRELATED LIST SUBQUERY 3').correlated).toBe('CORRELATED LIST SUBQUERY 3');
    expect(sqliteNode('LIST SUBQUERY 3').correlated).toBeUndefined();
  });

  it('finds a text column compared with a number and an OR across columns', () => {
    const t: TableDetail = {
      ...table('t', 100000, ['a']),
      columns: [
        { name: 'code', type: 'varchar(12)', nullable: true, default: null, comment: null },
        { name: 'n', type: 'int', nullable: true, default: null, comment: null },
      ],
      indexes: [
        {
          name: 't_code',
          columns: ['code'],
          include: [],
          unique: false,
          primary: false,
          method: 'btree',
          predicate: null,
          valid: true,
        },
      ],
    };
    expect(typeMismatch('`db`.`t`.`code` = 42', t)).toMatchObject({ column: 'code', literal: '42' });
    expect(typeMismatch("((t.code)::numeric = '42'::numeric)", t)).toMatchObject({
      column: 'code',
      literal: '42',
      expression: "(t.code)::numeric = '42'::numeric",
    });
    expect(typeMismatch("`db`.`t`.`code` = '42'", t)).toBeUndefined();
    expect(orAcrossColumns("((t.code = 'x'::text) OR (t.n = 5))", t)).toEqual({
      columns: ['code', 'n'],
      indexed: ['code'],
      missing: ['n'],
    });
    expect(orAcrossColumns("((t.code = 'x'::text) OR (t.code = 'y'::text))", t)).toBeUndefined();
  });
});
