/**
 * EXPLAIN (FORMAT JSON, VERBOSE, SETTINGS[, ANALYZE, BUFFERS, TIMING]) on a read connection,
 * inside BEGIN READ ONLY ... ROLLBACK, turned into the engine-neutral plan. Without ANALYZE
 * PostgreSQL only plans the statement, so a write is explained without running; with ANALYZE
 * the statement runs (the statement guard lets only reads through) and is rolled back.
 */
import type pg from 'pg';
import type { ExplainQuery, PlanNode, PlanOp, PlanResult, RelationStats } from '../../contract/query-plan.js';
import { walkPlan } from '../../contract/query-plan.js';
import type { PgDriver } from './driver.js';

type PgPlan = Record<string, unknown> & { Plans?: PgPlan[] };

const OPS: Record<string, PlanOp> = {
  'Seq Scan': 'seq_scan',
  'Parallel Seq Scan': 'seq_scan',
  'Index Scan': 'index_scan',
  'Index Only Scan': 'index_only_scan',
  'Bitmap Heap Scan': 'bitmap_scan',
  'Bitmap Index Scan': 'bitmap_scan',
  'Nested Loop': 'nested_loop',
  'Hash Join': 'hash_join',
  'Merge Join': 'merge_join',
  Sort: 'sort',
  'Incremental Sort': 'sort',
  Aggregate: 'aggregate',
  Limit: 'limit',
};

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** PostgreSQL's parallel divisor (costsize.c get_parallel_divisor): the workers plus the leader's share, 1 - 0.3 per worker. */
export function parallelDivisor(workers: number): number {
  const leader = 1 - 0.3 * workers;
  return workers + (leader > 0 ? leader : 0);
}

/** A partial node under a Gather returns rows per process: parallel-aware, or fed on its outer side by a partial node. */
function isPartial(p: PgPlan): boolean {
  if (p['Parallel Aware'] === true) return true;
  const outer = p.Plans?.find((c) => c['Parent Relationship'] === 'Outer');
  return outer !== undefined && isPartial(outer);
}

/** `workers`: the Workers Planned of the Gather / Gather Merge above, whose partial nodes' estimates are scaled to all processes. */
export function normalizePgPlan(p: PgPlan, workers?: number): PlanNode {
  const type = str(p['Node Type']) ?? 'Unknown';
  const strategy = str(p.Strategy);
  const gatherWorkers = type === 'Gather' || type === 'Gather Merge' ? num(p['Workers Planned']) : undefined;
  const node: PlanNode = {
    op: OPS[type] ?? 'other',
    label: strategy && type === 'Aggregate' ? `${strategy} Aggregate` : type,
    children: (p.Plans ?? []).map((c) => normalizePgPlan(c, gatherWorkers ?? workers)),
  };
  const schema = str(p.Schema);
  const relation = str(p['Relation Name']);
  const index = str(p['Index Name']);
  const filter =
    str(p.Filter) ??
    str(p['Index Cond']) ??
    str(p['Recheck Cond']) ??
    str(p['Hash Cond']) ??
    str(p['Merge Cond']) ??
    str(p['Join Filter']);
  if (schema) node.schema = schema;
  // a SubPlan runs per outer row; a hashed SubPlan (and an InitPlan) runs once
  const subplan = str(p['Subplan Name']);
  if (p['Parent Relationship'] === 'SubPlan' && subplan && !subplan.startsWith('hashed')) node.correlated = subplan;
  if (relation) node.relation = relation;
  const alias = str(p.Alias);
  if (alias && alias !== relation) node.alias = alias;
  if (index) node.index = index;
  if (filter) node.filter = filter;
  const sortKey = p['Sort Key'];
  if (Array.isArray(sortKey)) node.sortKey = sortKey.map(String);
  const set = <K extends keyof PlanNode>(key: K, value: PlanNode[K] | undefined) => {
    if (value !== undefined) node[key] = value;
  };
  set('estRows', num(p['Plan Rows']));
  if (workers !== undefined && workers > 0 && node.estRows !== undefined && isPartial(p)) {
    node.parallelDivisor = parallelDivisor(workers);
    node.estRows = Math.round(node.estRows * node.parallelDivisor);
  }
  set('estCost', num(p['Total Cost']));
  set('actualRows', num(p['Actual Rows']));
  set('loops', num(p['Actual Loops']));
  set('timeMs', num(p['Actual Total Time']));
  const removed = (num(p['Rows Removed by Filter']) ?? 0) + (num(p['Rows Removed by Join Filter']) ?? 0);
  if ('Rows Removed by Filter' in p || 'Rows Removed by Join Filter' in p) node.rowsRemoved = removed;
  const hit = num(p['Shared Hit Blocks']);
  const read = num(p['Shared Read Blocks']);
  if (hit !== undefined || read !== undefined) node.buffers = { hit: hit ?? 0, read: read ?? 0 };
  const method = str(p['Sort Method']);
  if (p['Sort Space Type'] === 'Disk' || method?.startsWith('external')) {
    node.sortSpill = {
      method: method ?? 'disk',
      ...(num(p['Sort Space Used']) !== undefined ? { spaceKb: num(p['Sort Space Used'])! } : {}),
    };
  }
  const batches = num(p['Hash Batches']) ?? num(p['HashAgg Batches']);
  if (batches !== undefined && batches > 1) {
    node.sortSpill = {
      method: `${type === 'Hash' ? 'hash' : 'hash aggregate'} in ${batches} batches`,
      ...(num(p['Disk Usage']) ? { spaceKb: num(p['Disk Usage'])! } : {}),
    };
  }
  return node;
}

