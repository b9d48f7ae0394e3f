/**
 * propose_index from end to end, engine-independent: parse each query (the engine's parser),
 * find its tables in the catalog, give placeholders values from the statistics, generate
 * candidates, drop those an existing index already serves, select greedily with the planner under
 * hypothetical indexes (or the rows-read model where the engine has no what-if), confirm
 * expression and BRIN indexes with a real index in a rolled-back transaction where allowed, and
 * report existing indexes that are duplicate, redundant by prefix or unused.
 */
import { ToolError } from '../../core/errors.js';
import type {
  IndexAdvisorOps,
  IndexCandidate,
  PlannedQuery,
  Predicate,
  QueryShape,
  TableAccess,
  TableStats,
  VerifiedBy,
  WhatIfSession,
} from '../../engines/contract/index-advisor.js';
import type { EngineAdapter, IndexInfo, TableDetail, TableRef } from '../../engines/contract/engine.js';
import { walkPlan, type PlanResult } from '../../engines/contract/query-plan.js';
import { candidatesFor, type CandidateContext } from './candidates.js';
import { ModelEvaluator, PlannerEvaluator } from './evaluators.js';
import { fromInfo, type ModelTable } from './heuristic.js';
import { candidateSignature, coveringExisting, termText } from './keys.js';
import { chooseParams, planned, substitute } from './params.js';
import { MASK } from '../../guards/masking.js';
import { greedySelect, type Evaluator, type Workload } from './select.js';
import { dropCandidates, type DropCandidate } from './drops.js';
import { confirmWithRealIndex, nearMisses, proposal, type Proposal } from './proposals.js';
import { sampleColumns, sampleValues } from './sample.js';

/** Dexter's rule: a query must get at least 50% cheaper. */
export const MIN_IMPROVEMENT = 0.5;
/** Below this planner cost (PostgreSQL units) a query is already cheap (Dexter's --min-cost). */
export const MIN_PLANNER_COST = 100;
/** Below this many rows read (model), a query is already cheap. */
export const MIN_MODEL_ROWS = 1_000;
/** The greedy search starts no new round after this long (DTA's "anytime" budget; postgres-mcp uses 30 s). */
export const SEARCH_BUDGET_MS = 30_000;
/** Real test builds only on tables up to this size. */
export const REAL_CHECK_MAX_TABLE_BYTES = 256 * 1024 * 1024;

export interface AdviceQuery {
  sql: string;
  weight: number;
}

export interface Advice {
  verification: { method: VerifiedBy; notes: string[] };
  queries: { n: number; sql: string; planned_sql?: string; cost: number | null }[];
  proposals: Proposal[];
  no_change: { query: number; sql: string; reason: string }[];
  drop_candidates: DropCandidate[];
}

interface Item {
  n: number;
  sql: string;
  weight: number;
  shape?: QueryShape;
  planned?: PlannedQuery;
  reason?: string;
  candidates: IndexCandidate[];
  existingHit?: string;
  /** Why an index the query wants cannot be built on this engine. */
  note?: string;
  /** The planned text as reported (sensitive values masked). */
  shown?: string;
  /** How the engine's own EXPLAIN reads each table today, by table name (heuristic engines: evidence beside the estimate). */
  today?: Map<string, string>;
}

const tkey = (t: TableRef) => `${t.schema}.${t.name}`;
const short = (sql: string) => (sql.length > 300 ? `${sql.slice(0, 300)}...` : sql).replace(/\s+/g, ' ').trim();

export interface AdviceOptions {
  maxIndexes: number;
  maxSizeBytes: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Whether a column's values must not be shown (the source's masking config). */
  sensitive: (table: TableRef, column: string) => boolean;
}

