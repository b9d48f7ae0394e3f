/**
 * Proposals as reported, and their confirmation with a real index (PostgreSQL on a read-write
 * source): a chosen expression or BRIN index is rebuilt for real in a rolled-back transaction,
 * and so are the expression and BRIN candidates of queries nothing helped (HypoPG underrates
 * both: no statistics for a hypothetical expression, and BRIN's gain shows in run time more than
 * in planner cost).
 */
import type {
  IndexAdvisorOps,
  IndexCandidate,
  PlannedQuery,
  VerifiedBy,
} from '../../engines/contract/index-advisor.js';
import type { CandidateContext } from './candidates.js';
import { candidateSignature, termText } from './keys.js';
import { indexName } from './names.js';

/** Dexter's rule, also for a real index: at least 50% cheaper (in cost or in measured time). */
const MIN_REAL_GAIN = 0.5;
/** Real test builds per call, at most (each one scans the table). */
const MAX_REAL_CHECKS = 3;

export interface Proposal {
  table: string;
  columns: string[];
  include: string[];
  where: string | null;
  method: string;
  kind: string;
  ddl: string;
  cost_before: number | null;
  cost_after: number | null;
  improvement: number | null;
  size_bytes: number | null;
  queries_helped: number[];
  verified_by: VerifiedBy;
  confidence: 'high' | 'medium' | 'low';
  rationale: string;
}

const tkey = (t: { schema: string; name: string }) => `${t.schema}.${t.name}`;
const round = (x: number) => Math.round(x * 100) / 100;
const ratio = (before: number, after: number) => (before > 0 ? Math.round((1 - after / before) * 1000) / 1000 : null);

export function proposal(
  ops: IndexAdvisorOps,
  c: IndexCandidate,
  before: number,
  after: number,
  size: number | null,
  helped: number[],
  method: VerifiedBy,
  planner: boolean,
  contexts: ReadonlyMap<string, CandidateContext>,
): Proposal {
  const name = indexName(c);
  const weak = planner && (c.kind === 'expression' || c.method === 'brin');
  const hasStats = c.keys.every((k) => !k.column || contexts.get(tkey(c.table))?.stats.columns.has(k.column));
  const confidence: Proposal['confidence'] =
    method === 'hypopg' ? (weak ? 'low' : 'high') : method === 'whatif' ? 'medium' : hasStats ? 'medium' : 'low';
  const cols = c.keys.map((k, i) => ops.keySql(k, c.opclass?.[i]));
  const why = [
    `${kindText(c)} for quer${helped.length > 1 ? 'ies' : 'y'} ${helped.join(', ')}: estimated cost ${round(before)} -> ${round(after)}${planner ? ' (planner)' : ' (rows read, estimated)'}.`,
  ];
  const stats = contexts.get(tkey(c.table))?.stats;
  if (stats?.writes)
    why.push(
      `Write cost: ${tkey(c.table)} took ${Math.round(stats.writes).toLocaleString('en-US')} row inserts/updates/deletes since its statistics were reset${stats.rows ? ` (${Math.round(stats.rows).toLocaleString('en-US')} rows now)` : ''}; each one also maintains this index.`,
    );
  if (weak)
    why.push(
      `HypoPG has no statistics for a hypothetical ${c.method === 'brin' ? 'BRIN' : 'expression'} index, so this estimate is rough (low confidence).`,
    );
  return {
    table: tkey(c.table),
    columns: cols,
    include: c.include,
    where: c.where,
    method: c.method,
    kind: c.kind,
    ddl: ops.ddl(c, name),
    cost_before: round(before),
    cost_after: round(after),
    improvement: ratio(before, after),
    size_bytes: size,
    queries_helped: helped,
    verified_by: method,
    confidence,
    rationale: why.join(' '),
  };
}

