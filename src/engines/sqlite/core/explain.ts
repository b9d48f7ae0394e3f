/**
 * EXPLAIN QUERY PLAN through the read worker (a read-only connection; EXPLAIN QUERY PLAN never
 * runs the statement), turned into the engine-neutral plan. SQLite gives no row estimates or
 * costs, and the read worker refuses a write even under EXPLAIN, so writes are not explained
 * here (the capability flag says so), and analyze has nothing more to offer.
 */
import { ToolError } from '../../../core/errors.js';
import type { ExplainQuery, PlanNode, PlanResult } from '../../contract/query-plan.js';
import { resolveAliases, walkPlan } from '../../contract/query-plan.js';
import type { QueryResult, ReadQuery } from '../../contract/engine.js';
import { tableAliases } from '../../kit/sqlparser/aliases.js';

const SCAN = /^SCAN (?:TABLE )?(\S+)(?: AS (\S+))?(?: USING (COVERING )?INDEX (\S+))?/;
const SEARCH =
  /^SEARCH (?:TABLE )?(\S+)(?: AS (\S+))? USING (COVERING )?(?:INTEGER PRIMARY KEY|PRIMARY KEY|INDEX (\S+))(?: \((.*)\))?/;

export function sqliteNode(detail: string): PlanNode {
  const scan = SCAN.exec(detail);
  if (scan) {
    const [, table, , covering, index] = scan;
    const node: PlanNode = {
      op: index ? (covering ? 'index_only_scan' : 'index_scan') : 'seq_scan',
      label: detail,
      schema: 'main',
      relation: table!,
      children: [],
    };
    if (index) node.index = index;
    return node;
  }
  const search = SEARCH.exec(detail);
  if (search) {
    const [, table, , covering, index, cond] = search;
    const node: PlanNode = {
      op: covering ? 'index_only_scan' : 'index_scan',
      label: detail,
      schema: 'main',
      relation: table!,
      index: index ?? 'PRIMARY KEY',
      children: [],
    };
    if (cond) node.filter = cond;
    return node;
  }
  if (detail.startsWith('USE TEMP B-TREE')) return { op: 'temp_btree', label: detail, children: [] };
  if (/^CORRELATED (SCALAR|LIST|ROW)? ?SUBQUERY/.test(detail))
    return { op: 'other', label: detail, correlated: detail, children: [] };
  return { op: 'other', label: detail, children: [] };
}

/** Rows of EXPLAIN QUERY PLAN (id, parent, notused, detail) as a tree. */
export function sqlitePlanTree(rows: readonly (readonly unknown[])[]): PlanNode {
  const byId = new Map<number, PlanNode>();
  const root: PlanNode = { op: 'other', label: 'QUERY PLAN', children: [] };
  for (const [id, parent, , detail] of rows) {
    const node = sqliteNode(String(detail));
    byId.set(Number(id), node);
    (byId.get(Number(parent)) ?? root).children.push(node);
  }
  return root.children.length === 1 ? root.children[0]! : root;
}

/**
 * SQLite's plan names no conditions or sort keys; the query's own WHERE and ORDER BY text is put
 * on its full scans and temp b-trees (only columns of the scanned table are taken from it later).
 */
function clause(sql: string, start: RegExp, ends: RegExp): string | undefined {
  const text = sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ');
  const m = start.exec(text);
  if (!m) return undefined;
  const rest = text.slice(m.index + m[0].length);
  const end = ends.exec(rest);
  const found = (end ? rest.slice(0, end.index) : rest).replace(/;\s*$/, '').trim();
  return found || undefined;
}

function annotate(root: PlanNode, sql: string): void {
  const where = clause(sql, /\bwhere\b/i, /\b(group\s+by|order\s+by|limit|having|window)\b/i);
  const orderBy = clause(sql, /\border\s+by\b/i, /\b(limit|offset)\b/i);
  for (const { node } of walkPlan(root)) {
    if (node.op === 'seq_scan' && where) node.filter = where;
    if (node.op === 'temp_btree' && /ORDER BY/.test(node.label) && orderBy)
      node.sortKey = orderBy.split(',').map((k) => k.trim());
  }
}

export async function explainSqlite(
  read: (q: ReadQuery) => Promise<QueryResult>,
  q: ExplainQuery,
): Promise<PlanResult> {
  try {
    // EXPLAIN QUERY PLAN opens no read transaction, so the worker's long-lived connection would
    // plan against the schema it last loaded (missing an index created since): a read reloads it.
    await read({ sql: 'SELECT 1 FROM sqlite_schema LIMIT 1', maxRows: 1, timeoutMs: q.timeoutMs });
    const res = await read({
      sql: `EXPLAIN QUERY PLAN ${q.sql}`,
      ...(q.params ? { params: q.params } : {}),
      maxRows: 10_000,
      timeoutMs: q.timeoutMs,
      ...(q.signal ? { signal: q.signal } : {}),
    });
    const root = sqlitePlanTree(res.rows);
    resolveAliases(root, await tableAliases(q.sql, 'sqlite'));
    annotate(root, q.sql);
    return { root, analyzed: false };
  } catch (err) {
    if (err instanceof ToolError && err.code === 'READ_ONLY_VIOLATION') {
      throw new ToolError(
        'READ_ONLY_VIOLATION',
        'SQLite cannot explain a write on its read-only connection',
        'analyze_query explains reads on SQLite; a change goes through request_change.',
        { cause: err },
      );
    }
    throw err;
  }
}