export async function advise(
  engine: EngineAdapter,
  ops: IndexAdvisorOps,
  input: readonly AdviceQuery[],
  opts: AdviceOptions,
): Promise<Advice> {
  const items: Item[] = input.map((q, i) => ({ n: i + 1, sql: q.sql, weight: q.weight, candidates: [] }));
  for (const it of items) {
    try {
      it.shape = await ops.shape(it.sql);
    } catch (err) {
      if (items.length === 1) throw err;
      it.reason = `not analysed: ${(err as Error).message}`;
    }
  }
  const details = await resolveTables(engine, items);
  const hasColumn = (table: string, column: string) =>
    [...details.values()].some((d) => d.name === table && d.columns.some((c) => c.name === column));
  for (const it of items)
    if (it.shape && it.shape.accesses.length > 1)
      it.shape = placeTables(await ops.shape(it.sql, hasColumn), details, engine.capabilities.defaultSchema);
  const stats = await statsFor(engine, ops, items, details, opts);
  const prefixOpclass = await ops.prefixOpclass();
  const contexts = new Map<string, CandidateContext>();
  for (const d of details.values()) contexts.set(tkey(d), contextFor(d, stats.get(tkey(d))!, ops, prefixOpclass));
  planItems(items, ops, stats, opts.sensitive);
  generate(items, details, contexts);
  const open = await ops.openSession({ timeoutMs: opts.timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) });
  const session = open.ok ? open.session : undefined;
  try {
    return await selectAndReport(engine, ops, items, details, contexts, session, open.notes, opts);
  } finally {
    await session?.close();
  }
}

async function resolveTables(engine: EngineAdapter, items: Item[]): Promise<Map<string, TableDetail>> {
  const wanted = items.flatMap((it) => it.shape?.accesses ?? []);
  if (wanted.length === 0) return new Map();
  const all = await engine.listTables();
  const refs = new Map<string, TableRef>();
  for (const a of wanted) {
    const matches = all.filter((t) => t.name === a.table.name && (!a.table.schemaGiven || t.schema === a.table.schema));
    const pick = matches.find((t) => t.schema === engine.capabilities.defaultSchema) ?? matches[0];
    if (!pick) continue;
    a.table.schema = pick.schema;
    refs.set(tkey(pick), { schema: pick.schema, name: pick.name });
  }
  const details = await engine.describeTables([...refs.values()]);
  return new Map(
    details
      .filter((d) => d.kind === 'table' || d.kind === 'partitioned_table' || d.kind === 'materialized_view')
      .map((d) => [tkey(d), d]),
  );
}

/** The table's indexes, with its primary key as one where the engine lists none for it (SQLite's rowid key). */
function withPrimaryKey(d: TableDetail): IndexInfo[] {
  const pk = d.primary_key;
  if (
    !pk?.length ||
    d.indexes.some((i) => i.primary || (i.columns.length >= pk.length && pk.every((c, n) => i.columns[n] === c)))
  )
    return d.indexes;
  return [
    ...d.indexes,
    {
      name: `${d.name} primary key`,
      columns: pk,
      include: [],
      unique: true,
      primary: true,
      method: 'btree',
      predicate: null,
      valid: true,
    },
  ];
}

/** After a re-parse: the schemas found the first time. */
function placeTables(
  shape: QueryShape,
  details: ReadonlyMap<string, TableDetail>,
  defaultSchema: string | undefined,
): QueryShape {
  for (const a of shape.accesses) {
    if (a.table.schemaGiven) continue;
    const d =
      [...details.values()].find((t) => t.name === a.table.name && t.schema === defaultSchema) ??
      [...details.values()].find((t) => t.name === a.table.name);
    if (d) a.table.schema = d.schema;
  }
  return shape;
}

