/**
 * Findings about what the statement produces rather than how one step reads:
 *   USING_TEMPORARY            MySQL/MariaDB build a temporary table (GROUP BY / DISTINCT) over a large input;
 *   MISSING_LIMIT_LARGE_RESULT a SELECT without LIMIT returns >= LARGE_TABLE_ROWS rows;
 *   SELECT_STAR_WIDE           SELECT * of a table with many columns or wide rows.
 */
import type { PlanNode } from '../../engines/contract/query-plan.js';
import { walkPlan } from '../../engines/contract/query-plan.js';
import { columnsIn, fmt, LARGE_TABLE_ROWS, PROPOSE, qualified, rowsOut, type Context, type Finding } from './common.js';

export const WIDE_COLUMNS = 15;
export const WIDE_ROW_BYTES = 2_048;

export function usingTemporary(node: PlanNode, ctx: Context): Finding | undefined {
  if (node.label !== 'Using temporary') return undefined;
  const scans = [...walkPlan(node)].map((w) => w.node).filter((n) => n.relation);
  const input = Math.max(0, ...scans.map((n) => rowsOut(n, ctx.plan.analyzed) ?? n.estExamined ?? 0));
  if (input < LARGE_TABLE_ROWS) return undefined;
  const scan = scans.find((n) => n.op === 'seq_scan') ?? scans[0];
  const table = scan ? ctx.tableOf(scan) : undefined;
  const cols = columnsIn(ctx.facts.groupKeys.join(', '), table);
  const target = scan ? qualified(scan) : undefined;
  return {
    code: 'USING_TEMPORARY',
    severity: 'warning',
    message: `The engine builds a temporary table over about ${fmt(input)} rows${ctx.facts.groupKeys.length ? ` to group by ${ctx.facts.groupKeys.join(', ')}` : ' (GROUP BY, DISTINCT or a derived table)'}.`,
    ...ctx.base(node),
    evidence: {
      input_rows: input,
      table: target ?? null,
      table_rows: scan ? ctx.rowsOf(scan) : null,
      group_keys: ctx.facts.groupKeys.join(', ') || null,
    },
    fix:
      target && cols.length
        ? `An index whose columns match the GROUP BY / DISTINCT lets the engine read groups in order without a temporary table: ${PROPOSE} CREATE INDEX ON ${target} (${cols.join(', ')}); (after any equality filter columns).`
        : 'Add an index whose columns match the GROUP BY / DISTINCT (after any equality filter columns), or filter the rows down before grouping.',
  };
}

/** Rows the statement returns, from the plan's top; undefined when the plan does not say. */
function resultRows(root: PlanNode, ctx: Context): number | undefined {
  let node = root;
  for (;;) {
    // a grouped statement whose plan tops out at a table access (MySQL/MariaDB print no aggregate
    // step): the scan's rows are the aggregate's input, not the result
    if (ctx.facts.grouped && node.relation) return undefined;
    const own = rowsOut(node, ctx.plan.analyzed);
    if (own !== undefined) return own;
    // MySQL/SQLite tops carry no count: only a plain, ungrouped read is followed down
    if (ctx.facts.grouped) return undefined;
    if (node.op === 'nested_loop') {
      const parts = node.children.map((c) => rowsOut(c, ctx.plan.analyzed));
      return parts.every((p) => p !== undefined) ? (parts as number[]).reduce((a, b) => a * b, 1) : undefined;
    }
    if (node.op === 'seq_scan' && !node.filter) return ctx.rowsOf(node) ?? undefined;
    if (node.children.length !== 1 || node.label === 'Using temporary') return undefined;
    node = node.children[0]!;
  }
}

export function missingLimit(ctx: Context): Finding | undefined {
  if (!ctx.facts.isSelect || ctx.facts.hasLimit || ctx.plan.root.op === 'limit') return undefined;
  const rows = resultRows(ctx.plan.root, ctx);
  if (rows === undefined || rows < LARGE_TABLE_ROWS) return undefined;
  return {
    code: 'MISSING_LIMIT_LARGE_RESULT',
    severity: 'warning',
    message: `The query has no LIMIT and returns ${ctx.plan.analyzed ? '' : 'an estimated '}${fmt(rows)} rows.`,
    ...ctx.base(ctx.plan.root),
    evidence: { rows, estimated: ctx.plan.analyzed ? 'no' : 'yes', limit: null },
    fix: 'Add a LIMIT (page with a keyset: WHERE id > <last id> ORDER BY id LIMIT 100), or narrow the filter to the rows actually needed; for totals, aggregate in SQL (count, sum, GROUP BY) instead of fetching rows.',
  };
}

export function selectStarWide(ctx: Context): Finding[] {
  if (!ctx.facts.selectStar) return [];
  const found: Finding[] = [];
  const seen = new Set<string>();
  for (const { node } of walkPlan(ctx.plan.root)) {
    const table = ctx.tableOf(node);
    if (!table || !node.relation || seen.has(qualified(node))) continue;
    seen.add(qualified(node));
    const rows = table.row_estimate;
    const rowBytes = rows && table.size_bytes ? Math.round(table.size_bytes / rows) : null;
    if (table.columns.length < WIDE_COLUMNS && (rowBytes === null || rowBytes < WIDE_ROW_BYTES)) continue;
    const first = table.columns
      .slice(0, 3)
      .map((c) => c.name)
      .join(', ');
    found.push({
      code: 'SELECT_STAR_WIDE',
      severity: 'info',
      message: `SELECT * reads all ${table.columns.length} columns of ${qualified(node)}${rowBytes !== null ? ` (about ${fmt(rowBytes)} bytes a row)` : ''}.`,
      ...ctx.base(node),
      evidence: {
        table: qualified(node),
        columns: table.columns.length,
        avg_row_bytes: rowBytes,
        table_rows: rows ?? null,
      },
      fix: `Select only the columns needed (SELECT ${first}, ... FROM ${qualified(node)}): less to read, send and hold, and a covering index becomes possible.`,
    });
  }
  return found;
}
