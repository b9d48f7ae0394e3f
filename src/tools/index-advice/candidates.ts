/**
 * Candidate indexes for one table access of a query, engine-independent (the way a DBA builds
 * them): equality columns first (most selective first), then one range column; the join keys;
 * equality columns then the ORDER BY / GROUP BY keys (so a LIMIT stops early and no sort is
 * needed); covering variants (INCLUDE the other columns read); expression keys as written in the
 * query; partial indexes for a rare constant (status = 'pending', shipped_at IS NULL); BRIN for a
 * range over a large table stored in the order of the column (correlation near 1).
 */
import type {
  ColumnFacts,
  IndexCandidate,
  KeyTerm,
  Predicate,
  TableAccess,
  TableStats,
} from '../../engines/contract/index-advisor.js';
import type { TableRef } from '../../engines/contract/engine.js';
import { candidateSignature, termKey, termText } from './keys.js';

/** A constant this rare (fraction of rows) makes a partial index worth trying. */
export const PARTIAL_MAX_FREQ = 0.05;
/** ... on a column with at most this many distinct values (a status or type column, not a key). */
export const PARTIAL_MAX_DISTINCT = 20;
/** A covering index (INCLUDE) only for keys this selective: it copies columns, so every write pays for it. */
export const COVERING_MAX_SELECTIVITY = 0.05;
/** BRIN: the table has at least this many rows and the column this |correlation|. */
export const BRIN_MIN_ROWS = 1_000_000;
export const BRIN_MIN_CORRELATION = 0.95;
const MAX_KEYS = 3;
const MAX_INCLUDE = 4;

export interface CandidateContext {
  table: TableRef;
  stats: TableStats;
  supports: { partial: boolean; include: boolean; expression: boolean; brin: boolean };
  /** LIKE 'abc%' needs text_pattern_ops (PostgreSQL, non-C collation); null when a plain index serves it. */
  prefixOpclass: string | null;
  /** Columns of the table (for `*` covering decisions). */
  columnCount: number;
  /** Renders a predicate as SQL for a partial index's WHERE. */
  partialWhere(p: Predicate): string | null;
}

const facts = (ctx: CandidateContext, t: KeyTerm): ColumnFacts | undefined =>
  t.column ? ctx.stats.columns.get(t.column) : undefined;

/** Estimated fraction of rows an equality on this term keeps (smaller is more selective). */
export function eqSelectivity(ctx: CandidateContext, p: Predicate): number {
  const f = facts(ctx, p.term);
  if (p.op === 'is_null') return f?.nullFraction ?? 0.1;
  const literal = p.values[0] && 'literal' in p.values[0] ? p.values[0].literal : undefined;
  const mcv = literal !== undefined ? f?.mcv.find((m) => m.value === literal) : undefined;
  const n = p.op === 'in' ? Math.max(1, p.values.length) : 1;
  if (mcv) return Math.min(1, mcv.freq * n);
  if (f?.distinct) return Math.min(1, n / f.distinct);
  return 0.005 * n;
}

