import { describe, expect, it } from 'vitest';
import { capRows } from '../../src/guards/output-limits.js';

const result = (rows: (string | number | null)[][], truncated = false) => ({ columns: [], rows, truncated });

describe('output limits', () => {
  it('stops before the rows pass max_result_bytes and says so', () => {
    const rows = Array.from({ length: 100 }, (_, i) => [i, 'x'.repeat(90)]);
    const capped = capRows(result(rows), { max_result_bytes: 2048, max_cell_chars: 1000 });
    expect(JSON.stringify(capped.rows).length).toBeLessThanOrEqual(2048);
    expect(capped.rows.length).toBeGreaterThan(10);
    expect(capped.rows.length).toBeLessThan(100);
    expect(capped.truncated_by).toBe('max_bytes');
  });

  it('cuts a long value with a marker that says how much is missing', () => {
    const capped = capRows(result([[1, 'y'.repeat(50)]]), { max_result_bytes: 10_000, max_cell_chars: 20 });
    expect(capped.rows[0]![1]).toBe(`${'y'.repeat(20)}…[cut: 30 more characters]`);
    expect(capped.cells_cut).toBe(1);
    expect(capped.truncated_by).toBeNull();
  });

  it('keeps the row cap as the reason when the engine cut the rows', () => {
    expect(capRows(result([[1]], true), { max_result_bytes: 10_000, max_cell_chars: 20 }).truncated_by).toBe(
      'max_rows',
    );
  });
});
