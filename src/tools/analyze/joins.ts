/**
 * Join findings.
 *
 * NESTED_LOOP_LARGE_OUTER: a nested loop runs its inner side once per outer row, so with a large
 * outer side (>= LARGE_TABLE_ROWS rows, actual when analyzed) the inner side must be an index
 * lookup; a full scan (or a materialized one) there reads the inner table over and over.
 */
import type { PlanNode } from '../../engines/contract/query-plan.js';
import { walkPlan } from '../../engines/contract/query-plan.js';
import {
  columnsIn,
  fmt,
  LARGE_TABLE_ROWS,
  PROPOSE,
  qualified,
  rowsOut,
  SELECTIVE_FRACTION,
  type Context,
  type Finding,
} from './common.js';
import type { TableDetail } from '../../engines/contract/engine.js';

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

/** The table a join side reads, through steps that only pass rows on (Hash, Gather, Materialize, Sort). */
function scanBelow(side: PlanNode): PlanNode | undefined {
  let node: PlanNode | undefined = side;
  while (node && !node.relation) node = node.children.length === 1 ? node.children[0] : undefined;
  return node;
}

/** The scanned table's columns the join condition names, by its alias or name (PostgreSQL prints them qualified). */
function joinKeys(condition: string, scan: PlanNode, table: TableDetail): string[] {
  const names = [scan.alias, scan.relation].filter((n): n is string => Boolean(n));
  const known = new Map(table.columns.map((c) => [c.name.toLowerCase(), c.name]));
  const keys: string[] = [];
  for (const m of condition.matchAll(/"?([A-Za-z_][\w$]*)"?\."?([A-Za-z_][\w$]*)"?/g)) {
    const column = known.get(m[2]!.toLowerCase());
    if (column && names.some((n) => n.toLowerCase() === m[1]!.toLowerCase()) && !keys.includes(column))
      keys.push(column);
  }
  return keys;
}

/**
 * FULL_SCAN_LARGE_TABLE at a hash or merge join: one side reads a whole large table (no filter of
 * its own to speak of) and the join keeps a few of those rows, because the other side is a
 * selective lookup. Without an index on this table's join key the engine has no other way in;
 * with one, a nested loop fetches just the matching rows.
 */
export function joinDiscardsLargeScan(node: PlanNode, ctx: Context): { scan: PlanNode; finding: Finding } | undefined {
  if ((node.op !== 'hash_join' && node.op !== 'merge_join') || !node.filter) return undefined;
  const joined = rowsOut(node, ctx.plan.analyzed);
  if (joined === undefined) return undefined;
  for (const side of node.children) {
    const scan = scanBelow(side);
    const table = scan ? ctx.tableOf(scan) : undefined;
    const tableRows = scan ? ctx.rowsOf(scan) : null;
    const read = scan ? rowsOut(scan, ctx.plan.analyzed) : undefined;
    if (
      !scan ||
      !table ||
      scan.op !== 'seq_scan' ||
      tableRows === null ||
      tableRows < LARGE_TABLE_ROWS ||
      read === undefined ||
      read < LARGE_TABLE_ROWS
    )
      continue;
    if (joined > read * SELECTIVE_FRACTION) continue;
    const keys = joinKeys(node.filter, scan, table);
    if (
      keys.length === 0 ||
      table.indexes.some((i) => i.valid && keys.some((k) => i.columns[0]?.toLowerCase() === k.toLowerCase()))
    )
      continue;
    const target = qualified(scan);
    const finding: Finding = {
      code: 'FULL_SCAN_LARGE_TABLE',
      severity: 'warning',
      message: `Full scan of ${target} (${fmt(tableRows)} rows) for a ${node.label} that keeps ${fmt(joined)} of the ${fmt(read)} rows read: ${target} has no index on its join key ${keys.join(', ')}.`,
      ...ctx.base(scan),
      evidence: {
        table: target,
        table_rows: tableRows,
        table_bytes: table.size_bytes ?? null,
        join: node.label,
        join_condition: node.filter,
        rows_read: read,
        rows_joined: joined,
        join_key: keys.join(', '),
      },
      fix: `Index the join key so the engine can fetch only the matching rows (a nested loop with an index lookup): ${PROPOSE} CREATE INDEX ON ${target} (${keys.join(', ')});`,
    };
    return { scan, finding };
  }
  return undefined;
}
