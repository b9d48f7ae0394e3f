/**
 * Findings over a normalized plan (src/engines/plan.ts) and the catalog's statistics for its
 * tables: pure functions, engine-neutral. Thresholds:
 *   - a table is LARGE when the catalog's row estimate is at least LARGE_TABLE_ROWS (no
 *     statistics: never large; the summary says statistics are missing instead of guessing);
 *   - a filter is SELECTIVE when the rows a scan returns (actual when analyzed, else the
 *     planner's estimate) are at most SELECTIVE_FRACTION of the table's rows; when the engine
 *     has no estimate for the filter (SQLite, MySQL with filtered=100), an equality on a column
 *     the engine's statistics give at least SELECTIVE_DISTINCT distinct values is selective (and
 *     one with fewer, 1/distinct above SELECTIVE_FRACTION, is not); otherwise it is unknown;
 *   - an estimate is OFF when estimated and actual rows per loop differ by ESTIMATE_FACTOR or
 *     more and the larger side is at least ESTIMATE_MIN_ROWS.
 */
import type { PlanNode, PlanResult } from '../../engines/contract/query-plan.js';
import { walkPlan } from '../../engines/contract/query-plan.js';
import type { ColumnStats, TableDetail } from '../../engines/contract/engine.js';
import {
  withoutSubqueries,
  columnsIn,
  describeNode,
  fmt,
  LARGE_TABLE_ROWS,
  PROPOSE,
  qualified,
  SELECTIVE_FRACTION,
  ESTIMATE_FACTOR,
  ESTIMATE_MIN_ROWS,
  statsEvidence,
  tableKey,
  type Context,
  type Evidence,
  type Finding,
  type Ids,
} from './common.js';
import { correlatedSubquery } from './subqueries.js';
import { joinDiscardsLargeScan, nestedLoopLargeOuter } from './joins.js';
import { indexNotUsable } from './predicates.js';
import { missingLimit, selectStarWide, usingTemporary } from './result.js';
import { NO_FACTS, type StatementFacts } from './statement.js';

export { columnsIn, describeNode, LARGE_TABLE_ROWS, qualified, tableKey, type Finding } from './common.js';

export const SELECTIVE_DISTINCT = 100;

/** Columns compared by equality in a filter (col = value, either side). */
function equalityColumns(filter: string, table: TableDetail | undefined): string[] {
  const plain = withoutSubqueries(filter.replace(/'(?:[^']|'')*'/g, "''"));
  if (/\bor\b/i.test(plain)) return [];
  return columnsIn(
    plain
      .split(/\band\b/i)
      .filter((part) => /[^<>!]=(?!=)/.test(part) && !/<=|>=/.test(part))
      .join(' and '),
    table,
  );
}

