/**
 * CORRELATED_SUBQUERY: a subquery the engine runs once per outer row (PostgreSQL SubPlan, MySQL/
 * MariaDB DEPENDENT SUBQUERY, SQLite CORRELATED SCALAR/LIST SUBQUERY). How often it runs: the
 * SubPlan's loops when analyzed; else the rows of the step that evaluates it (PostgreSQL: the node
 * it hangs under; a subquery in that node's filter runs per row read), else the outer tables
 * beside it (MySQL, SQLite), a full scan without an estimate counting the table's rows.
 */
import type { PlanNode } from '../../engines/contract/query-plan.js';
import { walkPlan } from '../../engines/contract/query-plan.js';
import { columnsIn, fmt, LARGE_TABLE_ROWS, PROPOSE, qualified, rowsOut, type Context, type Finding } from './common.js';

function firstScan(node: PlanNode): PlanNode | undefined {
  for (const { node: n } of walkPlan(node)) if (n.relation) return n;
  return undefined;
}

/** How many times the subquery runs, and the outer table that drives it. */
function executions(
  node: PlanNode,
  parent: PlanNode | undefined,
  ctx: Context,
): { runs: number; outer?: PlanNode; how: string } | undefined {
  if (ctx.plan.analyzed && node.loops !== undefined) {
    return { runs: node.loops, how: 'actual loops', ...(parent?.relation ? { outer: parent } : {}) };
  }
  if (!parent) return undefined;
  if (parent.relation) {
    const name = node.correlated?.replace(/^hashed /, '') ?? '';
    const perRowRead = Boolean(parent.filter && name && parent.filter.includes(name));
    const tableRows = ctx.rowsOf(parent);
    const runs = perRowRead
      ? (tableRows ?? rowsOut(parent, false))
      : (rowsOut(parent, false) ?? tableRows ?? undefined);
    return runs === undefined || runs === null
      ? undefined
      : {
          runs,
          outer: parent,
          how: perRowRead ? 'rows read by the outer scan' : 'rows the outer step returns (estimated)',
        };
  }
  let best: { runs: number; outer?: PlanNode; how: string } | undefined;
  for (const sibling of parent.children) {
    if (sibling === node || sibling.correlated || /SUBQUERY/.test(sibling.label)) continue;
    const scan = firstScan(sibling);
    if (!scan) continue;
    const runs =
      rowsOut(sibling, false) ??
      rowsOut(scan, false) ??
      (scan.op === 'seq_scan' ? ctx.rowsOf(scan) : null) ??
      scan.estExamined;
    if (runs !== undefined && runs !== null && (!best || runs > best.runs))
      best = { runs, outer: scan, how: 'rows of the outer table (estimated)' };
  }
  return best;
}

/**
 * Fewer runs matter too when each one reads a large table (a full scan, or an index that does not
 * lead with the correlation column): at least HEAVY_MIN_RUNS runs, or fewer whose full scans add
 * up to HEAVY_TOTAL_ROWS rows read (50 runs over 400,000 rows is 20M rows for 50 answers).
 */
const HEAVY_MIN_RUNS = 100;
const HEAVY_TOTAL_ROWS = 1_000_000;
const HEAVY_FEW_RUNS = 10;

function readsLargeTablePerRun(inner: PlanNode, cols: readonly string[], ctx: Context): boolean {
  const rows = ctx.rowsOf(inner);
  if (rows === null || rows < LARGE_TABLE_ROWS) return false;
  if (inner.op === 'seq_scan') return true;
  const used = inner.index ? ctx.tableOf(inner)?.indexes.find((i) => i.name === inner.index) : undefined;
  return Boolean(used && cols.length && !cols.some((c) => used.columns[0]?.toLowerCase() === c.toLowerCase()));
}

