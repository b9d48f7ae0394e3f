/**
 * Realistic values for placeholders ($1, ?) of normalized queries (pg_stat_statements, digests),
 * from the column statistics of the column each one is compared with: a typical non-dominant value
 * for equality (the middle histogram bound, else the least common of the most common values), a
 * bound that keeps about 5% of the rows for a one-sided range, and the middle tenth for BETWEEN.
 * The values are written into the text as literals, so the planner sees a custom plan.
 */
import type { ColumnFacts, PlannedQuery, QueryShape, TableStats } from '../../engines/contract/index-advisor.js';
import type { TableRef } from '../../engines/contract/engine.js';

export interface ParamChoice {
  value: string;
  table: TableRef;
  column: string;
}

function pick(f: ColumnFacts | undefined, op: string, text: string, position: number): string | undefined {
  if (!f) return undefined;
  const b = f.bounds;
  const at = (q: number) => b[Math.min(b.length - 1, Math.max(0, Math.round(q * (b.length - 1))))];
  if (op === 'range') {
    if (b.length === 0) return f.mcv.at(-1)?.value;
    if (/between/i.test(text)) return at(position === 0 ? 0.45 : 0.55);
    return /</.test(text) ? at(0.05) : at(0.95);
  }
  if (b.length) return at(0.5);
  return f.mcv.at(-1)?.value;
}

/** The value for each placeholder number that is compared with a column, with where it came from. */
export function chooseParams(shape: QueryShape, stats: ReadonlyMap<string, TableStats>): Map<number, ParamChoice> {
  const out = new Map<number, ParamChoice>();
  for (const a of shape.accesses) {
    const s = stats.get(`${a.table.schema}.${a.table.name}`);
    for (const p of a.predicates) {
      p.values.forEach((v, i) => {
        // an expression over one column (lower(email), created_at::date) takes a value of that column
        const column = p.term.column ?? (p.term.columns.length === 1 ? p.term.columns[0] : undefined);
        if (!('param' in v) || out.has(v.param) || !column) return;
        const value = pick(s?.columns.get(column), p.op, p.text, i);
        if (value !== undefined)
          out.set(v.param, { value, table: { schema: a.table.schema, name: a.table.name }, column });
      });
    }
  }
  return out;
}

/** The text with each placeholder replaced by a literal; string literals, quoted names and comments are left alone. */
export function substitute(sql: string, style: 'dollar' | 'question', literal: (n: number) => string): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length;) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = closing(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
      continue;
    }
    if (style === 'dollar' && ch === '$' && /\d/.test(sql[i + 1] ?? '') && !/[\w$]/.test(sql[i - 1] ?? '')) {
      const m = /^\$(\d+)/.exec(sql.slice(i))!;
      out += literal(Number(m[1]));
      i += m[0].length;
      continue;
    }
    if (style === 'question' && ch === '?') {
      out += literal(++n);
      i++;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

function closing(sql: string, start: number, quote: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i++;
      else return i + 1;
    }
  }
  return sql.length;
}

/** A query ready to plan, or the placeholders no statistic could fill. */
export function planned(
  sql: string,
  choices: ReadonlyMap<number, ParamChoice>,
  style: 'dollar' | 'question',
  literal: (v: string) => string,
  count: number,
): PlannedQuery | { missing: number[] } {
  if (count === 0) return { sql, params: [] };
  const missing: number[] = [];
  const text = substitute(sql, style, (n) => {
    const c = choices.get(n);
    if (c) return literal(c.value);
    // a placeholder not compared with a column: LIMIT / OFFSET and the like
    if (isLimitParam(sql, style, n)) return '10';
    missing.push(n);
    return 'NULL';
  });
  return missing.length ? { missing } : { sql: text, params: [] };
}

function isLimitParam(sql: string, style: 'dollar' | 'question', n: number): boolean {
  if (style === 'dollar')
    return new RegExp(`\\b(limit|offset|fetch\\s+first|fetch\\s+next)\\s+\\$${n}\\b`, 'i').test(sql);
  let seen = 0;
  const re = /\?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(sql))) {
    if (++seen === n)
      return /\b(limit|offset)\s*$/i.test(sql.slice(0, m.index)) || /\blimit\s+\?\s*,\s*$/i.test(sql.slice(0, m.index));
  }
  return false;
}
