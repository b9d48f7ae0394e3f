/**
 * Greedy index selection over a workload (the "anytime" greedy of Microsoft's DTA, as in
 * postgres-mcp, with Dexter's acceptance rule): start from the existing indexes; each round, try
 * every remaining candidate on top of the ones already chosen and keep the one with the largest
 * weighted cost reduction; between near-equal ones (the queries end within 5% of each other) the smaller wins. A candidate
 * counts only for queries whose plan uses it and whose cost it cuts by at least `minImprovement`
 * (Dexter: 50%). Stops when nothing qualifies, at max_indexes / max_size_mb, or when the time
 * budget is spent (postgres-mcp's 30 s): the indexes chosen by then stand.
 */
import type { IndexCandidate } from '../../engines/index-advisor-types.js';

export interface Workload {
  id: number;
  weight: number;
  tables: Set<string>;
}

export interface Trial {
  /** Cost per query id with the candidate added to the chosen ones. */
  costs: Map<number, number>;
  /** Query ids whose plan uses the candidate. */
  usedBy: Set<number>;
  sizeBytes: number | null;
}

export interface Evaluator {
  /** Costs of the queries under the indexes chosen so far. */
  baseline(queries: readonly Workload[]): Promise<Map<number, number>>;
  trial(candidate: IndexCandidate, queries: readonly Workload[]): Promise<Trial>;
  /** Keeps the candidate in the configuration for later rounds. */
  commit(candidate: IndexCandidate): Promise<void>;
}

export interface Chosen {
  candidate: IndexCandidate;
  helped: number[];
  sizeBytes: number | null;
  benefit: number;
}

export interface Selection {
  chosen: Chosen[];
  base: Map<number, number>;
  final: Map<number, number>;
  /** Per query: the best relative improvement any single candidate gave in the first round. */
  bestFirst: Map<number, { improvement: number; candidate: IndexCandidate }>;
  /** Queries a qualifying candidate would have helped, left out by max_indexes or max_size_mb. */
  overBudget: Set<number>;
  /** The search stopped at the time budget, not because nothing else qualified. */
  timedOut: boolean;
}

export interface SelectOptions {
  minImprovement: number;
  /** Queries cheaper than this (planner cost or rows) are left alone. */
  minCost: number;
  maxIndexes: number;
  maxSizeBytes: number;
  /** The "anytime" budget: no new round starts after this long (what is chosen so far stands). */
  maxRuntimeMs: number;
  tableKey(c: IndexCandidate): string;
}

export async function greedySelect(queries: readonly Workload[], candidates: readonly IndexCandidate[], ev: Evaluator, opts: SelectOptions): Promise<Selection> {
  const base = await ev.baseline(queries);
  const current = new Map(base);
  const chosen: Chosen[] = [];
  const bestFirst = new Map<number, { improvement: number; candidate: IndexCandidate }>();
  const eligible = queries.filter((q) => (base.get(q.id) ?? 0) >= opts.minCost);
  let remaining = [...candidates];
  let totalSize = 0;
  const overBudget = new Set<number>();
  const started = Date.now();
  let timedOut = false;
  for (let round = 0; chosen.length < opts.maxIndexes && remaining.length; round++) {
    if (round > 0 && Date.now() - started > opts.maxRuntimeMs) {
      timedOut = true;
      break;
    }
    let best: (Chosen & { costs: Map<number, number>; remaining: number }) | undefined;
    for (const c of remaining) {
      const affected = eligible.filter((q) => q.tables.has(opts.tableKey(c)));
      if (affected.length === 0) continue;
      const trial = await ev.trial(c, affected);
      const helped: number[] = [];
      let benefit = 0;
      for (const q of affected) {
        const now = current.get(q.id) ?? 0;
        const after = trial.costs.get(q.id) ?? now;
        const gain = now > 0 ? (now - after) / now : 0;
        if (round === 0 && trial.usedBy.has(q.id) && gain > (bestFirst.get(q.id)?.improvement ?? -Infinity)) bestFirst.set(q.id, { improvement: gain, candidate: c });
        if (trial.usedBy.has(q.id) && gain >= opts.minImprovement) {
          helped.push(q.id);
          benefit += (now - after) * q.weight;
        }
      }
      if (helped.length === 0) continue;
      if (totalSize + (trial.sizeBytes ?? 0) > opts.maxSizeBytes) {
        for (const id of helped) overBudget.add(id);
        continue;
      }
      // near-equal: the same queries end about as cheap (within 5%); then the smaller index wins
      const remaining = helped.reduce((acc, id) => acc + (trial.costs.get(id) ?? 0) * (affected.find((q) => q.id === id)?.weight ?? 1), 0);
      const sameQueries = best !== undefined && best.helped.length === helped.length && best.helped.every((id) => helped.includes(id));
      const near = sameQueries && remaining <= best!.remaining * 1.05 + 1 && best!.remaining <= remaining * 1.05 + 1;
      const better = !best || (near ? (trial.sizeBytes ?? 0) < (best.sizeBytes ?? 0) : benefit > best.benefit);
      if (better) best = { candidate: c, helped, benefit, sizeBytes: trial.sizeBytes, costs: trial.costs, remaining };
    }
    if (!best) break;
    for (const id of best.helped) overBudget.delete(id);
    await ev.commit(best.candidate);
    for (const id of best.helped) current.set(id, best.costs.get(id) ?? current.get(id)!);
    totalSize += best.sizeBytes ?? 0;
    chosen.push({ candidate: best.candidate, helped: best.helped, sizeBytes: best.sizeBytes, benefit: best.benefit });
    remaining = remaining.filter((c) => c !== best!.candidate);
  }
  if (chosen.length >= opts.maxIndexes) for (const q of eligible) if (!chosen.some((c) => c.helped.includes(q.id)) && (bestFirst.get(q.id)?.improvement ?? 0) >= opts.minImprovement) overBudget.add(q.id);
  return { chosen, base, final: current, bestFirst, overBudget, timedOut };
}
