/**
 * The engine-neutral query plan every engine's `explain` returns: one tree of nodes with the
 * operation normalized across engines (a PostgreSQL Seq Scan, a MySQL type=ALL and a SQLite
 * SCAN are all `seq_scan`), the engine's own label kept beside it, and the numbers each engine
 * gives (estimates always where the engine has them; actuals only when analyzed).
 */

export type PlanOp =
  | 'seq_scan'
  | 'index_scan'
  | 'index_only_scan'
  | 'bitmap_scan'
  | 'nested_loop'
  | 'hash_join'
  | 'merge_join'
  | 'sort'
  | 'aggregate'
  | 'limit'
  | 'temp_btree'
  | 'other';

export interface PlanNode {
  op: PlanOp;
  /** The engine's own name for the step, e.g. "Seq Scan", "ALL", "SCAN t". */
  label: string;
  /** Where the engine names it (PostgreSQL VERBOSE; MySQL the source's database; SQLite main). */
  schema?: string;
  relation?: string;
  /** The name the statement gives the relation (PostgreSQL Alias), when it differs from `relation`. */
  alias?: string;
  index?: string;
  /** The condition applied at this node, as the engine prints it (filter, index condition, join condition). */
  filter?: string;
  /** Sort keys, as the engine prints them. */
  sortKey?: string[];
  /** Rows the planner expects this node to return (per loop; for a PostgreSQL parallel partial node, over all processes). */
  estRows?: number;
  /** PostgreSQL, under a Gather: the node's estimate was per process and was multiplied by this (workers plus the leader's share). */
  parallelDivisor?: number;
  /** Rows the engine expects to read at this node (MySQL `rows` before `filtered`). */
  estExamined?: number;
  estCost?: number;
  /** Analyzed: rows returned per loop. */
  actualRows?: number;
  loops?: number;
  /** Analyzed: total time of the node, per loop, in milliseconds. */
  timeMs?: number;
  /** Analyzed: rows a filter read and threw away, per loop (like actualRows). */
  rowsRemoved?: number;
  /** Analyzed: the sort or hash went to disk (external merge, more than one batch). */
  sortSpill?: { method: string; spaceKb?: number };
  /** Analyzed: shared buffers hit and read (PostgreSQL BUFFERS). */
  buffers?: { hit: number; read: number };
  /**
   * This node starts a subquery the engine runs once per outer row (PostgreSQL SubPlan, MySQL/MariaDB
   * DEPENDENT SUBQUERY, SQLite CORRELATED ... SUBQUERY): its name as the engine gives it.
   */
  correlated?: string;
  children: PlanNode[];
}

/** When the catalog last refreshed a table's statistics (where the engine keeps it). */
export interface RelationStats {
  schema: string;
  name: string;
  lastAnalyzed: string | null;
}

export interface PlanResult {
  root: PlanNode;
  analyzed: boolean;
  planningMs?: number;
  executionMs?: number;
  /** Statistics facts the engine found for the plan's relations; absent where the engine has none. */
  relations?: RelationStats[];
}

export interface ExplainQuery {
  sql: string;
  params?: readonly (string | number | boolean | null)[];
  /** Run the statement to get actual rows and times (reads only; the caller's guard ensures it). */
  analyze: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Depth-first walk over a plan tree, parents before children. */
/** Names tables the plan calls by their alias by their own name (and schema, when the query gave one). */
export function resolveAliases(root: PlanNode, aliases: ReadonlyMap<string, { schema?: string; name: string }>): void {
  if (aliases.size === 0) return;
  for (const { node } of walkPlan(root)) {
    const table = node.relation !== undefined ? aliases.get(node.relation) : undefined;
    if (!table) continue;
    node.relation = table.name;
    if (table.schema) node.schema = table.schema;
  }
}

export function* walkPlan(
  node: PlanNode,
  depth = 0,
  parent?: PlanNode,
): Generator<{ node: PlanNode; depth: number; parent: PlanNode | undefined }> {
  yield { node, depth, parent };
  for (const child of node.children) yield* walkPlan(child, depth + 1, node);
}
