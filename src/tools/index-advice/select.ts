/**
 * Greedy index selection over a workload (the "anytime" greedy of Microsoft's DTA, as in
 * postgres-mcp, with Dexter's acceptance rule): start from the existing indexes; each round, try
 * every remaining candidate on top of the ones already chosen and keep the one with the largest
 * weighted cost reduction; between near-equal ones (the queries end within 5% of each other) the smaller wins. A candidate
 * counts only for queries whose plan uses it and whose cost it cuts by at least `minImprovement`
 * (Dexter: 50%). Stops when nothing qualifies, at max_indexes / max_size_mb, or when the time
 * budget is spent (postgres-mcp's 30 s): the indexes chosen by then stand.
 */
import type { IndexCandidate } from '../../engines/contract/index-advisor.js';

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
  /** trialSet only: the size of each candidate, in order. */
  sizes?: (number | null)[];
  /** trialSet only: per candidate, in order, the queries whose plan uses it. */
  usedByEach?: Set<number>[];
}

export interface Evaluator {
  /** Costs of the queries under the indexes chosen so far. */
  baseline(queries: readonly Workload[]): Promise<Map<number, number>>;
  trial(candidate: IndexCandidate, queries: readonly Workload[]): Promise<Trial>;
  /**
   * Several candidates at once (one per branch of an OR, which no single index serves); `usedBy`
   * holds the queries whose plan uses every one of them. Optional: without it, ORs are not bundled.
   */
  trialSet?(candidates: readonly IndexCandidate[], queries: readonly Workload[]): Promise<Trial>;
  /** Keeps the candidate in the configuration for later rounds. */
  commit(candidate: IndexCandidate): Promise<void>;
}

export interface Chosen {
  candidate: IndexCandidate;
  helped: number[];
  sizeBytes: number | null;
  benefit: number;
  /** Chosen as a set (one index per OR branch, or per scan of the statement): the other members. */
  with?: IndexCandidate[];
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

/** compound: a candidate counts as a part when its plan uses it and it saves at least this much alone. */
const PART_MIN_GAIN = 0.05;
/** compound: at most this many parts are tried together for one query. */
const MAX_PARTS = 6;

export async function greedySelect(
  queries: readonly Workload[],
  candidates: readonly IndexCandidate[],
  ev: Evaluator,
  opts: SelectOptions,
): Promise<Selection> {
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
    // per query, the candidates its plan uses that save something, if not enough alone (for compound)
    const parts = new Map<number, { c: IndexCandidate; gain: number }[]>();
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
        if (round === 0 && trial.usedBy.has(q.id) && gain > (bestFirst.get(q.id)?.improvement ?? -Infinity))
          bestFirst.set(q.id, { improvement: gain, candidate: c });
        if (trial.usedBy.has(q.id) && gain >= PART_MIN_GAIN && gain < opts.minImprovement)
          parts.set(q.id, [...(parts.get(q.id) ?? []), { c, gain }]);
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
      const remaining = helped.reduce(
        (acc, id) => acc + (trial.costs.get(id) ?? 0) * (affected.find((q) => q.id === id)?.weight ?? 1),
        0,
      );
      const sameQueries =
        best !== undefined && best.helped.length === helped.length && best.helped.every((id) => helped.includes(id));
      const near = sameQueries && remaining <= best!.remaining * 1.05 + 1 && best!.remaining <= remaining * 1.05 + 1;
      const better = !best || (near ? (trial.sizeBytes ?? 0) < (best.sizeBytes ?? 0) : benefit > best.benefit);
      if (better) best = { candidate: c, helped, benefit, sizeBytes: trial.sizeBytes, costs: trial.costs, remaining };
    }
    if (!best) {
      const roomIndexes = opts.maxIndexes - chosen.length;
      const roomBytes = opts.maxSizeBytes - totalSize;
      const bundle =
        (await orBundle(remaining, eligible, current, ev, opts, roomIndexes, roomBytes)) ??
        (await compound(parts, eligible, current, ev, opts, roomIndexes, roomBytes));
      if (!bundle) break;
      for (const { costs: _costs, ...c } of bundle) {
        await ev.commit(c.candidate);
        totalSize += c.sizeBytes ?? 0;
        chosen.push(c);
      }
      for (const id of bundle[0]!.helped) current.set(id, bundle[0]!.costs.get(id) ?? current.get(id)!);
      remaining = remaining.filter((c) => !bundle.some((b) => b.candidate === c));
      continue;
    }
    for (const id of best.helped) overBudget.delete(id);
    await ev.commit(best.candidate);
    for (const id of best.helped) current.set(id, best.costs.get(id) ?? current.get(id)!);
    totalSize += best.sizeBytes ?? 0;
    chosen.push({ candidate: best.candidate, helped: best.helped, sizeBytes: best.sizeBytes, benefit: best.benefit });
    remaining = remaining.filter((c) => c !== best!.candidate);
  }
  if (chosen.length >= opts.maxIndexes)
    for (const q of eligible)
      if (
        !chosen.some((c) => c.helped.includes(q.id)) &&
        (bestFirst.get(q.id)?.improvement ?? 0) >= opts.minImprovement
      )
        overBudget.add(q.id);
  return { chosen, base, final: current, bestFirst, overBudget, timedOut };
}