export function analyzePlan(
  plan: PlanResult,
  tables: ReadonlyMap<string, TableDetail>,
  ids: Ids,
  facts: StatementFacts = NO_FACTS,
  stats: ReadonlyMap<string, readonly ColumnStats[]> = new Map(),
): Finding[] {
  const findings: Finding[] = [];
  const lastAnalyzed = new Map((plan.relations ?? []).map((r) => [tableKey(r.schema, r.name), r.lastAnalyzed]));
  const fullScanNodes = new Set<PlanNode>();
  const tableOf = (n: PlanNode) => (n.relation ? tables.get(tableKey(n.schema, n.relation)) : undefined);
  const rowsOf = (n: PlanNode) => tableOf(n)?.row_estimate ?? null;
  const base = (n: PlanNode) => ({ node: describeNode(n), node_id: ids.id(n) });
  const statsOf = (n: PlanNode, column: string) =>
    n.relation
      ? stats.get(tableKey(n.schema, n.relation))?.find((s) => s.column.toLowerCase() === column.toLowerCase())
      : undefined;
  const ctx: Context = { plan, facts, tableOf, rowsOf, base, statsOf };
  // under a LIMIT a node stops early: fewer actual rows than estimated is the plan working
  const underLimit = new Set<PlanNode>();
  for (const { node } of walkPlan(plan.root))
    if (node.op === 'limit' || underLimit.has(node)) for (const c of node.children) underLimit.add(c);
  // inside a correlated subquery a scan's filter names outer columns: CORRELATED_SUBQUERY speaks for it
  const inCorrelated = new Set<PlanNode>();
  for (const { node } of walkPlan(plan.root))
    if (node.correlated || inCorrelated.has(node)) for (const c of node.children) inCorrelated.add(c);

  for (const { node, parent } of walkPlan(plan.root)) {
    const table = tableOf(node);
    const tableRows = rowsOf(node);
    const correlated = correlatedSubquery(node, parent, ctx);
    if (correlated) findings.push(correlated);

    if (
      node.op === 'seq_scan' &&
      node.relation &&
      node.filter &&
      tableRows !== null &&
      tableRows >= LARGE_TABLE_ROWS &&
      !inCorrelated.has(node) &&
      !fullScanNodes.has(node)
    ) {
      const returned = node.actualRows ?? node.estRows;
      // no estimate for the filter: an equality on a column with many distinct values is selective
      const eqCol =
        returned === undefined
          ? equalityColumns(node.filter, table)
              .map((c) => statsOf(node, c))
              .find((s) => s?.distinct != null && s.distinct > 0)
          : undefined;
      const byDistinct = eqCol?.distinct
        ? eqCol.distinct >= SELECTIVE_DISTINCT
          ? 1 / eqCol.distinct
          : Math.max(1 / eqCol.distinct, SELECTIVE_FRACTION * 2)
        : undefined;
      const fraction =
        returned === undefined
          ? byDistinct
          : (passedFraction(node, underLimit.has(node), plan.analyzed, tableRows) ?? returned / Math.max(tableRows, 1));
      // a filter compared with a subquery's result: no index on this table helps, and the subquery has its own finding
      const judged = !(fraction === undefined && /\(\s*(SELECT|WITH)\b/i.test(node.filter));
      const unusable =
        judged && (fraction === undefined || fraction <= SELECTIVE_FRACTION) ? indexNotUsable(node, ctx) : undefined;
      if (unusable) {
        findings.push(unusable);
        fullScanNodes.add(node);
      } else if (judged && (fraction === undefined || fraction <= SELECTIVE_FRACTION)) {
        const cols = columnsIn(node.filter, table);
        const existing = table?.indexes.find(
          (i) => i.valid && cols.some((c) => i.columns[0]?.toLowerCase() === c.toLowerCase()),
        );
        const evidence: Evidence = {
          table: qualified(node),
          table_rows: tableRows,
          table_bytes: table?.size_bytes ?? null,
          filter: node.filter.length > 200 ? `${node.filter.slice(0, 200)}...` : node.filter,
          rows_returned: returned ?? null,
          selectivity:
            fraction === undefined
              ? 'unknown (no estimate for this filter)'
              : `${(fraction * 100).toPrecision(2)}%${byDistinct !== undefined && eqCol ? ` (from ${fmt(eqCol.distinct!)} distinct values of ${eqCol.column})` : ''}`,
          ...statsEvidence(ctx, node, eqCol?.column ?? cols[0]),
        };
        if (node.rowsRemoved !== undefined) evidence.rows_removed_by_filter = node.rowsRemoved * (node.loops ?? 1);
        const colList = cols.join(', ');
        const fix = existing
          ? `An index on ${existing.columns.join(', ')} exists (${existing.name}) but this filter does not use it: check for a function, cast or leading-wildcard LIKE on the column, and write the condition so the index applies.`
          : cols.length
            ? `Index the filter column${cols.length > 1 ? 's' : ''}: ${PROPOSE} CREATE INDEX ON ${qualified(node)} (${colList});`
            : `Add an index that matches the filter (${PROPOSE} CREATE INDEX on the filtered columns).`;
        findings.push({
          code: 'FULL_SCAN_LARGE_TABLE',
          severity: 'warning',
          message: `Full scan of ${qualified(node)} (${fmt(tableRows)} rows) to ${returned === undefined ? 'apply a filter' : `return ${fmt(returned)} rows`}${colList ? ` filtered on ${colList}` : ''}.`,
          ...base(node),
          evidence,
          fix,
        });
        fullScanNodes.add(node);
      }
    }

    if (node.op === 'sort' || (node.op === 'temp_btree' && /ORDER BY/i.test(node.label))) {
      const input = sortInput(node, plan.root, rowsOf);
      if (input !== undefined && input.rows >= LARGE_TABLE_ROWS) {
        const keys = node.sortKey ?? [];
        const sortTable = input.table
          ? tables.get(tableKey(input.table.schema, String(input.table.relation)))
          : undefined;
        const cols = columnsIn(keys.join(', '), sortTable);
        const target = input.table ? qualified(input.table) : undefined;
        findings.push({
          code: 'SORT_WITHOUT_INDEX',
          severity: 'warning',
          message: `${node.label} sorts about ${fmt(input.rows)} rows${keys.length ? ` by ${keys.join(', ')}` : ''}; no index gives this order.`,
          ...base(node),
          evidence: {
            rows_sorted: input.rows,
            sort_key: keys.join(', ') || null,
            table: target ?? null,
            table_rows: input.table ? rowsOf(input.table) : null,
          },
          fix:
            target && cols.length
              ? `An index in the sort order lets the engine read rows already sorted (and stop early under a LIMIT): ${PROPOSE} CREATE INDEX ON ${target} (${cols.join(', ')}); with a filter, put the equality filter columns first.`
              : 'Add an index whose columns match the ORDER BY (after any equality filter columns), or add a LIMIT.',
        });
      }
    }

    const join = nestedLoopLargeOuter(node, ctx);
    if (join) findings.push(join);
    const discarded = joinDiscardsLargeScan(node, ctx);
    if (discarded && !fullScanNodes.has(discarded.scan)) {
      findings.push(discarded.finding);
      fullScanNodes.add(discarded.scan);
    }
    const temporary = usingTemporary(node, ctx);
    if (temporary) findings.push(temporary);

    if (node.sortSpill) {
      findings.push({
        code: 'SORT_SPILL',
        severity: 'warning',
        message: `${node.label} spilled to disk (${node.sortSpill.method}${node.sortSpill.spaceKb !== undefined ? `, ${fmt(node.sortSpill.spaceKb)} kB` : ''}).`,
        ...base(node),
        evidence: {
          method: node.sortSpill.method,
          disk_kb: node.sortSpill.spaceKb ?? null,
          rows: node.actualRows ?? node.estRows ?? null,
        },
        fix: 'Avoid the sort with an index in the needed order, reduce the rows before sorting, or raise work_mem for this query (SET LOCAL work_mem) if the memory is there.',
      });
    }

    if (plan.analyzed && node.estRows !== undefined && node.actualRows !== undefined && node.relation) {
      const est = node.estRows;
      // a parallel partial node: the estimate is over all processes, the actual rows per process
      const act = node.parallelDivisor !== undefined ? node.actualRows * (node.loops ?? 1) : node.actualRows;
      const hi = Math.max(est, act);
      const ratio = hi / Math.max(Math.min(est, act), 1);
      const stoppedEarly = underLimit.has(node) && act < est;
      if (
        hi >= ESTIMATE_MIN_ROWS &&
        ratio >= ESTIMATE_FACTOR &&
        !stoppedEarly &&
        !findings.some((f) => f.code === 'ESTIMATE_OFF' && f.evidence.table === qualified(node))
      ) {
        const analyzedAt = lastAnalyzed.get(tableKey(node.schema, node.relation));
        findings.push({
          code: 'ESTIMATE_OFF',
          severity: 'warning',
          message: `The planner expected ${fmt(est)} rows from ${qualified(node)} but got ${fmt(act)} (${Math.round(ratio)}x ${act > est ? 'more' : 'fewer'}); statistics look stale (last analyzed: ${analyzedAt ?? 'never'}).`,
          ...base(node),
          evidence: {
            table: qualified(node),
            estimated_rows: est,
            actual_rows: act,
            factor: Math.round(ratio),
            table_rows_in_catalog: tableRows,
            last_analyzed: analyzedAt ?? (plan.relations ? 'never' : null),
            filter: node.filter ?? null,
          },
          fix: `Refresh the statistics: ANALYZE ${qualified(node)}; (MySQL/MariaDB: ANALYZE TABLE). If it recurs, check autovacuum/auto-analyze for this table${node.filter ? ', or raise the statistics target of the filtered columns' : ''}.`,
        });
      }
    }

    if (plan.analyzed && node.rowsRemoved !== undefined && !fullScanNodes.has(node)) {
      const loops = node.loops ?? 1;
      const removed = node.rowsRemoved * loops;
      const returned = (node.actualRows ?? 0) * loops;
      if (removed >= LARGE_TABLE_ROWS && removed >= 10 * Math.max(returned, 1)) {
        const cols = columnsIn(node.filter, table);
        findings.push({
          code: 'ROWS_REMOVED_BY_FILTER',
          severity: 'warning',
          message: `${describeNode(node)} read ${fmt(removed + returned)} rows and threw away ${fmt(removed)} to return ${fmt(returned)}.`,
          ...base(node),
          evidence: {
            rows_removed: removed,
            rows_returned: returned,
            loops,
            filter: node.filter ?? null,
            table: node.relation ? qualified(node) : null,
          },
          fix:
            node.relation && cols.length
              ? `Make the filter part of the index: ${PROPOSE} CREATE INDEX ON ${qualified(node)} (${cols.join(', ')}); (equality columns first).`
              : 'Add the filtered columns to an index so the rows are not read only to be thrown away.',
        });
      }
    }

    const fetchedForFilter = !plan.analyzed && !fullScanNodes.has(node) ? indexFetchesForFilter(node, ctx) : undefined;
    if (fetchedForFilter) findings.push(fetchedForFilter);
  }
  const limit = missingLimit(ctx);
  if (limit) findings.push(limit);
  findings.push(...selectStarWide(ctx));
  return findings;
}

/**
 * ROWS_REMOVED_BY_FILTER from the estimates alone: an index access on a large table that fetches
 * at least LARGE_TABLE_ROWS rows (PostgreSQL: its Bitmap Index Scan's estimate; MySQL/MariaDB:
 * `rows` before `filtered`) of which its filter keeps at most SELECTIVE_FRACTION. The index
 * serves a condition that is not selective while the selective one is left to the filter: the
 * plan of a write, which cannot be analyzed, shows it this way.
 */
function indexFetchesForFilter(node: PlanNode, ctx: Context): Finding | undefined {
  if (!node.relation || !node.filter || node.estRows === undefined) return undefined;
  const tableRows = ctx.rowsOf(node);
  if (tableRows === null || tableRows < LARGE_TABLE_ROWS) return undefined;
  const bitmap =
    node.op === 'bitmap_scan'
      ? node.children.find((c) => c.op === 'bitmap_scan' || /^Bitmap(And|Or)$/.test(c.label))
      : undefined;
  const fetched =
    bitmap?.estRows ?? (node.op === 'index_scan' || node.op === 'index_only_scan' ? node.estExamined : undefined);
  if (fetched === undefined || fetched < LARGE_TABLE_ROWS || node.estRows > SELECTIVE_FRACTION * fetched)
    return undefined;
  const table = ctx.tableOf(node);
  const indexName = node.index ?? bitmap?.index;
  const used = indexName ? table?.indexes.find((i) => i.name === indexName) : undefined;
  const all = columnsIn(node.filter, table);
  const outside = all.filter((c) => !used?.columns.some((u) => u.toLowerCase() === c.toLowerCase()));
  const cols = outside.length ? outside : all;
  return {
    code: 'ROWS_REMOVED_BY_FILTER',
    severity: 'warning',
    message: `${describeNode(node)} fetches about ${fmt(fetched)} rows${indexName ? ` through ${indexName}` : ''} and its filter keeps about ${fmt(node.estRows)}${cols.length ? `: the selective condition (${cols.join(', ')}) is not in the index` : ''}.`,
    ...ctx.base(node),
    evidence: {
      table: qualified(node),
      table_rows: tableRows,
      index: indexName ?? null,
      rows_fetched: fetched,
      rows_returned: node.estRows,
      estimated: 'yes',
      filter: node.filter.length > 200 ? `${node.filter.slice(0, 200)}...` : node.filter,
      ...statsEvidence(ctx, node, cols[0]),
    },
    fix: cols.length
      ? `Index the selective filter column${cols.length > 1 ? 's' : ''} (equality columns first): ${PROPOSE} CREATE INDEX ON ${qualified(node)} (${cols.join(', ')});`
      : 'Add the filtered columns to an index so the rows are not fetched only to be thrown away.',
  };
}

/**
 * The share of the rows a scan read that passed its filter. Analyzed: passed / (passed + removed),
 * the only honest figure for a scan a LIMIT stopped early; under a LIMIT without that count, the
 * estimate (which plans the whole scan). Undefined: judge by rows returned against the table.
 */
function passedFraction(node: PlanNode, underLimit: boolean, analyzed: boolean, tableRows: number): number | undefined {
  if (!analyzed) return undefined;
  if (node.actualRows !== undefined && node.rowsRemoved !== undefined)
    return node.actualRows / Math.max(node.actualRows + node.rowsRemoved, 1);
  if (underLimit && node.estRows !== undefined) return node.estRows / Math.max(tableRows, 1);
  return undefined;
}

/** The rows a sort takes in (its input, not its output: a top-N sort under a LIMIT returns few), and the table a full scan feeds it from. */
function sortInput(
  node: PlanNode,
  root: PlanNode,
  rowsOf: (n: PlanNode) => number | null,
): { rows: number; table?: PlanNode } | undefined {
  const scans = [...walkPlan(node.op === 'temp_btree' ? root : node)].map((w) => w.node).filter((n) => n.relation);
  const scan = scans.find((n) => n.op === 'seq_scan') ?? scans[0];
  const child = node.children[0];
  const fromChild = child
    ? child.actualRows !== undefined
      ? child.actualRows * (child.loops ?? 1)
      : child.estRows
    : undefined;
  if (fromChild !== undefined) return { rows: fromChild, ...(scan ? { table: scan } : {}) };
  const own = node.actualRows ?? node.estRows;
  if (own !== undefined) return { rows: own, ...(scan ? { table: scan } : {}) };
  // No estimates (SQLite): a full scan of a large table feeds the sort, else it is not known to be large.
  if (scan?.op === 'seq_scan') {
    const rows = rowsOf(scan);
    if (rows !== null) return { rows, table: scan };
  }
  return undefined;
}
