/**
 * What the findings need to know about the statement's own text, read conservatively at the top
 * level (outside parentheses, comments and string literals): is it a SELECT, does it have a LIMIT
 * (or FETCH FIRST), does its outer select list start with `*` (or `t.*`), is it grouped, and its
 * GROUP BY / DISTINCT keys. Anything unclear answers "no", so no finding is invented from it.
 */

export interface StatementFacts {
  /** A SELECT (or WITH ... SELECT): the only statements a missing LIMIT matters for. */
  isSelect: boolean;
  hasLimit: boolean;
  /** The outer select list is, or starts with, `*` or `alias.*`. */
  selectStar: boolean;
  /** GROUP BY, DISTINCT or an aggregate in the outer select list: few rows may come back from many. */
  grouped: boolean;
  /** The outer GROUP BY keys (else the DISTINCT select list), as written. */
  groupKeys: string[];
  /** `x [NOT] IN (SELECT y ...)` anywhere in the statement: the tested expression, the subquery's column, and NOT. */
  inSubqueries?: InSubquery[];
}

export interface InSubquery {
  outer: string;
  inner: string;
  negated: boolean;
}

export const NO_FACTS: StatementFacts = {
  isSelect: false,
  hasLimit: false,
  selectStar: false,
  grouped: false,
  groupKeys: [],
};

const AGGREGATE =
  /\b(count|sum|avg|min|max|group_concat|string_agg|array_agg|json_agg|jsonb_agg|bool_and|bool_or|every|stddev|variance)\s*\(/i;

/** The text with comments removed and string literals and parenthesized parts blanked, same length. */
export function topLevel(sql: string): string {
  const noComments = sql
    .replace(/\/\*[\s\S]*?\*\//g, (m) => ' '.repeat(m.length))
    .replace(/--[^\n]*/g, (m) => ' '.repeat(m.length));
  const noStrings = noComments.replace(/'(?:[^']|'')*'/g, (m) => ' '.repeat(m.length));
  let depth = 0;
  let out = '';
  for (const ch of noStrings) {
    if (ch === '(') depth++;
    out += depth > 0 ? ' ' : ch;
    if (ch === ')') depth = Math.max(0, depth - 1);
  }
  return out;
}

export function statementFacts(sql: string): StatementFacts {
  const top = topLevel(sql);
  const first = /^\s*(\w+)/.exec(top)?.[1]?.toLowerCase();
  if (first !== 'select' && first !== 'with') return NO_FACTS;
  // the outer SELECT: the first one at the top level (a CTE's body is inside parentheses)
  const select = /\bselect\b/i.exec(top);
  if (!select) return NO_FACTS;
  const afterSelect = select.index + select[0].length;
  const from = /\bfrom\b/i.exec(top.slice(afterSelect));
  const listEnd = from ? afterSelect + from.index : top.length;
  // the select list keeps its parentheses (aggregates) from the text without comments and strings
  const plain = sql
    .replace(/\/\*[\s\S]*?\*\//g, (m) => ' '.repeat(m.length))
    .replace(/--[^\n]*/g, (m) => ' '.repeat(m.length));
  const list = plain.slice(afterSelect, listEnd);
  const distinct = /^\s*distinct\b/i.test(list);
  const items = list.replace(/^\s*(distinct|all)\b/i, '');
  const selectStar = /^\s*(?:(?:[`"]?[A-Za-z_][\w$]*[`"]?\s*\.\s*)*\*)\s*(?:,|$)/.test(items);
  const groupBy = /\bgroup\s+by\b/i.exec(top);
  const groupKeys = groupBy
    ? clauseAfter(plain, groupBy.index + groupBy[0].length, top)
    : distinct
      ? splitList(items)
      : [];
  const noStrings = plain.replace(/'(?:[^']|'')*'/g, (m) => ' '.repeat(m.length));
  const ident = '(?:[`"]?[A-Za-z_][\\w$]*[`"]?\\.)?[`"]?[A-Za-z_][\\w$]*[`"]?';
  const inSubqueries = [
    ...noStrings.matchAll(
      new RegExp(`(${ident})\\s+(not\\s+)?in\\s*\\(\\s*select\\s+(?:distinct\\s+)?(${ident})\\s+from\\b`, 'gi'),
    ),
  ].map((m) => ({ outer: m[1]!, inner: m[3]!, negated: Boolean(m[2]) }));
  return {
    isSelect: true,
    hasLimit: /\b(limit|fetch\s+(first|next))\b/i.test(top),
    selectStar,
    grouped: Boolean(groupBy) || distinct || AGGREGATE.test(items),
    groupKeys,
    inSubqueries,
  };
}

/** A clause's comma-separated items, from `start` to the next top-level clause keyword. */
function clauseAfter(plain: string, start: number, top: string): string[] {
  const end = /\b(having|order\s+by|limit|offset|fetch|window|union|intersect|except|for)\b/i.exec(top.slice(start));
  return splitList(plain.slice(start, end ? start + end.index : plain.length).replace(/;\s*$/, ''));
}

function splitList(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      items.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) items.push(cur.trim());
  return items.filter(Boolean);
}
