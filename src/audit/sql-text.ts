/**
 * The SQL of a record: its text (secrets scrubbed), a fingerprint that groups the same statement
 * with different literals, and, with `redact_literals`, the text with literals replaced by
 * placeholders. PostgreSQL uses libpg-query's normalizer. MySQL, MariaDB and SQLite have no
 * normalizer yet, so there redaction fails closed: the text is left out entirely.
 */
import type { EngineName } from '../engines/registry.js';
import { normalizePostgres } from '../sql/postgres/parser.js';
import { sha256 } from './canonical.js';
import { redactText } from './redact.js';

export interface SqlFacts {
  sql: string;
  fingerprint: string;
  /** True when `sql` no longer holds the literals of the statement. */
  literalsRemoved: boolean;
}

const collapse = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/**
 * Quoted strings, hex and numbers replaced by `?`: only the input of a fingerprint (never shown),
 * so that a fingerprint neither splits one statement by its literals nor lets a literal be guessed
 * back from it. MySQL quotes strings with " too.
 */
export function stripLiterals(sql: string, engine: EngineName | undefined): string {
  let out = sql.replace(/'(?:[^'\\]|\\.|'')*'/g, '?');
  if (engine === 'mysql') out = out.replace(/"(?:[^"\\]|\\.|"")*"/g, '?');
  return out.replace(/\b0x[0-9a-f]+\b|(?<![\w$.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '?');
}

async function normalized(sql: string, engine: EngineName | undefined): Promise<string | undefined> {
  if (engine !== 'postgres') return undefined;
  try {
    return await normalizePostgres(sql);
  } catch {
    return undefined; // unparseable: no placeholders can be trusted
  }
}

/** sha256 of the normalized text (PostgreSQL) or the literal-stripped, whitespace-collapsed text; 16 hex digits. */
export function fingerprintOf(sql: string, engine: EngineName | undefined, norm?: string): string {
  return sha256(collapse(norm ?? stripLiterals(sql, engine))).slice(0, 16);
}

export async function sqlFacts(sql: string, engine: EngineName | undefined, redactLiterals: boolean): Promise<SqlFacts> {
  const norm = await normalized(sql, engine);
  const fingerprint = fingerprintOf(sql, engine, norm);
  if (!redactLiterals) return { sql: redactText(sql), fingerprint, literalsRemoved: false };
  if (norm !== undefined) return { sql: norm, fingerprint, literalsRemoved: true };
  return { sql: `[sql redacted: ${sql.length} chars]`, fingerprint, literalsRemoved: true };
}
