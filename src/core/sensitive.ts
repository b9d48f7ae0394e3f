/**
 * Which columns are sensitive: by the configured patterns, or, with `detect`, by a name that looks
 * sensitive. Result masking (src/guards/masking.ts) and the security inventory use the same rule.
 */
import type { MaskingConfig } from './settings.js';

const SENSITIVE_NAME =
  /(^|_)(e_?mails?|phones?|mobile|phone_?number|ssn|social_security(_number)?|passw(or)?d(_hash)?|pwd|secret|tokens?|api_?key|access_?key|secret_?key|private_?key|credit_?card(_number)?|card_?(number|num|no)|cc_?(num|number)|cvv|cvc|iban|account_?number|bank_?account|tax_?id|national_?id|passport(_number)?|date_of_birth|dob|salary)($|_)/i;

export interface ColumnName {
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
