/**
 * A rows-read cost model for engines without what-if planning (MySQL/MariaDB, PostgreSQL without
 * HypoPG) and for SQLite's what-if (its plans carry no cost): per table access, the rows the best
 * index among the existing ones and the configuration lets it read, from the table's row estimate
 * and column statistics (1/distinct per equality column, most-common-value frequencies, 10% per
 * range, three times the rows for a row fetched through an index). Good enough to rank
 * candidates; never reported as a planner's verdict.
 */
import type { IndexCandidate, Predicate, QueryShape, TableAccess } from '../../engines/contract/index-advisor.js';
import type { IndexInfo } from '../../engines/contract/engine.js';
import { eqSelectivity, type CandidateContext } from './candidates.js';
import { normKey, termKey } from './keys.js';

const RANGE_SELECTIVITY = 0.1;
const LIMIT_ROWS = 10;
/** A row fetched through an index costs about this many rows read in order (random versus sequential access). */
const RANDOM_ACCESS = 3;

export interface ModelIndex {
  keys: string[];
  method: string;
  where: string | null;
}

export const fromInfo = (ix: IndexInfo): ModelIndex => ({
  keys: ix.columns.map(normKey),
  method: (ix.method ?? 'btree').toLowerCase(),
  where: ix.predicate ? normKey(ix.predicate) : null,
});
export const fromCandidate = (c: IndexCandidate): ModelIndex => ({
  keys: c.keys.map(termKey),
  method: c.method,
  where: c.where ? normKey(c.where) : null,
});

export interface ModelTable {
  rows: number;
  ctx: CandidateContext;
  indexes: ModelIndex[];
}

/** Rows the access reads through one index (Infinity when the index does not serve it). */
function throughIndex(access: TableAccess, t: ModelTable, ix: ModelIndex, limit: boolean, outerRows: number): number {
  if (ix.method !== 'btree') return Infinity;
  if (
    ix.where &&
    !access.predicates.some((p) => normKey(p.text).includes(ix.where!) || ix.where!.includes(termKey(p.term)))
  )
    return Infinity;
  const preds = new Map<string, Predicate[]>();
  for (const p of access.predicates) preds.set(termKey(p.term), [...(preds.get(termKey(p.term)) ?? []), p]);
  let sel = 1;
  let matched = 0;
  for (const key of ix.keys) {
    const ps = preds.get(key) ?? [];
    const eq = ps.find((p) => p.op === 'eq' || p.op === 'in' || p.op === 'is_null');
    if (eq) {
      sel *= eqSelectivity(t.ctx, eq);
      matched++;
      continue;
    }
    if (access.joinColumns.map(normKey).includes(key)) {
      const f = t.ctx.stats.columns.get(key);
      sel *= Math.min(1, outerRows / Math.max(1, f?.distinct ?? t.rows / 10));
      matched++;
      continue;
    }
    if (ps.some((p) => p.op === 'range' || p.op === 'prefix')) {
      sel *= RANGE_SELECTIVITY;
      matched++;
    }
    break;
  }
  const orderKeys = access.orderBy.map((s) => termKey(s.term));
  const ordered = orderKeys.length > 0 && orderKeys.every((k, i) => ix.keys[matched + i] === k || ix.keys[i] === k);
  if (ordered && limit)
    return (
      RANDOM_ACCESS * Math.min(matched ? t.rows * sel : t.rows, LIMIT_ROWS / Math.max(0.001, residual(access, t, ix)))
    );
  if (ix.where && matched === 0)
    return (
      RANDOM_ACCESS *
      t.rows *
      Math.min(...access.predicates.map((p) => (p.op === 'eq' || p.op === 'is_null' ? eqSelectivity(t.ctx, p) : 1)))
    );
  return matched ? RANDOM_ACCESS * Math.max(1, t.rows * sel) : Infinity;
}

/** Fraction of rows the predicates the index does not answer keep. */
function residual(access: TableAccess, t: ModelTable, ix: ModelIndex): number {
  let sel = 1;
  for (const p of access.predicates) {
    if (ix.keys.includes(termKey(p.term))) continue;
    sel *=
      p.op === 'eq' || p.op === 'in' || p.op === 'is_null'
        ? eqSelectivity(t.ctx, p)
        : p.op === 'range' || p.op === 'prefix'
          ? RANGE_SELECTIVITY
          : 1;
  }
  return sel;
}

/** Rows a full scan keeps after its filters (the outer side of a join). */
function filteredRows(access: TableAccess, t: ModelTable): number {
  return Math.max(1, t.rows * residual(access, t, { keys: [], method: 'btree', where: null }));
}

/** The model's cost of a query: rows read over all its table accesses, given each table's indexes plus `extra`. */
export function modelCost(
  shape: QueryShape,
  tables: ReadonlyMap<string, ModelTable>,
  extra: ReadonlyMap<string, ModelIndex[]>,
  keyOf: (a: TableAccess) => string,
): { cost: number; byIndex: Map<ModelIndex, number> } {
  let cost = 0;
  const byIndex = new Map<ModelIndex, number>();
  for (const a of shape.accesses) {
    const t = tables.get(keyOf(a));
    if (!t) continue;
    const outer = Math.min(
      ...shape.accesses
        .filter((o) => o !== a)
        .map((o) => {
          const ot = tables.get(keyOf(o));
          return ot ? filteredRows(o, ot) : Infinity;
        }),
      Infinity,
    );
    let best = t.rows;
    let bestIx: ModelIndex | undefined;
    for (const ix of [...t.indexes, ...(extra.get(keyOf(a)) ?? [])]) {
      const rows = throughIndex(a, t, ix, shape.limit, Number.isFinite(outer) ? outer : t.rows);
      if (rows < best) {
        best = rows;
        bestIx = ix;
      }
    }
    if (bestIx) byIndex.set(bestIx, (byIndex.get(bestIx) ?? 0) + best);
    cost += best;
  }
  return { cost, byIndex };
}
