/** Findings that need an analyzed plan the test servers cannot easily produce: from PostgreSQL EXPLAIN JSON. */
import { describe, expect, it } from 'vitest';
import { normalizePgPlan } from '../../src/engines/postgres/explain.js';
import { analyzePlan } from '../../src/tools/analyze/findings.js';
import type { TableDetail } from '../../src/engines/types.js';

const table = (name: string, rows: number, columns: string[]): TableDetail => ({
  schema: 'public', name, kind: 'table', row_estimate: rows, size_bytes: rows * 100, comment: null,
  columns: columns.map((c) => ({ name: c, type: 'int', nullable: true, default: null, comment: null })),
  primary_key: null, foreign_keys: [], indexes: [],
});
const ids = { id: () => 0 };

describe('analyzePlan', () => {
  it('reports a sort that spilled to disk', () => {
    const root = normalizePgPlan({ 'Node Type': 'Sort', 'Plan Rows': 500000, 'Actual Rows': 500000, 'Actual Loops': 1, 'Sort Key': ['t.b'], 'Sort Method': 'external merge', 'Sort Space Used': 12000, 'Sort Space Type': 'Disk', Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 't', Schema: 'public', 'Plan Rows': 500000, 'Actual Rows': 500000, 'Actual Loops': 1 }] });
    const found = analyzePlan({ root, analyzed: true }, new Map([['public.t', table('t', 500000, ['a', 'b'])]]), ids);
    const spill = found.find((f) => f.code === 'SORT_SPILL');
    expect(spill?.evidence).toMatchObject({ method: 'external merge', disk_kb: 12000 });
  });

  it('reports rows an index scan read only to throw away', () => {
    const root = normalizePgPlan({ 'Node Type': 'Index Scan', 'Relation Name': 't', Schema: 'public', 'Index Name': 't_a', 'Index Cond': '(t.a = 1)', Filter: '(t.b = 2)', 'Plan Rows': 10, 'Actual Rows': 5, 'Actual Loops': 1, 'Rows Removed by Filter': 40000 });
    const found = analyzePlan({ root, analyzed: true }, new Map([['public.t', table('t', 1_000_000, ['a', 'b'])]]), ids);
    expect(found.map((f) => f.code)).toEqual(['ROWS_REMOVED_BY_FILTER']);
    expect(found[0]!.fix).toContain('CREATE INDEX ON public.t (b)');
  });

  it('says nothing about a full scan that returns most of a table, or of a small one', () => {
    const wide = normalizePgPlan({ 'Node Type': 'Seq Scan', 'Relation Name': 't', Schema: 'public', Filter: '(t.a > 0)', 'Plan Rows': 90000 });
    expect(analyzePlan({ root: wide, analyzed: false }, new Map([['public.t', table('t', 100000, ['a'])]]), ids)).toEqual([]);
    const small = normalizePgPlan({ 'Node Type': 'Seq Scan', 'Relation Name': 't', Schema: 'public', Filter: '(t.a = 1)', 'Plan Rows': 1 });
    expect(analyzePlan({ root: small, analyzed: false }, new Map([['public.t', table('t', 500, ['a'])]]), ids)).toEqual([]);
  });
});
