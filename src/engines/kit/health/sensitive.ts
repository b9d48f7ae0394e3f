/** The inventory of sensitive columns: the same detection (and config) as result masking. */
import type { SensitiveColumn } from '../../contract/health.js';
import { isSensitive } from '../../../core/sensitive.js';
import type { MaskingConfig } from '../../../core/settings.js';

/** At most this many columns are listed; the count says how many there are. */
export const MAX_SENSITIVE_LISTED = 500;

export function sensitiveColumns(columns: readonly SensitiveColumn[], masking: MaskingConfig): SensitiveColumn[] {
  return columns.filter((c) => isSensitive(masking, { schema: c.schema, table: c.table, column: c.column }));
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