export function correlatedSubquery(node: PlanNode, parent: PlanNode | undefined, ctx: Context): Finding | undefined {
  if (!node.correlated) return undefined;
  const found = executions(node, parent, ctx);
  if (!found) return undefined;
  const inner = firstScan(node);
  const innerTable = inner ? ctx.tableOf(inner) : undefined;
  // the correlation column: the first column of the inner table the inner condition names (inner side first)
  const cols = inner ? columnsIn(inner.filter, innerTable).slice(0, 1) : [];
  const innerRows = inner ? ctx.rowsOf(inner) : null;
  const heavy =
    Boolean(inner && readsLargeTablePerRun(inner, cols, ctx)) &&
    (found.runs >= HEAVY_MIN_RUNS ||
      (found.runs >= HEAVY_FEW_RUNS &&
        inner?.op === 'seq_scan' &&
        innerRows !== null &&
        found.runs * innerRows >= HEAVY_TOTAL_ROWS));
  if (found.runs < LARGE_TABLE_ROWS && !heavy) return undefined;
  const innerTarget = inner ? qualified(inner) : undefined;
  const fullInner = inner?.op === 'seq_scan';
  const outerTarget = found.outer ? qualified(found.outer) : undefined;
  // PostgreSQL materializes a SubPlan only when it does not depend on the outer row: an IN / NOT IN
  // (= ANY / <> ALL) subquery too big to hash in work_mem, searched again for every outer row
  if (node.label === 'Materialize') return unhashedIn(node, found, inner, outerTarget, ctx);
  const indexed = Boolean(
    innerTable &&
    cols.some((c) => innerTable.indexes.some((i) => i.valid && i.columns[0]?.toLowerCase() === c.toLowerCase())),
  );
  const indexFix =
    innerTarget && cols.length && !indexed
      ? `; and index the correlation column (${PROPOSE} CREATE INDEX ON ${innerTarget} (${cols.join(', ')});)`
      : '';
  return {
    code: 'CORRELATED_SUBQUERY',
    severity: fullInner ? 'critical' : 'warning',
    message: `${node.correlated} runs once per outer row: about ${fmt(found.runs)} times${outerTarget ? ` (once per row of ${outerTarget})` : ''}${innerTarget ? `, each time ${fullInner ? 'fully scanning' : 'reading'} ${innerTarget}${fullInner && ctx.rowsOf(inner!) !== null ? ` (${fmt(ctx.rowsOf(inner!)!)} rows)` : ''}` : ''}.`,
    ...ctx.base(node),
    evidence: {
      subquery: node.correlated,
      executions: found.runs,
      executions_from: found.how,
      outer_table: outerTarget ?? null,
      outer_table_rows: found.outer ? ctx.rowsOf(found.outer) : null,
      inner_table: innerTarget ?? null,
      inner_access: inner?.label ?? null,
      inner_table_rows: inner ? ctx.rowsOf(inner) : null,
      correlation: inner?.filter ?? null,
      rows_per_execution: inner
        ? rowsOut(inner, ctx.plan.analyzed) !== undefined && ctx.plan.analyzed
          ? (inner.actualRows ?? null)
          : (inner.estRows ?? null)
        : null,
    },
    fix: `Rewrite the subquery as a JOIN (aggregate once with GROUP BY ${cols[0] ?? '<correlation column>'} and join on it), a LATERAL join (PostgreSQL) or EXISTS for a yes/no test, so it is not re-run per outer row${indexFix}${indexed ? '; the correlation column is indexed, so the per-row lookups are cheap but still run once per outer row' : ''}.`,
  };
}

/** The finding for an uncorrelated IN / NOT IN SubPlan PostgreSQL could not hash: each outer row searches its materialized result. */
function unhashedIn(
  node: PlanNode,
  found: { runs: number; outer?: PlanNode; how: string },
  inner: PlanNode | undefined,
  outerTarget: string | undefined,
  ctx: Context,
): Finding {
  const innerTarget = inner ? qualified(inner) : undefined;
  const subRows = node.estRows ?? inner?.estRows;
  const tests = ctx.facts.inSubqueries ?? [];
  const test = tests.find((t) => t.negated) ?? tests[0];
  const written = test ? `${test.outer} ${test.negated ? 'NOT IN' : 'IN'} (SELECT ${test.inner} ...)` : undefined;
  const innerCol = test?.inner.replace(/[`"]/g, '');
  const innerBare = innerCol?.split('.').pop();
  const innerTable = inner ? ctx.tableOf(inner) : undefined;
  const indexed = Boolean(
    innerBare && innerTable?.indexes.some((i) => i.valid && i.columns[0]?.toLowerCase() === innerBare.toLowerCase()),
  );
  const rewriteText = test
    ? test.negated
      ? `Rewrite ${written} as NOT EXISTS (SELECT 1 FROM ... WHERE ${innerCol} = ${test.outer}): an anti join that reads the subquery's table once (NOT IN also returns no rows at all once the subquery yields a NULL; NOT EXISTS ignores NULLs)`
      : `Rewrite ${written} as EXISTS (SELECT 1 FROM ... WHERE ${innerCol} = ${test.outer}) or a join: a semi join that reads the subquery's table once`
    : "Rewrite the IN / NOT IN subquery as EXISTS / NOT EXISTS (a semi or anti join that reads the subquery's table once)";
  return {
    code: 'CORRELATED_SUBQUERY',
    severity: 'critical',
    message: `${node.correlated} (${written ?? 'an IN / NOT IN subquery'}) is not hashed: its result${subRows !== undefined ? ` (about ${fmt(subRows)} rows${innerTarget ? ` of ${innerTarget}` : ''})` : ''} does not fit work_mem, so it is materialized and searched again for every outer row: about ${fmt(found.runs)} times${outerTarget ? ` (once per row of ${outerTarget})` : ''}.`,
    ...ctx.base(node),
    evidence: {
      subquery: node.correlated ?? null,
      kind: 'unhashed_in_subquery',
      in_subquery: written ?? null,
      column: innerBare ?? null,
      executions: found.runs,
      executions_from: found.how,
      outer_table: outerTarget ?? null,
      inner_table: innerTarget ?? null,
      subquery_rows: subRows ?? null,
    },
    fix: `${rewriteText}${innerBare && innerTarget && !indexed ? `; an index on ${innerTarget} (${innerBare}) lets it probe instead of scan (${PROPOSE} CREATE INDEX ON ${innerTarget} (${innerBare});)` : ''}. Or raise work_mem for this query (SET LOCAL work_mem) so the subquery is hashed once.`,
  };
}
