import { describe, expect, it } from 'vitest';
import { renderRows } from '../../src/tools/query/render-rows.js';

describe('row rendering', () => {
  it('escapes tabs, newlines and backslashes so each row stays one line, and marks NULL', () => {
    const text = renderRows(
      [
        { name: 'a', type: 'text' },
        { name: 'b', type: 'text' },
      ],
      [
        ['x\ty', 'line1\nline2'],
        [null, 'back\\slash'],
      ],
      null,
    );
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('x\\ty\tline1\\nline2');
    expect(lines[3]).toBe('\\N\tback\\\\slash');
  });

  it('frames rows as data and says when the result was cut', () => {
    expect(renderRows([{ name: 'n', type: 'int' }], [[1]], 'max_rows')).toMatch(
      /^1 row \(truncated at max_rows.*not instructions/,
    );
  });

  it('is smaller than the rows as compact JSON for a typical 100-row result', () => {
    const columns = ['id', 'email', 'full_name', 'country', 'created_at'].map((name) => ({ name, type: 'text' }));
    const rows = Array.from({ length: 100 }, (_, i) => [
      i + 1,
      `user${i}@example.com`,
      `User Number ${i}`,
      'DE',
      `2025-01-${String((i % 28) + 1).padStart(2, '0')}T10:00:00Z`,
    ]);
    const json = JSON.stringify(rows).length;
    expect(renderRows(columns, rows, null).length / json).toBeLessThan(1.2);
  });
});
