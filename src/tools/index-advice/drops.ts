/**
 * Existing indexes worth dropping on the tables the queries read: duplicates and indexes whose key
 * is a leading prefix of another (src/indexes/overlap.ts, shared with check_health), and indexes
 * never scanned since the statistics were reset (the engine's index-usage module). Primary keys and
 * unique indexes are never reported unused: they enforce a constraint.
 */
import type { IndexAdvisorOps } from '../../engines/contract/index-advisor.js';
import type { TableDetail } from '../../engines/contract/engine.js';
import { indexOverlaps } from '../../engines/kit/index-overlap.js';

export interface DropCandidate {
  table: string;
  index: string;
  kind: 'duplicate' | 'redundant_prefix' | 'unused';
  covered_by: string | null;
  size_bytes: number | null;
  reason: string;
}

export async function dropCandidates(ops: IndexAdvisorOps, tables: readonly TableDetail[]): Promise<DropCandidate[]> {
  const out: DropCandidate[] = [];
  for (const t of tables) {
    const table = `${t.schema}.${t.name}`;
    const usage = await ops.indexUsage({ schema: t.schema, table: t.name }).catch(() => undefined);
    const size = (index: string) => usage?.indexes.find((u) => u.index === index)?.size_bytes ?? null;
    const reported = new Set<string>();
    for (const o of indexOverlaps(t.indexes)) {
      reported.add(o.index);
      reported.add(o.covered_by); // the index that stays: never also suggested for dropping
      out.push({
        table,
        index: o.index,
        kind: o.kind,
        covered_by: o.covered_by,
        size_bytes: size(o.index),
        reason: o.reason,
      });
    }
    if (!usage?.available) continue;
    for (const u of usage.indexes) {
      if (u.scans !== 0 || u.primary || u.unique || reported.has(u.index)) continue;
      out.push({
        table,
        index: u.index,
        kind: 'unused',
        covered_by: null,
        size_bytes: u.size_bytes,
        reason: `${u.index} has not been scanned${usage.stats_since ? ` since ${usage.stats_since}` : ' since the statistics were reset'}; check replicas and rare jobs before dropping it`,
      });
    }
  }
  return out;
}
