/**
 * NESTED_LOOP_LARGE_OUTER: a nested loop runs its inner side once per outer row, so with a large
 * outer side (>= LARGE_TABLE_ROWS rows, actual when analyzed) the inner side must be an index
 * lookup; a full scan (or a materialized one) there reads the inner table over and over.
 */
import type { PlanNode } from '../../engines/plan.js';
import { walkPlan } from '../../engines/plan.js';
import { columnsIn, fmt, LARGE_TABLE_ROWS, PROPOSE, qualified, rowsOut, type Context, type Finding } from './common.js';

const INDEX_LOOKUP = new Set<PlanNode['op']>(['index_scan', 'index_only_scan', 'bitmap_scan']);

/** The first table the inner side reads, and whether it reads it through an index. */
function innerAccess(inner: PlanNode): PlanNode | undefined {
  for (const { node } of walkPlan(inner)) if (node.relation) return node;
  return undefined;
}

export function nestedLoopLargeOuter(node: PlanNode, ctx: Context): Finding | undefined {
  if (node.op !== 'nested_loop' || node.children.length < 2) return undefined;
  // PostgreSQL: [outer, inner]; MySQL/MariaDB: tables in join order, each later one inner to those before
  for (let i = 1; i < node.children.length; i++) {
    const inner = innerAccess(node.children[i]!);
    if (!inner || INDEX_LOOKUP.has(inner.op) || inner.op !== 'seq_scan') continue;
    const outerRows = Math.max(...node.children.slice(0, i).map((c) => outerRowsOf(c, ctx.plan.analyzed) ?? 0));
    if (outerRows < LARGE_TABLE_ROWS) continue;
    const table = ctx.tableOf(inner);
    const condition = node.filter ?? inner.filter;
    const cols = columnsIn(condition, table);
    const target = qualified(inner);
    return {
      code: 'NESTED_LOOP_LARGE_OUTER',
      severity: 'warning',
      message: `${node.label} runs its inner side ${fmt(outerRows)} times, and each time fully scans ${target}${ctx.rowsOf(inner) !== null ? ` (${fmt(ctx.rowsOf(inner)!)} rows)` : ''} instead of looking rows up through an index.`,
      ...ctx.base(node),
      evidence: {
        outer_rows: outerRows,
        inner_table: target,
        inner_table_rows: ctx.rowsOf(inner),
        inner_access: inner.label,
        join_condition: condition ?? null,
        loops: inner.loops ?? null,
      },
      fix: cols.length
        ? `Index the inner join key so each outer row is one lookup: ${PROPOSE} CREATE INDEX ON ${target} (${cols.join(', ')}); with an equality join, fresh statistics (ANALYZE) also let the planner choose a hash join.`
        : `Give the inner side an index on its join key, or make the join an equality the planner can hash-join; check the statistics are fresh (ANALYZE ${target}).`,
    };
  }
  return undefined;
}

/** The rows an outer side produces: its own count, else (MySQL tables carry no output count of their own) its first table's. */
function outerRowsOf(node: PlanNode, analyzed: boolean): number | undefined {
  const own = rowsOut(node, analyzed);
  if (own !== undefined) return own;
  for (const { node: n } of walkPlan(node)) {
    const rows = rowsOut(n, analyzed);
    if (rows !== undefined) return rows;
  }
  return undefined;
}