function uniqueTerms(terms: KeyTerm[]): KeyTerm[] {
  const seen = new Set<string>();
  return terms.filter((t) => {
    const k = termKey(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function candidatesFor(access: TableAccess, ctx: CandidateContext, limit: boolean): IndexCandidate[] {
  const usable = (t: KeyTerm) => t.column !== undefined || ctx.supports.expression;
  const eqPreds = access.predicates.filter(
    (p) => (p.op === 'eq' || p.op === 'in' || p.op === 'is_null') && usable(p.term),
  );
  eqPreds.sort((a, b) => eqSelectivity(ctx, a) - eqSelectivity(ctx, b));
  const eq = uniqueTerms(eqPreds.map((p) => p.term)).slice(0, MAX_KEYS);
  const ranges = uniqueTerms(
    access.predicates.filter((p) => (p.op === 'range' || p.op === 'prefix') && usable(p.term)).map((p) => p.term),
  );
  const prefixKeys = new Set(access.predicates.filter((p) => p.op === 'prefix').map((p) => termKey(p.term)));
  const order = access.orderBy.map((s) => s.term).filter(usable);
  const group = access.groupBy.filter(usable);
  const out = new Map<string, IndexCandidate>();
  const add = (keys: KeyTerm[], kind: IndexCandidate['kind'], extra: Partial<IndexCandidate> = {}) => {
    const k = uniqueTerms(keys).slice(0, MAX_KEYS);
    if (k.length === 0) return;
    const opclass = k.map((t) => (prefixKeys.has(termKey(t)) ? ctx.prefixOpclass : null));
    const c: IndexCandidate = {
      table: ctx.table,
      keys: k,
      include: [],
      where: null,
      method: 'btree',
      kind: k.some((t) => t.expression) ? 'expression' : kind,
      ...(opclass.some(Boolean) ? { opclass } : {}),
      ...extra,
    };
    out.set(candidateSignature(c), c);
  };
  for (const t of eq) add([t], 'equality');
  if (eq.length > 1) add(eq, 'equality');
  for (const r of ranges) {
    add([r], 'range');
    if (eq.length) add([...eq, r], 'range');
  }
  for (const j of access.joinColumns) {
    add([{ column: j, columns: [j] }], 'join');
    if (eq.length) add([...eq, { column: j, columns: [j] }], 'join');
  }
  // without LIMIT and with no equality to narrow the rows first, an index only trades the sort of
  // the whole result for random reads of it: not worth an index (and HypoPG's estimate flatters it)
  if (order.length && (limit || eq.length)) {
    add(order, 'sort');
    if (eq.length) add([...eq, ...order], 'sort');
  }
  if (group.length) {
    add(group, 'group');
    if (eq.length) add([...eq, ...group], 'group');
  }
  addCovering(out, access, ctx, eqPreds, ranges);
  addPartial(out, access, ctx, eqPreds, ranges, order);
  addBrin(out, ctx, ranges);
  addOrBranches(out, access, ctx);
  return [...out.values()];
}

/** An OR on this table: the candidates of each branch as if it were the filter (a BitmapOr combines one index per branch). */
function addOrBranches(out: Map<string, IndexCandidate>, access: TableAccess, ctx: CandidateContext): void {
  for (const group of access.orBranches ?? []) {
    // named by the columns only: the name reaches the report, and literal values may be sensitive
    const name = group.map((b) => b.map((p) => termText(p.term)).join(' AND ')).join(' OR ');
    group.forEach((branch, i) => {
      const alone: TableAccess = {
        ...access,
        predicates: [...access.predicates, ...branch],
        joinColumns: [],
        orderBy: [],
        groupBy: [],
        orBranches: undefined,
      };
      for (const c of candidatesFor(alone, ctx, false)) {
        // a bitmap scan reads no INCLUDE columns
        if (c.kind !== 'covering' && !out.has(candidateSignature(c)))
          out.set(candidateSignature(c), { ...c, orBranch: { group: name, branch: i } });
      }
    });
  }
}

function addCovering(
  out: Map<string, IndexCandidate>,
  access: TableAccess,
  ctx: CandidateContext,
  eqPreds: Predicate[],
  ranges: KeyTerm[],
): void {
  if (!ctx.supports.include || !access.referenced) return;
  const selectivity = eqPreds.reduce((acc, p) => acc * eqSelectivity(ctx, p), ranges.length ? 0.1 : 1);
  if (selectivity > COVERING_MAX_SELECTIVITY) return;
  const eq = uniqueTerms(eqPreds.map((p) => p.term));
  const keys = uniqueTerms([...eq, ...ranges.slice(0, 1)]).slice(0, MAX_KEYS);
  if (keys.length === 0) return;
  const keyCols = new Set(keys.flatMap((k) => (k.column ? [k.column] : [])));
  const include = access.referenced.filter((c) => !keyCols.has(c));
  if (include.length === 0 || include.length > MAX_INCLUDE || include.length >= ctx.columnCount - keys.length) return;
  const c: IndexCandidate = { table: ctx.table, keys, include, where: null, method: 'btree', kind: 'covering' };
  out.set(candidateSignature(c), c);
}

function addPartial(
  out: Map<string, IndexCandidate>,
  access: TableAccess,
  ctx: CandidateContext,
  eqPreds: Predicate[],
  ranges: KeyTerm[],
  order: KeyTerm[],
): void {
  if (!ctx.supports.partial) return;
  for (const p of eqPreds) {
    if (p.op === 'in' || p.term.expression) continue;
    const sel = eqSelectivity(ctx, p);
    if (sel > PARTIAL_MAX_FREQ || !(p.op === 'is_null' || (p.values[0] && 'literal' in p.values[0]))) continue;
    const distinct = facts(ctx, p.term)?.distinct;
    if (p.op !== 'is_null' && (distinct == null || distinct > PARTIAL_MAX_DISTINCT)) continue;
    const where = ctx.partialWhere(p);
    if (!where) continue;
    const rest = uniqueTerms([
      ...order,
      ...ranges,
      ...access.predicates.filter((q) => q !== p && q.op === 'eq').map((q) => q.term),
    ]).filter((t) => termKey(t) !== termKey(p.term));
    const keys = rest.length ? rest.slice(0, 2) : [p.term];
    const c: IndexCandidate = { table: ctx.table, keys, include: [], where, method: 'btree', kind: 'partial' };
    out.set(candidateSignature(c), c);
  }
}

function addBrin(out: Map<string, IndexCandidate>, ctx: CandidateContext, ranges: KeyTerm[]): void {
  if (!ctx.supports.brin || (ctx.stats.rows ?? 0) < BRIN_MIN_ROWS) return;
  for (const r of ranges) {
    const f = facts(ctx, r);
    if (!r.column || f?.correlation == null || Math.abs(f.correlation) < BRIN_MIN_CORRELATION) continue;
    const c: IndexCandidate = { table: ctx.table, keys: [r], include: [], where: null, method: 'brin', kind: 'brin' };
    out.set(candidateSignature(c), c);
  }
}
