/**
 * The text side of PostgreSQL migration planning: splitting a migration into statements and an
 * ALTER TABLE into its subcommands, and the few edits the safer plan makes (CONCURRENTLY, a
 * constraint name, NOT VALID), all on the tokens of PostgreSQL's own scanner (libpg-query), so
 * quoting, comments and dollar quotes are read the way the server reads them.
 */
import type { ParseResult } from '@pgsql/types';
import type * as LibPgQueryModule from 'libpg-query';
import { ToolError } from '../../../core/errors.js';
import { loadOnce } from '../../../core/load-once.js';

type LibPgQuery = typeof LibPgQueryModule;

const load = loadOnce<LibPgQuery>(async () => {
  const lib = await import('libpg-query');
  await lib.loadModule();
  return lib;
});

export interface Token {
  start: number;
  end: number;
  text: string;
  lower: string;
}

export interface Lexed {
  text: string;
  tokens: Token[];
}

export type PgNode = Record<string, unknown>;

export interface PgStatement {
  text: string;
  /** The statement's node type (AlterTableStmt, IndexStmt, ...) and body. */
  type: string;
  node: PgNode;
  lexed: Lexed;
}

/** Byte offsets (what libpg-query reports) to string offsets. */
function byteSlicer(text: string): (start: number, end: number) => string {
  const buf = Buffer.from(text, 'utf8');
  return (start, end) => buf.subarray(start, end).toString('utf8');
}

export async function lex(text: string): Promise<Lexed> {
  const lib = await load();
  const slice = byteSlicer(text);
  const scanned = lib.scanSync(text) as { tokens: { start: number; end: number }[] };
  // Re-based on string offsets so callers can slice `text` directly.
  const tokens = scanned.tokens.map((t) => {
    const before = slice(0, t.start).length;
    const body = slice(t.start, t.end);
    return { start: before, end: before + body.length, text: body, lower: body.toLowerCase() };
  });
  return { text, tokens };
}

/** The statements of a migration, each parsed alone (so AST locations are relative to its own text). */
export async function splitStatements(sql: string): Promise<PgStatement[]> {
  const lib = await load();
  let parsed: ParseResult;
  try {
    parsed = lib.parseSync(sql) as ParseResult;
  } catch (err) {
    throw new ToolError(
      'SQL_SYNTAX',
      `the migration does not parse as PostgreSQL: ${(err as Error).message}`,
      "Fix the SQL; plan_migration reads it with PostgreSQL's own parser (libpg-query).",
    );
  }
  const slice = byteSlicer(sql);
  const out: PgStatement[] = [];
  for (const raw of parsed.stmts ?? []) {
    const start = raw.stmt_location ?? 0;
    const text = slice(start, raw.stmt_len ? start + raw.stmt_len : Buffer.byteLength(sql)).trim();
    if (!text) continue;
    const alone = lib.parseSync(text) as ParseResult;
    const stmt = alone.stmts?.[0]?.stmt as PgNode | undefined;
    if (!stmt) continue;
    const [type, node] = Object.entries(stmt)[0] as [string, PgNode];
    out.push({ text, type, node, lexed: await lex(text) });
  }
  return out;
}

export const quoteIdent = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);

/** The first token at or after `from` whose lowercase text is one of `words`. */
export function findToken(lexed: Lexed, words: readonly string[], from = 0): number {
  return lexed.tokens.findIndex((t, i) => i >= from && words.includes(t.lower));
}

/** Inserts `what` right after token `i` (with a space). */
export function insertAfter(lexed: Lexed, i: number, what: string): string {
  const t = lexed.tokens[i]!;
  return `${lexed.text.slice(0, t.end)} ${what}${lexed.text.slice(t.end)}`;
}

/** Inserts `what` right before token `i`. */
export function insertBefore(lexed: Lexed, i: number, what: string): string {
  const t = lexed.tokens[i]!;
  return `${lexed.text.slice(0, t.start)}${what} ${lexed.text.slice(t.start)}`;
}

/** Removes token `i` (and the blank after it). */
export function removeToken(lexed: Lexed, i: number): string {
  const t = lexed.tokens[i]!;
  return `${lexed.text.slice(0, t.start)}${lexed.text.slice(t.end).replace(/^\s+/, '')}`;
}

/**
 * An ALTER TABLE split at its top-level commas: the head (`ALTER TABLE [IF EXISTS] [ONLY] name`)
 * and the text of each subcommand, in order.
 */
export function splitAlter(lexed: Lexed, relLocation: number): { head: string; commands: string[] } {
  const toks = lexed.tokens;
  let i = toks.findIndex((t) => t.start >= relLocation);
  if (i < 0) return { head: lexed.text, commands: [] };
  // name, or schema.name
  i += 1;
  while (toks[i]?.text === '.' && toks[i + 1]) i += 2;
  if (toks[i]?.text === '*') i += 1;
  const head = lexed.text.slice(0, toks[i - 1]!.end);
  const commands: string[] = [];
  let depth = 0;
  let start = toks[i]?.start;
  for (; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (t.text === ',' && depth === 0) {
      commands.push(lexed.text.slice(start, t.start).trim());
      start = toks[i + 1]?.start;
    }
  }
  if (start !== undefined) commands.push(lexed.text.slice(start).replace(/;\s*$/, '').trim());
  return { head, commands };
}

/** The text of tokens [from, to) of `lexed`. */
export function tokenText(lexed: Lexed, from: number, to: number): string {
  const a = lexed.tokens[from];
  const b = lexed.tokens[to - 1];
  return a && b ? lexed.text.slice(a.start, b.end) : '';
}

const COLUMN_CONSTRAINT_WORDS = [
  'default',
  'not',
  'null',
  'constraint',
  'check',
  'references',
  'unique',
  'primary',
  'generated',
  'collate',
];

/** In `ADD [COLUMN] name type ... DEFAULT expr ...`: the type text and the DEFAULT expression text. */
export function columnParts(lexed: Lexed): { type: string; default: string | null } {
  const toks = lexed.tokens;
  let i = 1;
  if (toks[i]?.lower === 'column') i++;
  if (toks[i]?.lower === 'if') i += 3;
  const typeStart = i + 1;
  let depth = 0;
  let j = typeStart;
  for (; j < toks.length; j++) {
    const t = toks[j]!;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && COLUMN_CONSTRAINT_WORDS.includes(t.lower)) break;
  }
  const type = tokenText(lexed, typeStart, j);
  const d = toks.findIndex((t, k) => k >= j && t.lower === 'default');
  if (d < 0) return { type, default: null };
  depth = 0;
  let e = d + 1;
  for (; e < toks.length; e++) {
    const t = toks[e]!;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && COLUMN_CONSTRAINT_WORDS.includes(t.lower) && t.lower !== 'null') break;
    else if (depth === 0 && t.lower === 'null' && toks[e - 1]?.lower === 'not') break;
  }
  // `NOT NULL` after the default: stop before NOT.
  if (toks[e - 1]?.lower === 'not') e -= 1;
  return { type, default: tokenText(lexed, d + 1, e) };
}
