/**
 * The SQL of a record: its text (secrets scrubbed), a fingerprint that groups the same statement
 * with different literals, and, with `redact_literals`, the text with literals replaced by
 * placeholders. Redaction uses the engine's normalizer where the registry names one (PostgreSQL:
 * libpg-query's); elsewhere it fails closed: the text is left out entirely.
 * The fingerprint is computed the same way in both modes and for every engine (sha256 of the
 * text with quoted strings and numbers replaced, whitespace collapsed), so that it never changes
 * with the redaction setting: the WASM normalizer would cost ~60 µs per call on a cold server.
 */
import { sqlTextFacts, type EngineName } from '../engines/registry.js';
import { sha256 } from './canonical.js';
import { redactText } from '../core/redact.js';

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
 * back from it. MySQL quotes strings with " too; PostgreSQL also has $$dollar quotes$$.
 */
export function stripLiterals(sql: string, engine: EngineName | undefined): string {
  const facts = sqlTextFacts(engine);
  let out = facts.dollarQuotes ? sql.replace(/\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$/g, '?') : sql;
  out = out.replace(/'(?:[^'\\]|\\.|'')*'/g, '?');
  if (facts.doubleQuotedStrings) out = out.replace(/"(?:[^"\\]|\\.|"")*"/g, '?');
  return out.replace(/\b0x[0-9a-f]+\b|(?<![\w$.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '?');
}

async function normalized(sql: string, normalize: (sql: string) => Promise<string>): Promise<string | undefined> {
  try {
    return await normalize(sql);
  } catch {
    return undefined; // unparseable: no placeholders can be trusted
  }
}

/** 16 hex digits of sha256 of the literal-stripped, whitespace-collapsed text. */
export function fingerprintOf(sql: string, engine: EngineName | undefined): string {
  return sha256(collapse(stripLiterals(sql, engine))).slice(0, 16);
}

export async function sqlFacts(
  sql: string,
  engine: EngineName | undefined,
  redactLiterals: boolean,
): Promise<SqlFacts> {
  const fingerprint = fingerprintOf(sql, engine);
  if (!redactLiterals) return { sql: redactText(sql), fingerprint, literalsRemoved: false };
  const { normalize } = sqlTextFacts(engine);
  const norm = normalize ? await normalized(sql, normalize) : undefined;
  return { sql: norm ?? `[sql redacted: ${sql.length} chars]`, fingerprint, literalsRemoved: true };
}
