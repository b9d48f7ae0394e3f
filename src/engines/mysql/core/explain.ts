/**
 * EXPLAIN FORMAT=JSON (MariaDB with analyze: ANALYZE FORMAT=JSON) through the read path, so it
 * runs in a READ ONLY transaction that is rolled back, turned into the engine-neutral plan.
 * MariaDB refuses EXPLAIN of a write inside a READ ONLY transaction, so writes are not
 * explained here (the capability flag says so). MySQL's EXPLAIN ANALYZE prints a text tree
 * only; parsing it is not done yet.
 */
import { ToolError } from '../../../core/errors.js';
import type { ExplainQuery, PlanNode, PlanOp, PlanResult } from '../../contract/query-plan.js';
import { resolveAliases } from '../../contract/query-plan.js';
import type { MysqlDriver } from './driver.js';
import { runRead } from './read.js';
import { tableAliases } from '../../kit/sqlparser/aliases.js';

type Json = Record<string, unknown>;

const INDEX_ACCESS = new Set([
  'const',
  'system',
  'eq_ref',
  'ref',
  'ref_or_null',
  'range',
  'index_merge',
  'fulltext',
  'unique_subquery',
  'index_subquery',
]);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function tableNode(t: Json, schema: string | undefined): PlanNode {
  const access = String(t.access_type ?? 'unknown');
  const covering = t.using_index === true;
  const op: PlanOp =
    access === 'ALL'
      ? 'seq_scan'
      : access === 'index'
        ? covering
          ? 'index_only_scan'
          : 'index_scan'
        : INDEX_ACCESS.has(access)
          ? covering
            ? 'index_only_scan'
            : 'index_scan'
          : 'other';
  const node: PlanNode = {
    op,
    label: `type=${access}`,
    children: nodesOf(t, schema, new Set(['table_name', 'attached_condition'])),
  };
  if (typeof t.table_name === 'string') {
    node.relation = t.table_name;
    if (schema) node.schema = schema;
  }
  if (typeof t.key === 'string') node.index = t.key;
  const filter =
    typeof t.attached_condition === 'string'
      ? t.attached_condition
      : Array.isArray(t.ref)
        ? `${(t.used_key_parts as string[] | undefined)?.join(', ') ?? t.key} = ${t.ref.join(', ')}`
        : undefined;
  if (filter) node.filter = filter;
  const rows = num(t.rows) ?? num(t.rows_examined_per_scan);
  const filtered = num(t.filtered);
  if (rows !== undefined) {
    node.estExamined = rows;
    // filtered=100 under a condition means the optimizer had no estimate for it (no histogram)
    if (!(filter && typeof t.attached_condition === 'string' && (filtered ?? 100) >= 100))
      node.estRows = Math.round((rows * (filtered ?? 100)) / 100);
  }
  const cost = isObj(t.cost_info) ? (num(t.cost_info.prefix_cost) ?? num(t.cost_info.read_cost)) : num(t.cost);
  if (cost !== undefined) node.estCost = cost;
  const rRows = num(t.r_rows);
  if (rRows !== undefined) {
    const rFiltered = num(t.r_filtered) ?? 100;
    node.actualRows = Math.round((rRows * rFiltered) / 100);
    node.rowsRemoved = Math.round(rRows - node.actualRows);
    node.loops = num(t.r_loops) ?? 1;
    const time = num(t.r_table_time_ms) ?? num(t.r_total_time_ms);
    if (time !== undefined) node.timeMs = time;
  }
  return node;
}

