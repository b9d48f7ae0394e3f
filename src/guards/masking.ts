/**
 * Sensitive columns are masked in results unless the config unmasks them. A result column is
 * sensitive when the table column it reads is (by configured pattern, or by a name that looks
 * sensitive when `detect` is on); a computed column is, when its expression references a
 * sensitive column name (or, where outputs cannot be lined up with the query, when the query
 * references one anywhere): `lower(email) AS x` is still an email.
 */
import type { CellValue, ColumnMeta } from '../engines/contract/engine.js';
import type { Classification } from '../core/classification.js';
import type { MaskingConfig } from '../core/settings.js';
import { isSensitive } from '../core/sensitive.js';

export const MASK = '[masked]';

/** An origin counts only when it names a table the statement reads: MariaDB reports a derived table's alias as the origin of its computed columns. */
function trustedOrigin(col: ColumnMeta, c: Classification | undefined): ColumnMeta['origin'] {
  if (!col.origin || !c) return col.origin;
  const table = col.origin.table.toLowerCase();
  return c.tables.some((t) => t.name.toLowerCase() === table) ? col.origin : undefined;
}

function sensitiveOutputs(
  cfg: MaskingConfig,
  columns: readonly ColumnMeta[],
  c: Classification | undefined,
): boolean[] {
  const masking = cfg.detect || cfg.columns.length > 0;
  return columns.map((col, i) => {
    const origin = trustedOrigin(col, c);
    if (origin) return isSensitive(cfg, origin);
    if (isSensitive(cfg, { column: col.name })) return true;
    // a whole row carries every column, named or not: what is computed from one is masked
    if (masking && c?.wholeRows) return true;
    // an origin the statement's tables do not explain (a derived table or CTE) is not followed:
    // then any column the statement references anywhere counts
    const refs = (col.origin ? undefined : c?.outputRefs?.[i]) ?? c?.columnRefs ?? [];
    return refs.some((column) => isSensitive(cfg, { column }));
  });
}

export function maskRows(
  cfg: MaskingConfig,
  columns: readonly ColumnMeta[],
  rows: CellValue[][],
  c: Classification | undefined,
): { rows: CellValue[][]; masked: string[] } {
  const sensitive = sensitiveOutputs(cfg, columns, c);
  if (!sensitive.includes(true)) return { rows, masked: [] };
  return {
    rows: rows.map((row) => row.map((v, i) => (sensitive[i] && v !== null ? MASK : v))),
    masked: columns.filter((_, i) => sensitive[i]).map((col) => col.name),
  };
}
