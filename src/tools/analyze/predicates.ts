/**
 * INDEX_NOT_USABLE: a full scan whose filter hides an indexed column from its index: a function
 * or cast around the column (lower(email) = ..., date(created_at) = ..., PostgreSQL
 * created_at::date, CAST(x AS ...)), or a LIKE whose pattern starts with a wildcard. The
 * index is taken from the catalog (its leading column), so the finding names it. Also: a text
 * column compared with a number (the engine converts the column, row by row), and an OR across
 * different columns that no single index serves.
 */
import type { PlanNode } from '../../engines/contract/query-plan.js';
import type { IndexInfo, TableDetail } from '../../engines/contract/engine.js';
import { columnsIn, fmt, PROPOSE, qualified, rowsOut, statsEvidence, type Context, type Finding } from './common.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Hidden {
  column: string;
  index: IndexInfo;
  kind: 'function' | 'cast' | 'leading_wildcard' | 'arithmetic';
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
      [
        'function',
        new RegExp(
          `\\b(?!cast\\b|and\\b|or\\b|not\\b|in\\b|any\\b|all\\b)([A-Za-z_][\\w$]*)\\s*\\(\\s*${col}\\s*(?:[),]|::)`,
          'i',
        ),
      ],
      // a later argument: date_trunc('day'::text, orders.created_at), date_format(created_at, ...)
      [
        'function',
        new RegExp(
          `\\b(?!cast\\b|and\\b|or\\b|not\\b|in\\b|any\\b|all\\b)([A-Za-z_][\\w$]*)\\s*\\([^()]*(?:\\([^()]*\\)[^()]*)*,\\s*${col}\\s*[),]`,
          'i',
        ),
      ],
      ['function', new RegExp(`\\bextract\\s*\\(\\s*\\w+\\s+from\\s+${col}\\s*\\)`, 'i')],
      ['leading_wildcard', new RegExp(`${col}\\s*(?:\\)\\s*)?(?:~~\\*?|(?:not\\s+)?i?like)\\s*'%`, 'i')],
      // arithmetic on the column: (created_at + '1 day'::interval) > ..., price * 2 > ...
      ['arithmetic', new RegExp(`(?<![\\w.\`"])${col}\\s*[-+*/%]\\s*[\\w'(]|[-+*/%]\\s*${col}(?![\\w\`"])`, 'i')],
    ];
    for (const [kind, re] of checks) {
      const m = re.exec(filter);
      if (m) {
        const expression = m[0].trim();
        return {
          column,
          index,
          kind,
          expression: expression.length > 120 ? `${expression.slice(0, 120)}...` : expression,
        };
      }
    }
  }
  return undefined;
}

const TEXT_TYPE =
  /^(text|citext|character varying|varchar|char|character|nvarchar|nchar|bpchar|tinytext|mediumtext|longtext|enum)\b/i;
const NUMERIC_CAST = '(?:numeric|integer|bigint|smallint|int|real|double precision|decimal|float8|float4|int4|int8)\\b';

/** A text column with an index, compared with a number: PostgreSQL (col)::numeric, MySQL/MariaDB col = 42. */
export function typeMismatch(
  filter: string,
  table: TableDetail,
): { column: string; index: IndexInfo; expression: string; literal: string } | undefined {
  for (const index of table.indexes) {
    const column = index.columns[0];
    if (!index.valid || !column || !/^[A-Za-z_][\w$]*$/.test(column)) continue;
    const info = table.columns.find((c) => c.name.toLowerCase() === column.toLowerCase());
    if (!info || !TEXT_TYPE.test(info.type)) continue;
    const col = `(?:[\`"]?[A-Za-z_][\\w$]*[\`"]?\\.)*[\`"]?${escape(column)}[\`"]?`;
    const pg = new RegExp(
      `\\(${col}\\)::${NUMERIC_CAST}\\s*(?:=|<>|<|>|<=|>=)\\s*'?(-?[\\d.]+)(?:'(?:::[\\w ]+)?)?`,
      'i',
    ).exec(filter);
    const my = new RegExp(
      `(?<![\\w.\`"])${col}\\s*(?:=|<>|!=|<|>|<=|>=|in\\s*\\()\\s*(-?\\d+(?:\\.\\d+)?)(?![\\d'\\w])`,
      'i',
    ).exec(filter);
    const m = pg ?? my;
    if (m) return { column, index, expression: m[0].trim(), literal: m[1]! };
  }
  return undefined;
}

/** An OR whose branches test different columns: one index cannot serve it. */
export function orAcrossColumns(
  filter: string,
  table: TableDetail,
): { columns: string[]; indexed: string[]; missing: string[] } | undefined {
  const plain = filter.replace(/'(?:[^']|'')*'/g, "''");
  if (!/\bor\b/i.test(plain)) return undefined;
  const branches = plain.split(/\bor\b/i);
  const columns: string[] = [];
  for (const b of branches) {
    const first = columnsIn(b, table)[0];
    if (!first) return undefined;
    if (!columns.includes(first)) columns.push(first);
  }
  if (columns.length < 2) return undefined;
  const lead = (c: string) => table.indexes.some((i) => i.valid && i.columns[0]?.toLowerCase() === c.toLowerCase());
  const indexed = columns.filter(lead);
  if (indexed.length === 0) return undefined;
  return { columns, indexed, missing: columns.filter((c) => !lead(c)) };
}