async function statsFor(
  engine: EngineAdapter,
  ops: IndexAdvisorOps,
  items: Item[],
  details: ReadonlyMap<string, TableDetail>,
  opts: AdviceOptions,
): Promise<Map<string, TableStats>> {
  const out = new Map<string, TableStats>();
  for (const d of details.values()) {
    const stats = await ops.tableStats(
      d,
      d.columns.map((c) => c.name),
    );
    const accesses = items.flatMap((it) => it.shape?.accesses.filter((a) => tkey(a.table) === tkey(d)) ?? []);
    const used = new Set(
      accesses.flatMap((a) => [
        ...a.predicates.flatMap((p) => p.term.columns),
        ...a.joinColumns,
        ...a.orderBy.flatMap((o) => o.term.columns),
        ...a.groupBy.flatMap((g) => g.columns),
      ]),
    );
    const missing = [...used].filter(
      (c) => d.columns.some((x) => x.name === c) && stats.columns.get(c)?.distinct == null,
    );
    if (missing.length || (stats.rows === null && d.row_estimate === null))
      await sampleColumns(engine, ops, d, stats, missing, opts.timeoutMs);
    // the table's own spelling: a statement digest may print a column in upper case
    const compared = [
      ...new Set(
        accesses
          .flatMap((a) => a.predicates.flatMap((p) => p.term.columns))
          .map((c) => d.columns.find((x) => x.name.toLowerCase() === c.toLowerCase())?.name)
          .filter((c): c is string => c !== undefined),
      ),
    ];
    await sampleValues(engine, ops, d, stats, compared, opts.timeoutMs); // placeholders need real values where the engine keeps none
    out.set(tkey(d), stats);
  }
  return out;
}

function contextFor(
  d: TableDetail,
  stats: TableStats,
  ops: IndexAdvisorOps,
  prefixOpclass: string | null,
): CandidateContext {
  return {
    table: { schema: d.schema, name: d.name },
    stats: { ...stats, rows: stats.rows ?? d.row_estimate },
    supports: ops.supports,
    prefixOpclass,
    columnCount: d.columns.length,
    partialWhere: (p: Predicate) => {
      const key = ops.keySql(p.term);
      if (p.op === 'is_null') return `${key} IS NULL`;
      const v = p.values[0];
      return v && 'literal' in v
        ? `${key} = ${/^-?\d+(\.\d+)?$/.test(v.literal) ? v.literal : ops.literal(v.literal)}`
        : null;
    },
  };
}

function planItems(
  items: Item[],
  ops: IndexAdvisorOps,
  stats: ReadonlyMap<string, TableStats>,
  sensitive: AdviceOptions['sensitive'],
): void {
  for (const it of items) {
    if (!it.shape || it.reason) continue;
    if (it.shape.accesses.length === 0) {
      it.reason = 'reads no table';
      continue;
    }
    const choices = chooseParams(it.shape, stats);
    const p = planned(
      it.sql,
      choices,
      ops.placeholder,
      (v) => ops.literal(v),
      it.shape.params || (ops.placeholder === 'question' ? (it.sql.match(/\?/g) ?? []).length : 0),
    );
    if ('missing' in p)
      it.reason = `placeholder(s) ${p.missing.map((n) => (ops.placeholder === 'dollar' ? `$${n}` : `#${n}`)).join(', ')} are not compared with a column, so no realistic value could be chosen from the statistics; pass the query with literal values`;
    else {
      it.planned = p;
      // what the report shows: values of sensitive columns (masking config) stay hidden
      const shown = substitute(it.sql, ops.placeholder, (n) => {
        const c = choices.get(n);
        if (!c) return '10';
        return sensitive(c.table, c.column) ? `'${MASK}'` : ops.literal(c.value);
      });
      if (shown !== it.sql) it.shown = shown;
    }
  }
}

function generate(
  items: Item[],
  details: ReadonlyMap<string, TableDetail>,
  contexts: ReadonlyMap<string, CandidateContext>,
): void {
  for (const it of items) {
    if (!it.shape || !it.planned) continue;
    for (const a of it.shape.accesses) {
      const d = details.get(tkey(a.table));
      const ctx = contexts.get(tkey(a.table));
      if (!d || !ctx) continue;
      const hidden = a.predicates.find((p) => p.term.expression && !ctx.supports.expression);
      if (hidden)
        it.note ??= `it filters on the expression ${hidden.term.expression}, which this engine cannot index directly: index a generated (virtual) column holding it, or for lower()/upper() rely on a case-insensitive collation of ${hidden.term.columns.join(', ')}`;
      for (const c of candidatesFor(a, ctx, it.shape.limit)) {
        const hit = coveringExisting(c, withPrimaryKey(d));
        if (hit) it.existingHit ??= `${hit.name} (${hit.columns.join(', ')})`;
        else it.candidates.push(c);
      }
    }
  }
}

