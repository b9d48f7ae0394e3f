/**
 * Sensitive columns are masked in results unless the config unmasks them. A result column is
 * sensitive when the table column it reads is (by configured pattern, or by a name that looks
 * sensitive when `detect` is on); a computed column is, when its expression references a
 * sensitive column name (or, where outputs cannot be lined up with the query, when the query
 * references one anywhere): `lower(email) AS x` is still an email.
 */
import type { CellValue, ColumnMeta } from '../engines/contract/engine.js';
import type { Classification } from '../core/classification.js';

export interface MaskingConfig {
  detect: boolean;
  columns: readonly string[];
  unmask: readonly string[];
}

export const MASK = '[masked]';

const SENSITIVE_NAME =
  /(^|_)(e_?mails?|phones?|mobile|phone_?number|ssn|social_security(_number)?|passw(or)?d(_hash)?|pwd|secret|tokens?|api_?key|access_?key|secret_?key|private_?key|credit_?card(_number)?|card_?(number|num|no)|cc_?(num|number)|cvv|cvc|iban|account_?number|bank_?account|tax_?id|national_?id|passport(_number)?|date_of_birth|dob|salary)($|_)/i;

interface ColumnName {
  schema?: string;
  table?: string;
  column: string;
}

/** `column`, `table.column` or `schema.table.column`, matched from the right; a bare reference (no table) matches on the column alone. */
function matches(pattern: string, c: ColumnName): boolean {
  const parts = pattern.toLowerCase().split('.');
  const [column, table, schema] = [parts.at(-1), parts.at(-2), parts.at(-3)];
  if (column !== c.column.toLowerCase()) return false;
  if (table !== undefined && c.table !== undefined && table !== c.table.toLowerCase()) return false;
  return schema === undefined || c.schema === undefined || schema === c.schema.toLowerCase();
}

export function isSensitive(cfg: MaskingConfig, c: ColumnName): boolean {
  if (cfg.unmask.some((p) => matches(p, c))) return false;
  return cfg.columns.some((p) => matches(p, c)) || (cfg.detect && SENSITIVE_NAME.test(c.column));
}

/** An origin counts only when it names a table the statement reads: MariaDB reports a derived table's alias as the origin of its computed columns. */
function trustedOrigin(col: ColumnMeta, c: Classification | undefined): ColumnMeta['origin'] {
  if (!col.origin || !c) return col.origin;
  const table = col.origin.table.toLowerCase();
  return c.tables.some((t) => t.name.toLowerCase() === table) ? col.origin : undefined;
}

function sensitiveOutputs(cfg: MaskingConfig, columns: readonly ColumnMeta[], c: Classification | undefined): boolean[] {
  return columns.map((col, i) => {
    const origin = trustedOrigin(col, c);
    if (origin) return isSensitive(cfg, origin);
    if (isSensitive(cfg, { column: col.name })) return true;
    const refs = c?.outputRefs?.[i] ?? c?.columnRefs ?? [];
    return refs.some((column) => isSensitive(cfg, { column }));
  });
}

export function maskRows(cfg: MaskingConfig, columns: readonly ColumnMeta[], rows: CellValue[][], c: Classification | undefined): { rows: CellValue[][]; masked: string[] } {
  const sensitive = sensitiveOutputs(cfg, columns, c);
  if (!sensitive.includes(true)) return { rows, masked: [] };
  return {
    rows: rows.map((row) => row.map((v, i) => (sensitive[i] && v !== null ? MASK : v))),
    masked: columns.filter((_, i) => sensitive[i]).map((col) => col.name),
  };
}
