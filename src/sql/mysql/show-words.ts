/**
 * SHOW statements sqlparser-rs has no grammar for (SHOW ENGINE INNODB STATUS, SHOW TABLE STATUS,
 * SHOW INDEX FROM t, SHOW SLAVE STATUS, ...) come back as `ShowVariable`: a bare list of the words
 * it met, silently dropping whatever else the text held. `SHOW TABLE STATUS WHERE SLEEP(1)` parses
 * to [TABLE, STATUS, WHERE, SLEEP], and the server runs the SLEEP for every table. So that tree is
 * never trusted: the text itself must be words, quoted names, user@host strings, numbers, `.` and
 * `,` only, plus an optional `LIKE 'pattern'`, and an optional `WHERE <expression>` that the caller
 * classifies as the condition of a SELECT (so its functions and subqueries are judged like any read).
 */
import type { TableName } from '../types.js';

/**
 * One token; sticky, so nothing unexpected can sit between two tokens. Strings are lexed as the
 * read session lexes them: backslash escapes on (src/engines/mysql/session.ts drops
 * NO_BACKSLASH_ESCAPES and ANSI_QUOTES from sql_mode), so `'a\' OR 1 -- '` is one string here too.
 */
const TOKEN = /\s*(?:(`(?:[^`]|``)+`)|('(?:[^'\\]|\\[\s\S]|'')*')|(\d+)|([A-Za-z_$][\w$]*)|([@,.]))/y;
const END = /\s*;?\s*$/y;

/** The statements that name a table: SHOW INDEX|INDEXES|KEYS FROM|IN t [FROM|IN db]. */
const TABLE_SHOWS = new Set(['INDEX', 'INDEXES', 'KEYS']);

export type ShowWords = { ok: true; where?: string; tables: TableName[] } | { ok: false; reason: string };

const unquote = (ident: string) => (ident.startsWith('`') ? ident.slice(1, -1).replace(/``/g, '`') : ident);

export function showWords(sql: string): ShowWords {
  const start = /^\s*SHOW\b/iy;
  if (!start.test(sql)) return { ok: false, reason: 'not a SHOW statement' };
  let pos = start.lastIndex;
  const words: string[] = [];
  for (;;) {
    END.lastIndex = pos;
    if (END.test(sql)) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(sql);
    if (!m) return { ok: false, reason: `SHOW with text the parser does not read (at "${sql.slice(pos, pos + 20).trim()}"): only names, quoted strings, numbers, LIKE 'pattern' and WHERE <condition> are allowed` };
    pos = TOKEN.lastIndex;
    const word = m[4];
    if (word && word.toUpperCase() === 'WHERE') return { ok: true, where: sql.slice(pos), tables: tablesOf(words) };
    words.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5]!);
  }
  return { ok: true, tables: tablesOf(words) };
}

/** SHOW INDEX FROM t [FROM db] and its spellings name table t (for deny_tables); other SHOWs name none. */
function tablesOf(all: readonly string[]): TableName[] {
  const at = all.slice(0, 3).findIndex((w) => TABLE_SHOWS.has(w.toUpperCase())); // after EXTENDED / FULL
  if (at < 0) return [];
  const words = all.slice(at);
  const from = (i: number) => (/^(FROM|IN)$/i.test(words[i] ?? '') ? words[i + 1] : undefined);
  const table = from(1);
  if (!table) return [];
  if (words[3] === '.') return [{ schema: unquote(table), name: unquote(words[4] ?? '') }];
  const schema = from(3);
  return [schema ? { schema: unquote(schema), name: unquote(table) } : { name: unquote(table) }];
}
