import { describe, expect, it } from 'vitest';
import { resolveAliases, type PlanNode } from '../../src/engines/contract/query-plan.js';
import { tableAliases } from '../../src/engines/kit/sqlparser/aliases.js';
import { withoutSubqueries } from '../../src/tools/analyze/common.js';

describe('plans that name tables by alias', () => {
  it('finds aliases in joins and subqueries, in both dialects', async () => {
    const sql =
      'SELECT * FROM orders o JOIN shop.customers AS c ON c.id = o.customer_id WHERE o.total > (SELECT avg(total) FROM orders o2 WHERE o2.customer_id = o.customer_id)';
    for (const dialect of ['mysql', 'sqlite'] as const) {
      const aliases = await tableAliases(sql, dialect);
      expect(Object.fromEntries(aliases)).toEqual({
        o: { name: 'orders' },
        c: { schema: 'shop', name: 'customers' },
        o2: { name: 'orders' },
      });
    }
    expect((await tableAliases('SELEC nonsense', 'sqlite')).size).toBe(0);
  });

  it('renames plan nodes to the table, keeping the rest', () => {
    const root: PlanNode = {
      op: 'seq_scan',
      label: 'SCAN o',
      schema: 'main',
      relation: 'o',
      children: [{ op: 'index_scan', label: 'SEARCH x', relation: 'other', children: [] }],
    };
    resolveAliases(root, new Map([['o', { name: 'orders' }]]));
    expect(root).toMatchObject({ relation: 'orders', schema: 'main', label: 'SCAN o' });
    expect(root.children[0]!.relation).toBe('other');
  });

  it('reads a filter without the subqueries in it', () => {
    expect(withoutSubqueries('o.total > (SELECT avg(t) FROM x WHERE (a = 1)) AND o.id = 3')).toBe(
      'o.total > (subquery) AND o.id = 3',
    );
    expect(withoutSubqueries('(a = 1) OR (b = 2)')).toBe('(a = 1) OR (b = 2)');
  });
});