export function indexNotUsable(node: PlanNode, ctx: Context): Finding | undefined {
  const table = ctx.tableOf(node);
  if (node.op !== 'seq_scan' || !node.filter || !table) return undefined;
  const filterText = node.filter.length > 200 ? `${node.filter.slice(0, 200)}...` : node.filter;
  const target0 = qualified(node);
  const rows0 = ctx.rowsOf(node);
  const mismatch = typeMismatch(node.filter, table);
  if (mismatch) {
    const type = table.columns.find((c) => c.name.toLowerCase() === mismatch.column.toLowerCase())?.type ?? 'text';
    return {
      code: 'INDEX_NOT_USABLE',
      severity: 'warning',
      message: `Full scan of ${target0}${rows0 !== null ? ` (${fmt(rows0)} rows)` : ''} although ${mismatch.column} has an index (${mismatch.index.name}): the ${type} column is compared with the number ${mismatch.literal}, so every row's value is converted and the index cannot serve it.`,
      ...ctx.base(node),
      evidence: {
        table: target0,
        table_rows: rows0,
        column: mismatch.column,
        column_type: type,
        index: mismatch.index.name,
        predicate: 'type_mismatch',
        expression: mismatch.expression,
        filter: filterText,
        rows_returned: rowsOut(node, ctx.plan.analyzed) ?? null,
        ...statsEvidence(ctx, node, mismatch.column),
      },
      fix: `Compare with the column's own type: ${mismatch.column} = '${mismatch.literal}' (a string literal, or a string parameter) so ${mismatch.index.name} applies; if the values are numbers, store them in a numeric column.`,
    };
  }
  const or = orAcrossColumns(node.filter, table);
  if (or) {
    const target = target0;
    const sides = or.columns.map((c) => `SELECT ... FROM ${target} WHERE ${c} = ...`).join(' UNION ALL ');
    return {
      code: 'INDEX_NOT_USABLE',
      severity: 'warning',
      message: `Full scan of ${target}${rows0 !== null ? ` (${fmt(rows0)} rows)` : ''}: the filter ORs conditions on different columns (${or.columns.join(', ')}), and ${or.missing.length ? `${or.missing.join(', ')} has no index, so no index can serve the OR` : 'the planner did not combine their indexes'}.`,
      ...ctx.base(node),
      evidence: {
        table: target,
        table_rows: rows0,
        column: or.columns.join(', '),
        indexed_columns: or.indexed.join(', '),
        unindexed_columns: or.missing.join(', ') || null,
        predicate: 'or_across_columns',
        filter: filterText,
        rows_returned: rowsOut(node, ctx.plan.analyzed) ?? null,
        ...statsEvidence(ctx, node, or.missing[0] ?? or.columns[0]),
      },
      fix: or.missing.length
        ? `Index every column of the OR so the engine can combine the indexes (PostgreSQL BitmapOr, MySQL index_merge): ${PROPOSE} ${or.missing.map((c) => `CREATE INDEX ON ${target} (${c});`).join(' ')} or split the query: ${sides} (UNION, not UNION ALL, if a row can match both).`
        : `Split the OR into one indexed query per column: ${sides} (UNION if a row can match both), or refresh statistics (ANALYZE) so the planner combines the indexes (BitmapOr / index_merge).`,
    };
  }
  const hidden = hiddenIndexedColumn(node.filter, table.indexes);
  if (!hidden) return prefixLikeNotServed(node, table, ctx);
  const target = qualified(node);
  const { column, index, kind, expression } = hidden;
  const how = {
    leading_wildcard: 'a LIKE pattern that starts with a wildcard',
    cast: 'a cast of the column',
    function: 'a function around the column',
    arithmetic: 'arithmetic on the column',
  }[kind];
  const bare = expression.replace(/(?:[`"]?[A-Za-z_][\w$]*[`"]?\.)+(?=[`"]?[A-Za-z_])/g, '').trim();
  const exprIndex =
    /[)\w]$/.test(bare) && (bare.match(/\(/g)?.length ?? 0) === (bare.match(/\)/g)?.length ?? 0)
      ? `CREATE INDEX ON ${target} ((${bare}))`
      : 'CREATE INDEX on the same expression';
  const fix =
    kind === 'leading_wildcard'
      ? `A B-tree index cannot find '%...' patterns: anchor the pattern at the start ('abc%') if the search allows it; otherwise a trigram index on PostgreSQL (CREATE EXTENSION pg_trgm; CREATE INDEX ON ${target} USING gin (${column} gin_trgm_ops);), a FULLTEXT index on MySQL/MariaDB.`
      : `Leave ${column} bare so ${index.name} applies: ${rewrite(column, bare, kind)}; or index the expression itself (${exprIndex}; MariaDB: a virtual column and an index on it).`;
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
      filter: filterText,
      rows_returned: returned ?? null,
      ...statsEvidence(ctx, node, column),
    },
    fix,
  };
}