/** The plan nodes under a piece of MySQL/MariaDB EXPLAIN JSON, in document order. */
function nodesOf(value: unknown, schema: string | undefined, skip: Set<string> = new Set()): PlanNode[] {
  if (Array.isArray(value)) return value.flatMap((v) => nodesOf(v, schema));
  if (!isObj(value)) return [];
  const out: PlanNode[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (skip.has(key)) continue;
    if (key === 'table' && isObj(v)) out.push(tableNode(v, schema));
    else if (key === 'nested_loop' && Array.isArray(v)) {
      const inner = nodesOf(v, schema);
      out.push(...(inner.length > 1 ? [{ op: 'nested_loop' as const, label: 'nested_loop', children: inner }] : inner));
    } else if (key === 'filesort' || (key === 'ordering_operation' && isObj(v) && v.using_filesort === true)) {
      const sort: PlanNode = { op: 'sort', label: 'Using filesort', children: nodesOf(v, schema) };
      if (isObj(v) && typeof v.sort_key === 'string') sort.sortKey = [v.sort_key];
      if (isObj(v) && num(v.r_output_rows) !== undefined) sort.actualRows = num(v.r_output_rows)!;
      out.push(sort);
    } else if (
      key === 'temporary_table' ||
      (isObj(v) && v.using_temporary_table === true && key.endsWith('_operation'))
    ) {
      out.push({ op: 'other', label: 'Using temporary', children: nodesOf(v, schema) });
    } else if (key === 'subqueries' && Array.isArray(v)) {
      for (const sub of v) {
        if (!isObj(sub)) continue;
        // MySQL marks a correlated subquery "dependent": true; MariaDB wraps one in an expression cache
        const block = isObj(sub.expression_cache) ? sub.expression_cache.query_block : sub.query_block;
        const dependent =
          sub.dependent === true || isObj(sub.expression_cache) || (isObj(block) && block.dependent === true);
        const node: PlanNode = {
          op: 'other',
          label: dependent ? 'DEPENDENT SUBQUERY' : 'SUBQUERY',
          children: nodesOf(block ?? sub, schema),
        };
        if (dependent)
          node.correlated = `DEPENDENT SUBQUERY${isObj(block) && num(block.select_id) !== undefined ? ` ${num(block.select_id)}` : ''}`;
        out.push(node);
      }
    } else if (typeof v === 'object' && v !== null) out.push(...nodesOf(v, schema));
  }
  return out;
}

export function normalizeMysqlPlan(doc: Json, schema: string | undefined): PlanNode {
  const nodes = nodesOf(isObj(doc.query_block) ? doc.query_block : doc, schema);
  return nodes.length === 1 ? nodes[0]! : { op: 'other', label: 'query_block', children: nodes };
}

export async function explainMysql(
  driver: MysqlDriver,
  variant: string,
  schema: string | undefined,
  q: ExplainQuery,
): Promise<PlanResult> {
  if (q.analyze && variant !== 'mariadb') {
    throw new ToolError(
      'UNSUPPORTED_BY_ENGINE',
      'analyze=true on MySQL is not supported yet (its EXPLAIN ANALYZE prints a text tree only)',
      'Use analyze=false for the estimated plan.',
    );
  }
  const sql = `${q.analyze ? 'ANALYZE' : 'EXPLAIN'} FORMAT=JSON ${q.sql}`;
  const res = await runRead(driver, {
    sql,
    ...(q.params ? { params: q.params } : {}),
    maxRows: 10,
    timeoutMs: q.timeoutMs,
    ...(q.signal ? { signal: q.signal } : {}),
  });
  const cell = res.rows[0]?.[0];
  if (typeof cell !== 'string')
    throw new ToolError('INTERNAL', 'EXPLAIN FORMAT=JSON returned no plan', 'This is a bug in dba-mcp.');
  const doc = JSON.parse(cell) as Json;
  const root = normalizeMysqlPlan(doc, schema);
  resolveAliases(root, await tableAliases(q.sql, 'mysql'));
  const result: PlanResult = { root, analyzed: q.analyze };
  if (isObj(doc.query_block) && q.analyze) {
    const total = num(doc.query_block.r_total_time_ms);
    if (total !== undefined) result.executionMs = total;
  }
  return result;
}
