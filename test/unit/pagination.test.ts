import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, paginate } from '../../src/core/pagination.js';

describe('cursors', () => {
  it('visits every item exactly once', () => {
    const all = Array.from({ length: 23 }, (_, i) => i);
    const seen: number[] = [];
    let offset: number | undefined = 0;
    while (offset !== undefined) {
      const page: { items: number[]; nextCursor: string | null } = paginate(all, offset, 5, 'k');
      seen.push(...page.items);
      offset = page.nextCursor ? decodeCursor(page.nextCursor, 'k') : undefined;
    }
    expect(seen).toEqual(all);
  });

  it('refuses cursors made for another key, altered or malformed', () => {
    const cursor = encodeCursor(10, 'filter-a');
    expect(decodeCursor(cursor, 'filter-a')).toBe(10);
    expect(decodeCursor(cursor, 'filter-b')).toBeUndefined();
    expect(decodeCursor('not-base64!', 'filter-a')).toBeUndefined();
    expect(decodeCursor(Buffer.from('{"o":-1,"k":"filter-a"}').toString('base64url'), 'filter-a')).toBeUndefined();
  });
});
