/**
 * INDEX_NOT_USABLE: a full scan whose filter hides an indexed column from its index: a function
 * or cast around the column (lower(email) = ..., date(created_at) = ..., PostgreSQL
 * created_at::date, CAST(x AS ...)), or a LIKE whose pattern starts with a wildcard. The
 * index is taken from the catalog (its leading column), so the finding names it.
 */
import type { PlanNode } from '../../engines/plan.js';
import type { IndexInfo } from '../../engines/types.js';
import { fmt, qualified, rowsOut, type Context, type Finding } from './common.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Hidden {
  column: string;
  index: IndexInfo;
  kind: 'function' | 'cast' | 'leading_wildcard';
  expression: string;
}

/** The first indexed column the filter hides from its index, with how. */
export function hiddenIndexedColumn(filter: string, indexes: readonly IndexInfo[]): Hidden | undefined {
  for (const index of indexes) {
    const column = index.columns[0];
    if (!index.valid || !column || !/^[A-Za-z_][\w$]*$/.test(column)) continue; // an expression index is its own matter
    // the column, possibly qualified and quoted: orders.email, `db`.`t`.`email`, "email"
    const col = `(?:[\`"]?[A-Za-z_][\\w$]*[\`"]?\\.)*[\`"]?${escape(column)}[\`"]?`;
    const checks: [Hidden['kind'], RegExp][] = [
      ['cast', new RegExp(`\\bcast\\s*\\(\\s*${col}\\s+as\\s+[^)]*\\)`, 'i')],
      ['cast', new RegExp(`\\(${col}\\)::[\\w ]+|(?<![\\w.\`"])${col}::[\\w ]+`, 'i')],
      ['function', new RegExp(`\\b(?!cast\\b|and\\b|or\\b|not\\b|in\\b|any\\b|all\\b)([A-Za-z_][\\w$]*)\\s*\\(\\s*${col}\\s*(?:[),]|::)`, 'i')],
      ['leading_wildcard', new RegExp(`${col}\\s*(?:\\)\\s*)?(?:~~\\*?|(?:not\\s+)?i?like)\\s*'%`, 'i')],
    ];
    for (const [kind, re] of checks) {
      const m = re.exec(filter);
      if (m) {
        const expression = m[0].trim();
        return { column, index, kind, expression: expression.length > 120 ? `${expression.slice(0, 120)}...` : expression };
      }
    }
  }
  return undefined;
}

export function indexNotUsable(node: PlanNode, ctx: Context): Finding | undefined {
  const table = ctx.tableOf(node);
  if (node.op !== 'seq_scan' || !node.filter || !table) return undefined;
  const hidden = hiddenIndexedColumn(node.filter, table.indexes);
  if (!hidden) return undefined;
  const target = qualified(node);
  const { column, index, kind, expression } = hidden;
  const how = kind === 'leading_wildcard' ? 'a LIKE pattern that starts with a wildcard' : kind === 'cast' ? 'a cast of the column' : 'a function around the column';
  const bare = expression.replace(/(?:[`"]?[A-Za-z_][\w$]*[`"]?\.)+(?=[`"]?[A-Za-z_])/g, '').trim();
  const exprIndex = /[)\w]$/.test(bare) && (bare.match(/\(/g)?.length ?? 0) === (bare.match(/\)/g)?.length ?? 0) ? `CREATE INDEX ON ${target} ((${bare}))` : 'CREATE INDEX on the same expression';
  const fix =
    kind === 'leading_wildcard'
      ? `A B-tree index cannot find '%...' patterns: anchor the pattern at the start ('abc%') if the search allows it; otherwise a trigram index on PostgreSQL (CREATE EXTENSION pg_trgm; CREATE INDEX ON ${target} USING gin (${column} gin_trgm_ops);), a FULLTEXT index on MySQL/MariaDB.`
      : `Leave ${column} bare so ${index.name} applies: ${rewrite(column, bare)}; or index the expression itself (${exprIndex}; MariaDB: a virtual column and an index on it).`;
  const returned = rowsOut(node, ctx.plan.analyzed);
  return {
    code: 'INDEX_NOT_USABLE',
    severity: 'warning',
    message: `Full scan of ${target}${ctx.rowsOf(node) !== null ? ` (${fmt(ctx.rowsOf(node)!)} rows)` : ''} although ${column} has an index (${index.name}): the filter uses ${how} (${expression}), which the index cannot serve.`,
    ...ctx.base(node),
    evidence: {
      table: target,
      table_rows: ctx.rowsOf(node),
      column,
      index: index.name,
      index_columns: index.columns.join(', '),
      predicate: kind,
      expression,
      filter: node.filter.length > 200 ? `${node.filter.slice(0, 200)}...` : node.filter,
      rows_returned: returned ?? null,
    },
    fix,
  };
}

/** How to write the condition with the column bare, by what was done to it. */
function rewrite(column: string, expression: string): string {
  if (/^(lower|upper)\s*\(/i.test(expression)) return `compare ${column} itself with the value as stored (store it normalized, or use a case-insensitive collation/citext)`;
  if (/date|time|year|month|day|trunc/i.test(expression)) return `compare ${column} with a range instead (${column} >= '2024-01-02' AND ${column} < '2024-01-03' rather than date(${column}) = '2024-01-02')`;
  return `convert the constant on the other side instead of the column (${column} = <value of the column's type>)`;
}