export async function explainPostgres(driver: PgDriver, q: ExplainQuery): Promise<PlanResult> {
  const options = ['FORMAT JSON', 'VERBOSE', 'SETTINGS', ...(q.analyze ? ['ANALYZE', 'BUFFERS', 'TIMING'] : [])].join(
    ', ',
  );
  return driver.inReadOnlyTransaction(q.timeoutMs, q.signal, async (client) => {
    const res = await client.query<Record<string, unknown>>({
      text: `EXPLAIN (${options}) ${q.sql}`,
      values: [...(q.params ?? [])],
    });
    const cell = Object.values(res.rows[0] ?? {})[0];
    const doc = (typeof cell === 'string' ? JSON.parse(cell) : cell) as Record<string, unknown>[];
    const top = doc[0] ?? {};
    const root = normalizePgPlan((top.Plan ?? {}) as PgPlan);
    const result: PlanResult = { root, analyzed: q.analyze };
    const planning = num(top['Planning Time']);
    const execution = num(top['Execution Time']);
    if (planning !== undefined) result.planningMs = planning;
    if (execution !== undefined) result.executionMs = execution;
    result.relations = await lastAnalyzed(client, root);
    return result;
  });
}

async function lastAnalyzed(client: pg.PoolClient, root: PlanNode): Promise<RelationStats[]> {
  const refs = new Map<string, { schema: string; name: string }>();
  for (const { node } of walkPlan(root))
    if (node.schema && node.relation)
      refs.set(`${node.schema}.${node.relation}`, { schema: node.schema, name: node.relation });
  if (refs.size === 0) return [];
  const schemas = [...refs.values()].map((r) => r.schema);
  const names = [...refs.values()].map((r) => r.name);
  const res = await client.query<{ schema: string; name: string; analyzed: string | null }>({
    text: `SELECT schemaname AS schema, relname AS name, to_char(greatest(last_analyze, last_autoanalyze) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS analyzed
             FROM pg_stat_all_tables JOIN unnest($1::text[], $2::text[]) AS r(s, n) ON schemaname = r.s AND relname = r.n`,
    values: [schemas, names],
  });
  return res.rows.map((r) => ({ schema: r.schema, name: r.name, lastAnalyzed: r.analyzed }));
}
