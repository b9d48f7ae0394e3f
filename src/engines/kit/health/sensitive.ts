/** The inventory of sensitive columns, judged by the caller's rule (the same as result masking). */
import type { SensitiveColumn } from '../../contract/health.js';

/** At most this many columns are listed; the count says how many there are. */
export const MAX_SENSITIVE_LISTED = 500;

export function sensitiveColumns(
  columns: readonly SensitiveColumn[],
  isSensitive: (column: SensitiveColumn) => boolean,
): SensitiveColumn[] {
  return columns.filter(isSensitive);
}

/** Tables holding at least one sensitive column, as `schema.table` (or `table` without a schema). */
export function tablesWithSensitive(columns: readonly SensitiveColumn[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of columns) {
    const key = c.schema ? `${c.schema}.${c.table}` : c.table;
    out.set(key, [...(out.get(key) ?? []), c.column]);
  }
  return out;
}
