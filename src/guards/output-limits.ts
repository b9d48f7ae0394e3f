/**
 * Results are capped for the model's context: rows stop before the rows' JSON would pass
 * limits.max_result_bytes, and a single value longer than limits.max_cell_chars is cut with a
 * marker. The result says which limit cut it, so nothing is silently lost.
 */
import type { CellValue, QueryResult } from '../engines/contract/engine.js';

export type TruncatedBy = 'max_rows' | 'max_bytes' | null;

export interface CappedRows {
  rows: CellValue[][];
  truncated_by: TruncatedBy;
  cells_cut: number;
}

function cutCell(value: CellValue, maxChars: number): { value: CellValue; cut: boolean } {
  if (typeof value !== 'string' || value.length <= maxChars) return { value, cut: false };
  return { value: `${value.slice(0, maxChars)}…[cut: ${value.length - maxChars} more characters]`, cut: true };
}

export function capRows(result: QueryResult, limits: { max_result_bytes: number; max_cell_chars: number }): CappedRows {
  const rows: CellValue[][] = [];
  let bytes = 2;
  let cellsCut = 0;
  for (const row of result.rows) {
    const kept = row.map((cell) => {
      const { value, cut } = cutCell(cell, limits.max_cell_chars);
      if (cut) cellsCut++;
      return value;
    });
    bytes += JSON.stringify(kept).length + 1;
    if (bytes > limits.max_result_bytes) return { rows, truncated_by: 'max_bytes', cells_cut: cellsCut };
    rows.push(kept);
  }
  return { rows, truncated_by: result.truncated ? 'max_rows' : null, cells_cut: cellsCut };
}
