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

/** A string constant a normalizer left: a quote, or a dollar quote ($$, $tag$; $1 is a placeholder). */
const LEFT_LITERAL = /'|\$(?!\d)/;

const collapse = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/**
 * Quoted strings, hex and numbers replaced by `?`: only the input of a fingerprint (never shown),
 * so that a fingerprint neither splits one statement by its literals nor lets a literal be guessed
 * back from it. MySQL quotes strings with " too; PostgreSQL also has $$dollar quotes$$. One
 * left-to-right scan (a regex per quote kind retried every later quote to the end of the text:
 * 100,000 characters of `"\"\"...` took 8 s); a literal that never closes runs to the end.
 */
export function stripLiterals(sql: string, engine: EngineName | undefined): string {
  const facts = sqlTextFacts(engine);
  let out = '';
  let plain = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    let end = -1;
    if (c === "'" || (c === '"' && facts.doubleQuotedStrings)) end = endOfQuoted(sql, i, c);
    else if (c === '$' && facts.dollarQuotes) end = endOfDollarQuoted(sql, i);
    if (end < 0) {
      i++;
      continue;
    }
    out += `${sql.slice(plain, i)}?`;
    i = plain = end;
  }
  out += sql.slice(plain);
  return out.replace(/\b0x[0-9a-f]+\b|(?<![\w$.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '?');
}

/** Where a quoted string opened at `start` ends (after its closing quote), or the text's end. */
function endOfQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (c === '\\') i += 2;
    else if (c === quote && sql[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return sql.length;
}

/** Where a $tag$ ... $tag$ string opened at `start` ends, the text's end if it never closes, -1 when no tag opens here. */
function endOfDollarQuoted(sql: string, start: number): number {
  const open = /\$(?:[A-Za-z_]\w*)?\$/y;
  open.lastIndex = start;
  const tag = open.exec(sql)?.[0];
  if (!tag) return -1;
  const close = sql.indexOf(tag, start + tag.length);
  return close < 0 ? sql.length : close + tag.length;
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
  // the normalizer leaves some constants in place (PostgreSQL DDL: DEFAULT 'x', COMMENT ... IS 'x'): then nothing is kept
  const trusted = norm !== undefined && !LEFT_LITERAL.test(norm);
  return { sql: trusted ? norm : `[sql redacted: ${sql.length} chars]`, fingerprint, literalsRemoved: true };
}