/** How to write the condition with the column bare, by what was done to it. */
function rewrite(column: string, expression: string, kind: Hidden['kind']): string {
  if (kind === 'arithmetic')
    return `move the arithmetic to the other side of the comparison (${column} > <value> - interval '1 day' rather than ${column} + interval '1 day' > <value>)`;
  if (/^(lower|upper)\s*\(/i.test(expression))
    return `compare ${column} itself with the value as stored (store it normalized, or use a case-insensitive collation/citext)`;
  if (/date|time|year|month|day|trunc/i.test(expression))
    return `compare ${column} with a range instead (${column} >= '2024-01-02' AND ${column} < '2024-01-03' rather than date(${column}) = '2024-01-02')`;
  return `convert the constant on the other side instead of the column (${column} = <value of the column's type>)`;
}

/**
 * An ILIKE (PostgreSQL `~~*`) not led by a wildcard on a B-tree-indexed column, under a selective
 * full scan: the B-tree on the column cannot serve a case-insensitive match. And a LIKE anchored
 * at the start (PostgreSQL prints `col ~~ 'abc%'`) on a column whose B-tree index
 * leads with it, yet a full scan under a selective filter: a plain B-tree serves LIKE prefixes only
 * under the C collation, so under any other (en_US, C.UTF-8, ...) it needs the pattern operator
 * class (text_pattern_ops / varchar_pattern_ops) or an index on the column COLLATE "C".
 */
function prefixLikeNotServed(node: PlanNode, table: TableDetail, ctx: Context): Finding | undefined {
  if (!node.filter) return undefined;
  for (const index of table.indexes) {
    const column = index.columns[0];
    if (
      !index.valid ||
      !column ||
      (index.method ?? 'btree').toLowerCase() !== 'btree' ||
      !/^[A-Za-z_][\w$]*$/.test(column)
    )
      continue;
    const col = `(?:"?[A-Za-z_][\\w$]*"?\\.)*"?${escape(column)}"?`;
    const m = new RegExp(`(?<![\\w."])${col}\\s*(~~\\*?)\\s*'([^%_'\\\\][^']*)'`, 'i').exec(node.filter);
    if (!m || !/[%_]/.test(m[2]!)) continue;
    const info = table.columns.find((c) => c.name.toLowerCase() === column.toLowerCase());
    const opclass =
      info && /^(character varying|varchar)/i.test(info.type) ? 'varchar_pattern_ops' : 'text_pattern_ops';
    const target = qualified(node);
    const rows = ctx.rowsOf(node);
    const evidence = {
      table: target,
      table_rows: rows,
      column,
      index: index.name,
      index_columns: index.columns.join(', '),
      predicate: m[1] === '~~*' ? 'case_insensitive_like' : 'pattern_collation',
      expression: m[0].trim(),
      filter: node.filter.length > 200 ? `${node.filter.slice(0, 200)}...` : node.filter,
      rows_returned: rowsOut(node, ctx.plan.analyzed) ?? null,
      ...statsEvidence(ctx, node, column),
    };
    if (m[1] === '~~*') {
      return {
        code: 'INDEX_NOT_USABLE',
        severity: 'warning',
        message: `Full scan of ${target}${rows !== null ? ` (${fmt(rows)} rows)` : ''} although ${column} has an index (${index.name}): ILIKE '${m[2]}' is case-insensitive, which a B-tree on the column itself cannot serve.`,
        ...ctx.base(node),
        evidence,
        fix: `Search the lower-cased value through an expression index: WHERE lower(${column}) LIKE lower('${m[2]}') with ${PROPOSE} CREATE INDEX ON ${target} (lower(${column}) ${opclass}); or a trigram index, which serves ILIKE as written (CREATE EXTENSION pg_trgm; CREATE INDEX ON ${target} USING gin (${column} gin_trgm_ops);), or a citext column.`,
      };
    }
    return {
      code: 'INDEX_NOT_USABLE',
      severity: 'warning',
      message: `Full scan of ${target}${rows !== null ? ` (${fmt(rows)} rows)` : ''} although ${column} has an index (${index.name}): the LIKE '${m[2]}' is anchored at the start, but a plain B-tree serves LIKE prefixes only under the C collation, and this index's collation is not C.`,
      ...ctx.base(node),
      evidence,
      fix: `Add an index with the pattern operator class for prefix searches: ${PROPOSE} CREATE INDEX ON ${target} (${column} ${opclass}); (or on (${column} COLLATE "C")); it also serves equality, so it can replace ${index.name} unless ${index.name} backs a constraint or serves ORDER BY / range comparisons.`,
    };
  }
  return undefined;
}