/**
 * When no single index qualifies: an OR whose branches each lack an index is served only by one
 * index per branch together (BitmapOr). Per OR, the first candidate of each branch is tried as a
 * set; it qualifies as one candidate would (the plan uses every member, at least minImprovement
 * cheaper) and only if all of them fit max_indexes and max_size_mb.
 */
async function orBundle(
  remaining: readonly IndexCandidate[],
  eligible: readonly Workload[],
  current: ReadonlyMap<number, number>,
  ev: Evaluator,
  opts: SelectOptions,
  roomIndexes: number,
  roomBytes: number,
): Promise<(Chosen & { costs: Map<number, number> })[] | undefined> {
  if (!ev.trialSet) return undefined;
  const groups = new Map<string, Map<number, IndexCandidate>>();
  for (const c of remaining) {
    if (!c.orBranch) continue;
    const key = `${opts.tableKey(c)}|${c.orBranch.group}`;
    const g = groups.get(key) ?? new Map<number, IndexCandidate>();
    if (!g.has(c.orBranch.branch)) g.set(c.orBranch.branch, c);
    groups.set(key, g);
  }
  let best: (Chosen & { costs: Map<number, number> })[] | undefined;
  let bestBenefit = 0;
  for (const g of groups.values()) {
    const members = [...g.values()];
    if (members.length < 2 || members.length > roomIndexes) continue;
    const affected = eligible.filter((q) => q.tables.has(opts.tableKey(members[0]!)));
    if (affected.length === 0) continue;
    const trial = await ev.trialSet(members, affected);
    if ((trial.sizeBytes ?? 0) > roomBytes) continue;
    const { helped, benefit } = setBenefit(trial, affected, current, opts.minImprovement);
    if (helped.length === 0 || benefit <= bestBenefit) continue;
    bestBenefit = benefit;
    best = members.map((candidate, i) => ({
      candidate,
      helped,
      benefit: benefit / members.length,
      sizeBytes: trial.sizes?.[i] ?? null,
      costs: trial.costs,
      with: members.filter((m) => m !== candidate),
    }));
  }
  return best;
}

/** The queries a set of indexes helps (its plan uses the set and costs at least `minImprovement` less), and the weighted saving. */
function setBenefit(
  trial: Trial,
  affected: readonly Workload[],
  current: ReadonlyMap<number, number>,
  minImprovement: number,
): { helped: number[]; benefit: number } {
  const helped: number[] = [];
  let benefit = 0;
  for (const q of affected) {
    const now = current.get(q.id) ?? 0;
    const after = trial.costs.get(q.id) ?? now;
    if (trial.usedBy.has(q.id) && now > 0 && (now - after) / now >= minImprovement) {
      helped.push(q.id);
      benefit += (now - after) * q.weight;
    }
  }
  return { helped, benefit };
}

/**
 * When no single index qualifies: a statement that reads several tables, or one table several
 * times (UNION ALL, subqueries), may need an index on each scan, none of which saves 50% of the
 * whole statement alone (Dexter's way: plan with the candidates together, keep those the plan
 * uses). Per query (costliest first), its parts are tried together; the ones the plan uses are
 * tried again as a set over the workload, and qualify as one candidate would.
 */
async function compound(
  parts: ReadonlyMap<number, { c: IndexCandidate; gain: number }[]>,
  eligible: readonly Workload[],
  current: ReadonlyMap<number, number>,
  ev: Evaluator,
  opts: SelectOptions,
  roomIndexes: number,
  roomBytes: number,
): Promise<(Chosen & { costs: Map<number, number> })[] | undefined> {
  if (!ev.trialSet || roomIndexes < 2) return undefined;
  const weight = (q: Workload) => (current.get(q.id) ?? 0) * q.weight;
  const order = eligible.filter((q) => (parts.get(q.id)?.length ?? 0) >= 2).sort((x, y) => weight(y) - weight(x));
  for (const q of order) {
    const members = [...parts.get(q.id)!]
      .sort((x, y) => y.gain - x.gain)
      .slice(0, MAX_PARTS)
      .map((p) => p.c);
    const first = await ev.trialSet(members, [q]);
    const used = members.filter((_, i) => first.usedByEach?.[i]?.has(q.id));
    if (used.length < 2 || used.length > roomIndexes) continue;
    const tables = new Set(used.map((c) => opts.tableKey(c)));
    const affected = eligible.filter((w) => [...tables].some((t) => w.tables.has(t)));
    const trial = await ev.trialSet(used, affected);
    if ((trial.sizeBytes ?? 0) > roomBytes) continue;
    const { helped, benefit } = setBenefit(trial, affected, current, opts.minImprovement);
    if (!helped.includes(q.id)) continue;
    return used.map((candidate, i) => ({
      candidate,
      helped,
      benefit: benefit / used.length,
      sizeBytes: trial.sizes?.[i] ?? null,
      costs: trial.costs,
      with: used.filter((m) => m !== candidate),
    }));
  }
  return undefined;
}
