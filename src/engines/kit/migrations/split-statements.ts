/**
 * Splits a MySQL/MariaDB or SQLite migration into statement texts at top-level semicolons,
 * skipping quotes ('...', "...", `...`, [...] for SQLite), comments (-- , #, /* *\/) and SQLite
 * trigger bodies (BEGIN ... END). The caller parses every piece with the dialect's real parser
 * (sqlparser-rs), which must find exactly one statement in it, so a wrong split cannot pass.
 */
import type { SqlparserDialect } from '../sqlparser/parser.js';

export function splitStatements(sql: string, dialect: SqlparserDialect): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = sql.length;
  const push = (end: number) => {
    const text = sql.slice(start, end).trim();
    if (text && !/^(\s|--[^\n]*(\n|$)|#[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)*$/.test(text)) out.push(text);
    start = end + 1;
  };
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"' || c === '`' || (c === '[' && dialect === 'sqlite')) {
      const close = c === '[' ? ']' : c;
      i++;
      for (;;) {
        while (i < n && sql[i] !== close) i += sql[i] === '\\' && dialect === 'mysql' && c !== '`' ? 2 : 1;
        if (close === ']' || sql[i + 1] !== close) break;
        i += 2; // a doubled quote: still inside
      }
      i++;
    } else if ((c === '-' && next === '-') || (c === '#' && dialect === 'mysql')) {
      while (i < n && sql[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === ';') {
      const current = sql.slice(start, i);
      const trigger = /^\s*create\s+(temp\w*\s+)?trigger\b/i.test(current);
      if (!trigger || /\bend\s*$/i.test(current)) push(i);
      i++;
    } else i++;
  }
  push(n);
  return out;
}
