/**
 * The two ways selection measures a candidate: the planner under hypothetical indexes (HypoPG),
 * or the rows-read model (heuristic), optionally checked by a what-if planner that has no costs
 * (SQLite: the plan must use the hypothetical index for it to count).
 */
import type {
  HypotheticalIndex,
  IndexCandidate,
  PlannedQuery,
  QueryShape,
  TableAccess,
  WhatIfSession,
} from '../../engines/contract/index-advisor.js';
import { fromCandidate, modelCost, type ModelIndex, type ModelTable } from './heuristic.js';
import type { Evaluator, Trial, Workload } from './select.js';

/** Costs from the planner (HypoPG): every step on the session's own connection. */
export class PlannerEvaluator implements Evaluator {
  constructor(
    private readonly session: WhatIfSession,
    private readonly planned: ReadonlyMap<number, PlannedQuery>,
  ) {}

  async baseline(queries: readonly Workload[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const q of queries) out.set(q.id, (await this.session.cost(this.planned.get(q.id)!)).cost ?? 0);
    return out;
  }

  async trial(c: IndexCandidate, queries: readonly Workload[]): Promise<Trial> {
    let hypo: HypotheticalIndex;
    try {
      hypo = await this.session.add(c);
    } catch {
      return { costs: new Map(), usedBy: new Set(), sizeBytes: null }; // e.g. an expression PostgreSQL refuses to index
    }
    const costs = new Map<number, number>();
    const usedBy = new Set<number>();
    try {
      for (const q of queries) {
        const r = await this.session.cost(this.planned.get(q.id)!);
        costs.set(q.id, r.cost ?? 0);
        if (r.used.includes(hypo.name)) usedBy.add(q.id);
      }
    } finally {
      await this.session.remove(hypo);
    }
    return { costs, usedBy, sizeBytes: hypo.sizeBytes };
  }

  async trialSet(cs: readonly IndexCandidate[], queries: readonly Workload[]): Promise<Trial> {
    const hypos: HypotheticalIndex[] = [];
    const costs = new Map<number, number>();
    const usedBy = new Set<number>();
    const usedByEach = cs.map(() => new Set<number>());
    try {
      for (const c of cs) hypos.push(await this.session.add(c));
      for (const q of queries) {
        const r = await this.session.cost(this.planned.get(q.id)!);
        costs.set(q.id, r.cost ?? 0);
        hypos.forEach((h, i) => r.used.includes(h.name) && usedByEach[i]!.add(q.id));
        if (hypos.every((h) => r.used.includes(h.name))) usedBy.add(q.id);
      }
    } catch {
      return { costs: new Map(), usedBy: new Set(), sizeBytes: null };
    } finally {
      for (const h of hypos) await this.session.remove(h);
    }
    const sizes = hypos.map((h) => h.sizeBytes);
    return {
      costs,
      usedBy,
      sizeBytes: sizes.some((x) => x == null) ? null : sizes.reduce<number>((a, b) => a + (b ?? 0), 0),
      sizes,
      usedByEach,
    };
  }

  async commit(c: IndexCandidate): Promise<void> {
    await this.session.add(c);
  }
}

/** Rough bytes of a b-tree over `rows` rows with these keys (8 bytes a key, 16 of overhead a row). */
export function estimateSize(rows: number, c: IndexCandidate): number {
  if (c.method === 'brin') return Math.max(8192, Math.ceil(rows / 128 / 500) * 8192);
  return Math.ceil(rows * (16 + 8 * (c.keys.length + c.include.length)) * 1.3);
}

/** Costs from the rows-read model; with a what-if session (SQLite), a candidate counts only where the real planner uses it. */
export class ModelEvaluator implements Evaluator {
  private readonly config = new Map<string, ModelIndex[]>();

  constructor(
    private readonly shapes: ReadonlyMap<number, QueryShape>,
    private readonly tables: ReadonlyMap<string, ModelTable>,
    private readonly keyOf: (a: TableAccess | IndexCandidate) => string,
    private readonly whatIf?: { session: WhatIfSession; planned: ReadonlyMap<number, PlannedQuery> },
  ) {}

  private cost(id: number, extra: ReadonlyMap<string, ModelIndex[]>) {
    return modelCost(this.shapes.get(id)!, this.tables, extra, (a) => this.keyOf(a));
  }

  async baseline(queries: readonly Workload[]): Promise<Map<number, number>> {
    return new Map(queries.map((q) => [q.id, this.cost(q.id, this.config).cost]));
  }

  async trial(c: IndexCandidate, queries: readonly Workload[]): Promise<Trial> {
    const ix = fromCandidate(c);
    const key = this.keyOf(c);
    const extra = new Map(this.config);
    extra.set(key, [...(extra.get(key) ?? []), ix]);
    const costs = new Map<number, number>();
    const usedBy = new Set<number>();
    for (const q of queries) {
      const r = this.cost(q.id, extra);
      costs.set(q.id, r.cost);
      if (r.byIndex.has(ix)) usedBy.add(q.id);
    }
    if (this.whatIf && usedBy.size) await this.confirm(c, usedBy);
    return { costs, usedBy, sizeBytes: estimateSize(this.tables.get(key)?.rows ?? 0, c) };
  }

  /** Keeps only the queries whose real plan (what-if) uses the hypothetical index. */
  private async confirm(c: IndexCandidate, usedBy: Set<number>): Promise<void> {
    const { session, planned } = this.whatIf!;
    let hypo: HypotheticalIndex;
    try {
      hypo = await session.add(c);
    } catch {
      usedBy.clear();
      return;
    }
    try {
      for (const id of [...usedBy]) {
        const r = await session.cost(planned.get(id)!);
        if (!r.used.includes(hypo.name)) usedBy.delete(id);
      }
    } finally {
      await session.remove(hypo);
    }
  }

  async commit(c: IndexCandidate): Promise<void> {
    const key = this.keyOf(c);
    this.config.set(key, [...(this.config.get(key) ?? []), fromCandidate(c)]);
    if (this.whatIf) await this.whatIf.session.add(c);
  }
}