async function selectAndReport(
  engine: EngineAdapter,
  ops: IndexAdvisorOps,
  items: Item[],
  details: ReadonlyMap<string, TableDetail>,
  contexts: ReadonlyMap<string, CandidateContext>,
  session: WhatIfSession | undefined,
  notes: string[],
  opts: AdviceOptions,
): Promise<Advice> {
  await probe(engine, items, session, opts);
  const live = items.filter((it) => it.planned && it.shape && !it.reason);
  const workload: Workload[] = live.map((it) => ({
    id: it.n,
    weight: it.weight,
    tables: new Set(it.shape!.accesses.map((a) => tkey(a.table))),
  }));
  const plannedById = new Map(live.map((it) => [it.n, it.planned!]));
  const unique = new Map<string, IndexCandidate>();
  for (const it of live) for (const c of it.candidates) unique.set(candidateSignature(c), c);
  const planner = session?.verifiedBy === 'hypopg';
  const method: VerifiedBy = planner ? 'hypopg' : session ? 'whatif' : 'heuristic';
  const ev: Evaluator = planner
    ? new PlannerEvaluator(session!, plannedById)
    : modelEvaluator(live, details, contexts, session, plannedById);
  const sel = await greedySelect(workload, [...unique.values()], ev, {
    minImprovement: MIN_IMPROVEMENT,
    minCost: planner ? MIN_PLANNER_COST : MIN_MODEL_ROWS,
    maxIndexes: opts.maxIndexes,
    maxSizeBytes: opts.maxSizeBytes,
    maxRuntimeMs: SEARCH_BUDGET_MS,
    tableKey: (c) => tkey(c.table),
  });
  if (sel.timedOut)
    notes.push(
      `The search stopped after its ${SEARCH_BUDGET_MS / 1000} s budget: more indexes might still help; run again with fewer queries.`,
    );
  const proposals: Proposal[] = [];
  const realOpts = { timeoutMs: opts.timeoutMs, maxTableBytes: REAL_CHECK_MAX_TABLE_BYTES };
  const isRead = (id: number) => items.find((it) => it.n === id)?.shape?.isRead ?? false;
  for (const ch of sel.chosen) {
    const before = sum(ch.helped.map((id) => sel.base.get(id) ?? 0));
    const after = sum(ch.helped.map((id) => sel.final.get(id) ?? 0));
    const p = proposal(ops, ch.candidate, before, after, ch.sizeBytes, ch.helped, method, planner, contexts);
    const today = ch.helped
      .map((id) => items.find((it) => it.n === id)?.today?.get(ch.candidate.table.name))
      .filter((t): t is string => !!t);
    if (today.length) p.rationale += ` EXPLAIN today reads ${ch.candidate.table.name} with ${today[0]}.`;
    if (ch.with?.length) {
      const others = ch.with.map((o) => `${o.table.name} (${o.keys.map(termText).join(', ')})`).join(', ');
      p.rationale += ch.candidate.orBranch
        ? ` It serves one branch of the OR (${ch.candidate.orBranch.group}) and helps only together with ${others}: the planner combines them with a BitmapOr; the cost shown is for the set.`
        : ` No single index saved half the cost: it helps together with ${others}, each serving another scan of the statement; the cost shown is for the set.`;
    }
    if (ops.realCheck && (ch.candidate.kind === 'expression' || ch.candidate.method === 'brin')) {
      await confirmWithRealIndex(
        ops,
        p,
        ch.candidate,
        ch.helped.map((id) => plannedById.get(id)!),
        { ...realOpts, analyze: ch.helped.every(isRead) },
      );
    }
    proposals.push(p);
  }
  const helped = new Set(sel.chosen.flatMap((c) => c.helped));
  if (ops.realCheck && proposals.length < opts.maxIndexes) {
    const misses = live
      .filter((it) => !helped.has(it.n) && (sel.base.get(it.n) ?? 0) >= MIN_PLANNER_COST)
      .map((it) => ({ n: it.n, planned: it.planned!, isRead: isRead(it.n), candidates: it.candidates }));
    const room = {
      indexes: opts.maxIndexes - proposals.length,
      bytes: opts.maxSizeBytes - sum(proposals.map((p) => p.size_bytes ?? 0)),
    };
    for (const p of await nearMisses(
      ops,
      misses,
      sel.chosen.map((c) => c.candidate),
      realOpts,
      contexts,
      room,
    )) {
      proposals.push(p);
      for (const id of p.queries_helped) helped.add(id);
    }
  }
  const minCost = planner ? MIN_PLANNER_COST : MIN_MODEL_ROWS;
  const no_change = items
    .filter((it) => !helped.has(it.n))
    .map((it) => ({
      query: it.n,
      sql: short(it.sql),
      reason: reasonFor(it, sel.base.get(it.n), sel.bestFirst.get(it.n), minCost, planner, sel.overBudget.has(it.n)),
    }));
  const drops = await dropCandidates(
    ops,
    [...new Set(items.flatMap((it) => it.shape?.accesses.map((a) => tkey(a.table)) ?? []))]
      .map((k) => details.get(k))
      .filter((d): d is TableDetail => !!d),
  );
  return {
    verification: { method, notes: [...notes, ...methodNotes(method)] },
    queries: items.map((it) => ({
      n: it.n,
      sql: short(it.sql),
      ...(it.shown ? { planned_sql: short(it.shown) } : {}),
      cost: sel.base.has(it.n) ? round(sel.base.get(it.n)!) : null,
    })),
    proposals,
    no_change,
    drop_candidates: drops,
  };
}