function kindText(c: IndexCandidate): string {
  const keys = c.keys.map(termText).join(', ');
  switch (c.kind) {
    case 'partial':
      return `Partial index on (${keys}) WHERE ${c.where}: only the rare rows are indexed`;
    case 'brin':
      return `BRIN on ${keys}: the table is large and stored in ${keys} order, so block ranges suffice`;
    case 'covering':
      return `Covering index (${keys}) INCLUDE (${c.include.join(', ')}): an index-only scan`;
    case 'expression':
      return `Expression index on (${keys}): the query filters on the expression, which a plain index cannot serve`;
    case 'sort':
    case 'group':
      return `Index (${keys}) returns rows in ${c.kind === 'sort' ? 'ORDER BY' : 'GROUP BY'} order, so no sort is needed`;
    case 'join':
      return `Index on the join key (${keys})`;
    default:
      return `Index (${keys}): equality columns first, then range`;
  }
}

type RealOptions = { timeoutMs: number; maxTableBytes: number; analyze: boolean };

/** Builds the proposal's index for real (rolled back) and takes its figures; true when it pays off. */
export async function confirmWithRealIndex(
  ops: IndexAdvisorOps,
  p: Proposal,
  c: IndexCandidate,
  queries: PlannedQuery[],
  opts: RealOptions,
): Promise<boolean> {
  const check = await ops.realCheck!(c, queries, opts);
  if ('skipped' in check) {
    p.rationale += ` Not confirmed with a real index: ${check.skipped}.`;
    return false;
  }
  const costGain = check.costBefore > 0 ? 1 - check.costAfter / check.costBefore : 0;
  const timeGain = check.msBefore && check.msAfter !== null ? 1 - check.msAfter / check.msBefore : 0;
  const pays = check.used && Math.max(costGain, timeGain) >= MIN_REAL_GAIN;
  Object.assign(p, {
    verified_by: 'real-rollback',
    cost_before: round(check.costBefore),
    cost_after: round(check.costAfter),
    size_bytes: check.sizeBytes,
    improvement: ratio(check.costBefore, check.costAfter),
  });
  p.confidence = pays ? 'high' : 'low';
  const timing =
    check.msBefore !== null && check.msAfter !== null
      ? ` Measured run time ${round(check.msBefore)} ms -> ${round(check.msAfter)} ms.`
      : '';
  p.rationale += check.used
    ? ` Built for real in a rolled-back transaction (with ANALYZE): planner cost ${round(check.costBefore)} -> ${round(check.costAfter)}.${timing}`
    : ' The real index, built in a rolled-back transaction, was NOT used by the plan: treat this as doubtful.';
  return pays;
}

/** Expression and BRIN candidates of queries nothing helped, tried as real indexes; the ones that pay off become proposals. */
export async function nearMisses(
  ops: IndexAdvisorOps,
  misses: { n: number; planned: PlannedQuery; isRead: boolean; candidates: IndexCandidate[] }[],
  chosen: IndexCandidate[],
  opts: Omit<RealOptions, 'analyze'>,
  contexts: ReadonlyMap<string, CandidateContext>,
  room: { indexes: number; bytes: number },
): Promise<Proposal[]> {
  const out: Proposal[] = [];
  const tried = new Set(chosen.map(candidateSignature));
  let checks = 0;
  for (const m of misses) {
    for (const c of m.candidates.filter((x) => x.kind === 'expression' || x.method === 'brin')) {
      if (checks >= MAX_REAL_CHECKS || out.length >= room.indexes || tried.has(candidateSignature(c))) continue;
      tried.add(candidateSignature(c));
      checks++;
      const p = proposal(ops, c, 0, 0, null, [m.n], 'real-rollback', true, contexts);
      p.rationale = `${kindOf(c)} for query ${m.n}: HypoPG's estimate fell short of the 50% rule, so the index was built for real.`;
      if (
        (await confirmWithRealIndex(ops, p, c, [m.planned], { ...opts, analyze: m.isRead })) &&
        (p.size_bytes ?? 0) <= room.bytes
      ) {
        out.push(p);
        room.bytes -= p.size_bytes ?? 0;
      }
    }
  }
  return out;
}

function kindOf(c: IndexCandidate): string {
  const keys = c.keys.map(termText).join(', ');
  return c.method === 'brin' ? `BRIN on ${keys}` : `Expression index on (${keys})`;
}
