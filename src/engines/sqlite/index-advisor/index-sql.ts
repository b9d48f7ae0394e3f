/**
 * Pieces of a CREATE INDEX statement that SQLite's PRAGMAs do not return: key expressions and
 * the partial-index WHERE clause. Splits at top level only (parentheses and quotes respected).
 */

function scan(sql: string, visit: (ch: string, depth: number, i: number) => boolean | void): void {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '[') quote = ']';
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (visit(ch, depth, i) === true) return;
  }
}

/** The key list of `CREATE INDEX name ON table (a, lower(b))`, as written. */
export function indexExpressions(sql: string): string[] {
  const parts: string[] = [];
  let start = -1;
  scan(sql, (ch, depth, i) => {
    if (ch === '(' && depth === 1 && start < 0) start = i + 1;
    else if (start >= 0 && ((ch === ',' && depth === 1) || (ch === ')' && depth === 0))) {
      parts.push(sql.slice(start, i).trim());
      start = i + 1;
      if (ch === ')') return true;
    }
  });
  return parts.map((p) => p.replace(/\s+(ASC|DESC)$/i, '').replace(/\s+COLLATE\s+\S+$/i, ''));
}

/** The WHERE clause of a partial index, or null. */
export function indexPredicate(sql: string): string | null {
  let at = -1;
  scan(sql, (_ch, depth, i) => {
    if (depth === 0 && /^\sWHERE\s/i.test(sql.slice(i, i + 7))) at = i + 7;
  });
  return at >= 0 ? sql.slice(at).trim() : null;
}