/**
 * Plans each query once as it is (no hypothetical index): a query the engine cannot plan (unknown
 * table or column, wrong types) is left out with the engine's message, or fails the call when it
 * is the only one.
 */
async function probe(
  engine: EngineAdapter,
  items: Item[],
  session: WhatIfSession | undefined,
  opts: AdviceOptions,
): Promise<void> {
  for (const it of items) {
    if (!it.planned || it.reason) continue;
    // without a what-if session the plan is only a check; a write the read path cannot explain is left to the model
    if (!session && !it.shape?.isRead && !engine.capabilities.explainWrites) continue;
    try {
      if (session) await session.cost(it.planned);
      else
        it.today = planEvidence(
          await engine.explain({
            sql: it.planned.sql,
            analyze: false,
            timeoutMs: opts.timeoutMs,
            ...(opts.signal ? { signal: opts.signal } : {}),
          }),
        );
    } catch (err) {
      if (items.length === 1)
        throw err instanceof ToolError
          ? err
          : new ToolError(
              'SQL_ERROR',
              `the query could not be planned: ${(err as Error).message}`,
              'Check table and column names with describe_schema.',
            );
      it.reason = `not analysed: the engine could not plan it: ${(err as Error).message}`;
    }
  }
}

/** Per table: the step the current plan reads it with, and the rows it expects to examine. */
function planEvidence(plan: PlanResult): Map<string, string> {
  const out = new Map<string, string>();
  for (const { node } of walkPlan(plan.root)) {
    if (!node.relation || out.has(node.relation)) continue;
    const rows = node.estExamined ?? node.estRows;
    out.set(
      node.relation,
      `${node.op === 'seq_scan' ? 'a full scan' : `${node.label}${node.index ? ` on ${node.index}` : ''}`}${rows !== undefined ? `, about ${Math.round(rows).toLocaleString('en-US')} rows examined` : ''}`,
    );
  }
  return out;
}

