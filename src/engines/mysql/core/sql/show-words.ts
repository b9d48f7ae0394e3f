/**
 * SHOW statements sqlparser-rs has no grammar for (SHOW ENGINE INNODB STATUS, SHOW TABLE STATUS,
 * SHOW INDEX FROM t, SHOW SLAVE STATUS, ...) come back as `ShowVariable`: a bare list of the words
 * it met, silently dropping whatever else the text held. `SHOW TABLE STATUS WHERE SLEEP(1)` parses
 * to [TABLE, STATUS, WHERE, SLEEP], and the server runs the SLEEP for every table. So that tree is
 * never trusted: the text itself must be words, quoted names, user@host strings, numbers, `.` and
 * `,` only, plus an optional `LIKE 'pattern'`, and an optional `WHERE <expression>` that the caller
 * classifies as the condition of a SELECT (so its functions and subqueries are judged like any read).
 */
import type { TableName } from '../../../../core/classification.js';
import { unquote } from './metadata-reads.js';

/**
 * One token; sticky, so nothing unexpected can sit between two tokens. Strings are lexed as the
 * read session lexes them: backslash escapes on and `"` quoting strings (src/engines/mysql/session.ts
 * drops NO_BACKSLASH_ESCAPES and ANSI_QUOTES from sql_mode), so `'a\' OR 1 -- '` is one string
 * here too. A name may start with digits (`2fa_codes`) as on the server; a number is digits only.
 * Only ASCII white space separates tokens: the server reads U+00A0 and its kin as part of a name.
 */
const TOKEN =
  /[ \t\n\r\f\v]*(?:(`(?:[^`]|``)+`)|('(?:[^'\\]|\\[\s\S]|'')*'|"(?:[^"\\]|\\[\s\S]|"")*")|(CURRENT_USER[ \t]*\([ \t]*\))|(\d+(?![\p{L}\p{N}_$]))|([\p{L}\p{N}_$]+)|([@,.]))/iuy;
const END = /[ \t\n\r\f\v]*;?[ \t\n\r\f\v]*$/y;

/** The statements that name a table: SHOW INDEX|INDEXES|KEYS FROM|IN t [FROM|IN db]. */
const TABLE_SHOWS = new Set(['INDEX', 'INDEXES', 'KEYS']);
/** SHOW PLUGINS SONAME 'lib' opens the library file to list its plugins. */
const REFUSED = /^PLUGINS\s+SONAME$/i;

export type ShowWords = { ok: true; where?: string; tables: TableName[] } | { ok: false; reason: string };

export function showWords(sql: string): ShowWords {
  const start = /^[ \t\n\r\f\v]*SHOW\b/iy;
  if (!start.test(sql)) return { ok: false, reason: 'not a SHOW statement' };
  let pos = start.lastIndex;
  const words: string[] = [];
  for (;;) {
    END.lastIndex = pos;
    if (END.test(sql)) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(sql);
    if (!m)
      return {
        ok: false,
        reason: `SHOW with text the parser does not read (at "${sql.slice(pos, pos + 20).trim()}"): only names, quoted strings, numbers, LIKE 'pattern' and WHERE <condition> are allowed`,
      };
    pos = TOKEN.lastIndex;
    const word = m[5];
    if (word && word.toUpperCase() === 'WHERE') return finish(words, sql.slice(pos));
    words.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? m[6]!);
  }
  return finish(words);
}

function finish(words: string[], where?: string): ShowWords {
  if (REFUSED.test(words.slice(0, 2).join(' ')))
    return { ok: false, reason: 'SHOW PLUGINS SONAME opens a library file on the server' };
  return { ok: true, ...(where !== undefined ? { where } : {}), tables: tablesOf(words) };
}

/** SHOW INDEX FROM t [FROM db] and its spellings name table t (for deny_tables); other SHOWs name none. */
function tablesOf(all: readonly string[]): TableName[] {
  const at = all.slice(0, 3).findIndex((w) => TABLE_SHOWS.has(w.toUpperCase())); // after EXTENDED / FULL
  if (at < 0) return [];
  const words = all.slice(at);
  const from = (i: number) => (/^(FROM|IN)$/i.test(words[i] ?? '') ? words[i + 1] : undefined);
  const first = from(1);
  if (!first) return [];
  const qualified = words[3] === '.';
  const name = unquote(qualified ? (words[4] ?? '') : first);
  const written = qualified ? unquote(first) : undefined;
  const db = from(qualified ? 5 : 3);
  // `FROM db.t FROM other`: the server takes the last database named
  return underEachSchema(
    name,
    [db && unquote(db), written].filter((s): s is string => s !== undefined),
  );
}

/** Table `name` under every database written for it (or unqualified when none), so a deny list matches whichever the server takes. */
export function underEachSchema(name: string, schemas: readonly string[]): TableName[] {
  const distinct = [...new Set(schemas)];
  return distinct.length ? distinct.map((schema) => ({ schema, name })) : [{ name }];
}
