import { describe, expect, it } from 'vitest';
import { indexExpressions, indexPredicate } from '../../src/engines/sqlite/index-advisor/index-sql.js';

describe('SQLite CREATE INDEX pieces', () => {
  it('splits key expressions at top level only', () => {
    expect(indexExpressions('CREATE INDEX i ON t (lower(email), coalesce(a, b) DESC, "odd,name")')).toEqual([
      'lower(email)',
      'coalesce(a, b)',
      '"odd,name"',
    ]);
  });

  it('finds the partial-index predicate, not a WHERE inside a string', () => {
    expect(indexPredicate("CREATE INDEX i ON t (a) WHERE status = 'x WHERE y'")).toBe("status = 'x WHERE y'");
    expect(indexPredicate("CREATE INDEX i ON t (a, ' WHERE ')")).toBeNull();
  });
});
