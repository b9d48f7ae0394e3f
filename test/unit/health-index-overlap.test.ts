/** indexOverlaps: duplicate and redundant-by-prefix indexes from IndexInfo[] alone. */
import { describe, expect, it } from 'vitest';
import type { IndexInfo } from '../../src/engines/contract/engine.js';
import { indexOverlaps } from '../../src/engines/kit/index-overlap.js';

const ix = (name: string, columns: string[], more: Partial<IndexInfo> = {}): IndexInfo => ({
  name,
  columns,
  include: [],
  unique: false,
  primary: false,
  method: 'btree',
  predicate: null,
  valid: true,
  ...more,
});

describe('indexOverlaps', () => {
  it('reports the same key columns, method, predicate and INCLUDE as a duplicate, once', () => {
    const found = indexOverlaps([ix('a_1', ['a']), ix('a_2', ['a'])]);
    expect(found).toEqual([expect.objectContaining({ kind: 'duplicate', index: 'a_2', covered_by: 'a_1' })]);
  });

  it('keeps the index that enforces something: a plain copy of a unique index is the one to drop', () => {
    const found = indexOverlaps([ix('z_plain', ['email']), ix('a_unique', ['email'], { unique: true })]);
    expect(found).toEqual([expect.objectContaining({ kind: 'duplicate', index: 'z_plain', covered_by: 'a_unique' })]);
    const pk = indexOverlaps([
      ix('t_pkey', ['id'], { primary: true, unique: true }),
      ix('t_id_key', ['id'], { unique: true }),
    ]);
    expect(pk).toEqual([expect.objectContaining({ index: 't_id_key', covered_by: 't_pkey' })]);
  });

  it('does not call indexes duplicates when method, predicate, INCLUDE or column order differ', () => {
    expect(indexOverlaps([ix('a', ['a']), ix('a_hash', ['a'], { method: 'hash' })])).toEqual([]);
    expect(indexOverlaps([ix('a', ['a']), ix('a_part', ['a'], { predicate: 'a > 0' })])).toEqual([]);
    expect(indexOverlaps([ix('a_inc', ['a'], { include: ['b'] }), ix('a_inc2', ['a'], { include: ['c'] })])).toEqual(
      [],
    );
    expect(indexOverlaps([ix('ab', ['a', 'b']), ix('ba', ['b', 'a'])])).toEqual([]);
  });

  it('treats INCLUDE as a set and ignores case and spacing in expressions', () => {
    const found = indexOverlaps([
      ix('x1', ['lower(email)'], { include: ['b', 'c'] }),
      ix('x2', ['LOWER( email )'], { include: ['c', 'b'] }),
    ]);
    expect(found.map((f) => f.kind)).toEqual(['duplicate']);
  });

  it('reports a leading prefix of a non-partial index with the same method as redundant', () => {
    const found = indexOverlaps([ix('a', ['a']), ix('a_b', ['a', 'b'])]);
    expect(found).toEqual([expect.objectContaining({ kind: 'redundant_prefix', index: 'a', covered_by: 'a_b' })]);
  });

  it('never reports a unique or primary prefix (it enforces a constraint), nor one covered only by a partial index or another method', () => {
    expect(indexOverlaps([ix('a_u', ['a'], { unique: true }), ix('a_b', ['a', 'b'])])).toEqual([]);
    expect(indexOverlaps([ix('pk', ['a'], { primary: true, unique: true }), ix('a_b', ['a', 'b'])])).toEqual([]);
    expect(indexOverlaps([ix('a', ['a']), ix('a_b_part', ['a', 'b'], { predicate: 'b IS NOT NULL' })])).toEqual([]);
    expect(indexOverlaps([ix('a', ['a']), ix('a_b_gin', ['a', 'b'], { method: 'gin' })])).toEqual([]);
    expect(indexOverlaps([ix('a_part', ['a'], { predicate: 'a > 0' }), ix('a_b', ['a', 'b'])])).toEqual([]);
  });

  it('ignores invalid indexes (they serve nothing and are reported on their own)', () => {
    expect(indexOverlaps([ix('a', ['a']), ix('a_bad', ['a'], { valid: false })])).toEqual([]);
  });

  it('reports a duplicate that is also a prefix only as a duplicate', () => {
    const found = indexOverlaps([ix('a1', ['a']), ix('a2', ['a']), ix('a_b', ['a', 'b'])]);
    expect(found.filter((f) => f.index === 'a2').map((f) => f.kind)).toEqual(['duplicate']);
    expect(found.find((f) => f.index === 'a1')?.kind).toBe('redundant_prefix');
  });
});