function modelEvaluator(
  live: Item[],
  details: ReadonlyMap<string, TableDetail>,
  contexts: ReadonlyMap<string, CandidateContext>,
  session: WhatIfSession | undefined,
  plannedById: Map<number, PlannedQuery>,
): Evaluator {
  const tables = new Map<string, ModelTable>();
  for (const [k, d] of details) {
    const ctx = contexts.get(k)!;
    tables.set(k, {
      rows: ctx.stats.rows ?? d.row_estimate ?? 0,
      ctx,
      indexes: withPrimaryKey(d)
        .filter((i) => i.valid)
        .map(fromInfo),
    });
  }
  const shapes = new Map(live.map((it) => [it.n, it.shape!]));
  const keyOf = (a: TableAccess | IndexCandidate) => tkey(a.table);
  return new ModelEvaluator(shapes, tables, keyOf, session ? { session, planned: plannedById } : undefined);
}

function methodNotes(method: VerifiedBy): string[] {
  if (method === 'hypopg')
    return [
      'Costs are PostgreSQL planner costs with and without hypothetical indexes (HypoPG), on a connection of its own.',
    ];
  if (method === 'whatif')
    return [
      'Checked on an in-memory copy of the schema and its statistics (the sqlite3 .expert approach): a proposal counts only where the planner uses it. Costs are estimated rows read, not planner costs.',
    ];
  return ['Costs are estimated rows read, from table and column statistics (heuristic), not planner costs.'];
}

function reasonFor(
  it: Item,
  base: number | undefined,
  best: { improvement: number; candidate: IndexCandidate } | undefined,
  minCost: number,
  planner: boolean,
  overBudget: boolean,
): string {
  if (it.reason) return it.reason;
  if (overBudget && best)
    return `an index would help (${best.candidate.keys.map(termText).join(', ')}: about ${Math.round(best.improvement * 100)}% cheaper) but it does not fit max_indexes / max_size_mb`;
  if (!it.shape || it.shape.accesses.length === 0) return 'reads no table';
  const unit = planner ? 'planner cost' : 'estimated rows read';
  if (base !== undefined && base < minCost)
    return `already cheap: ${unit} ${round(base)} (< ${minCost})${it.existingHit ? `; served by the existing index ${it.existingHit}` : ''}`;
  if (it.candidates.length === 0 && it.note) return `no index proposed: ${it.note}`;
  if (it.candidates.length === 0 && it.shape.orFilters > 0)
    return 'the filter is an OR of conditions, which no single index serves: index each side (the engine can combine them with a bitmap OR / index merge) or rewrite the query as a UNION ALL of the sides';
  if (it.candidates.length === 0)
    return it.existingHit
      ? `already indexed: the existing index ${it.existingHit} covers what an index could serve`
      : 'nothing an index could serve: no selective filter, join key, or ORDER BY / GROUP BY an index helps (the query reads the whole table)';
  if (best)
    return `no index pays off: the best candidate (${best.candidate.keys.map(termText).join(', ')}) cuts the ${unit} by ${Math.round(best.improvement * 100)}% only (< ${MIN_IMPROVEMENT * 100}%)${it.existingHit ? `; existing index ${it.existingHit} already serves it` : ''}`;
  return `no candidate index is used by the plan${base !== undefined ? ` (${unit} ${round(base)})` : ''}: the filters are not selective enough${it.existingHit ? `, or the existing index ${it.existingHit} already serves it` : ''}`;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const round = (x: number) => Math.round(x * 100) / 100;

export function assertEngine(ops: IndexAdvisorOps | undefined, engine: string): IndexAdvisorOps {
  if (!ops)
    throw new ToolError(
      'UNSUPPORTED_BY_ENGINE',
      `propose_index is not available for ${engine}`,
      'Index advice exists for PostgreSQL, MySQL/MariaDB and SQLite sources.',
    );
  return ops;
}
