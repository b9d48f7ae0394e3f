import { z } from 'zod';
import { ToolError } from '../../core/errors.js';
import { withCallComment } from '../../core/call-comment.js';
import { isSensitive } from '../../core/sensitive.js';
import type { MaskingConfig } from '../../core/settings.js';
import type { CellValue, ColumnStats, TableDetail, TableRef } from '../../engines/contract/engine.js';
import { walkPlan } from '../../engines/contract/query-plan.js';
import { defineTool } from '../define-tool.js';
import { CellSchema } from '../schemas.js';
import { analyzePlan, columnsIn, LARGE_TABLE_ROWS, qualified, tableKey } from './findings.js';
import { flattenPlan, renderAnalysis } from './render.js';
import { statementFacts } from './statement.js';

const EvidenceSchema = z.record(z.string(), z.union([z.string(), z.number(), z.null()]));

const FindingSchema = z.object({
  code: z
    .string()
    .describe(
      'FULL_SCAN_LARGE_TABLE, INDEX_NOT_USABLE, SORT_WITHOUT_INDEX, SORT_SPILL, ESTIMATE_OFF, ROWS_REMOVED_BY_FILTER, NESTED_LOOP_LARGE_OUTER, CORRELATED_SUBQUERY, USING_TEMPORARY, MISSING_LIMIT_LARGE_RESULT, SELECT_STAR_WIDE',
    ),
  severity: z.enum(['critical', 'warning', 'info']),
  message: z.string(),
  node: z.string().describe('The plan node, as one line'),
  node_id: z.number().int().describe("The node's id in plan.nodes"),
  evidence: EvidenceSchema.describe('Numbers from the plan and the catalog'),
  fix: z.string(),
});

const NodeSchema = z.object({
  id: z.number().int(),
  parent: z.number().int().nullable(),
  depth: z.number().int(),
  op: z.enum([
    'seq_scan',
    'index_scan',
    'index_only_scan',
    'bitmap_scan',
    'nested_loop',
    'hash_join',
    'merge_join',
    'sort',
    'aggregate',
    'limit',
    'temp_btree',
    'other',
  ]),
  label: z.string().describe("The engine's own name for the step"),
  title: z.string().describe('The step in words'),
  relation: z.string().optional(),
  index: z.string().optional(),
  filter: z.string().optional(),
  sort_key: z.array(z.string()).optional(),
  est_rows: z.number().optional(),
  est_examined: z.number().optional().describe('MySQL: rows the step reads'),
  est_cost: z.number().optional(),
  actual_rows: z.number().optional().describe('Per loop'),
  loops: z.number().optional(),
  time_ms: z.number().optional(),
  rows_removed: z.number().optional().describe('Per loop, by a filter'),
  spill: z.string().optional(),
  buffers_hit: z.number().optional(),
  buffers_read: z.number().optional(),
});

export const analyzeQuery = defineTool({
  name: 'analyze_query',
  title: 'Explain and diagnose a query',
  description:
    'Show the plan of one SQL statement and what is wrong with it: full scans of large tables under a selective filter, filters that hide an indexed column (function, cast, leading-wildcard LIKE, a text column compared with a number, an OR across columns), subqueries re-run once per outer row, big sorts without an index, ' +
    'sorts spilling to disk, estimates far from reality (stale statistics), rows read only to be thrown away, nested loops over a large outer side without an inner index, MySQL temporary tables over large inputs, large results without LIMIT, SELECT * of wide tables. Each finding carries evidence (plan and catalog numbers) and a concrete fix. ' +
    'analyze=false (default) only plans the statement, so an INSERT/UPDATE/DELETE can be explained where the engine allows it without running it. ' +
    'analyze=true runs the statement (reads only) in a read-only transaction that is rolled back, for actual rows and times (PostgreSQL; MariaDB ANALYZE). ' +
    'The plan is normalized across engines: structuredContent.plan.nodes, one per step, with parent ids.',
  scope: 'source',
  access: 'read',
  input: {
    sql: z.string().min(1).max(100_000).describe("Exactly one SQL statement in the source's dialect."),
    analyze: z
      .boolean()
      .default(false)
      .describe('Run the statement (reads only) for actual rows and times; default false: plan only.'),
    params: z
      .array(CellSchema)
      .max(100)
      .optional()
      .describe('Values for placeholders ($1, $2 on PostgreSQL; ? on MySQL and SQLite), in order.'),
  },
  output: {
    summary: z.string(),
    findings: z.array(FindingSchema),
    plan: z.object({
      analyzed: z.boolean(),
      planning_ms: z.number().optional(),
      execution_ms: z.number().optional(),
      nodes: z.array(NodeSchema).describe('The plan tree, parents before children'),
    }),
  },
  // analyze=false only plans: a single write may be explained. analyze=true runs it: reads only.
  statement: (args) => ({
    sql: args.sql as string,
    params: args.params as CellValue[] | undefined,
    intent: args.analyze === true ? 'read' : 'explain',
  }),
  async run({ sql, analyze, params }, ctx, checked) {
    const classification = checked.statement?.classification;
    if (!classification)
      throw new ToolError('INTERNAL', 'analyze_query ran without a statement verdict', 'This is a bug in dba-mcp.');
    if (/explain/i.test(classification.statementType)) {
      throw new ToolError(
        'STATEMENT_NOT_ALLOWED',
        'pass the statement itself, not an EXPLAIN of it',
        'analyze_query adds EXPLAIN (and ANALYZE with analyze=true) itself.',
      );
    }
    if (classification.class !== 'read' && !ctx.engine.capabilities.explainWrites) {
      throw new ToolError(
        'UNSUPPORTED_BY_ENGINE',
        `${ctx.engine.name} cannot explain a ${classification.class} on its read-only path without running it`,
        'analyze_query explains reads here; a change goes through request_change.',
      );
    }
    const text = withCallComment(sql, { sessionId: ctx.sessionId, requestId: ctx.requestId, source: ctx.source.id });
    const plan = await ctx.engine.explain({
      sql: text,
      analyze,
      timeoutMs: ctx.limits.statement_timeout_ms,
      signal: ctx.signal,
      ...(params ? { params } : {}),
    });
    const refs = new Map<string, TableRef>();
    for (const { node } of walkPlan(plan.root))
      if (node.relation && node.schema)
        refs.set(tableKey(node.schema, node.relation), { schema: node.schema, name: node.relation });
    const details: TableDetail[] = refs.size ? await ctx.engine.describeTables([...refs.values()]) : [];
    const tables = new Map(details.map((t) => [tableKey(t.schema, t.name), t]));
    const { nodes, ids } = flattenPlan(plan);
    const stats = withoutSensitiveValues(
      await filterColumnStats(ctx.engine.columnStats?.bind(ctx.engine), plan.root, tables),
      tables,
      ctx.source.masking,
    );
    const findings = analyzePlan(plan, tables, { id: (n) => ids.get(n) ?? -1 }, statementFacts(sql), stats);
    const noStats = [...walkPlan(plan.root)]
      .map((w) => w.node)
      .filter(
        (n) => n.relation && n.op === 'seq_scan' && tables.get(tableKey(n.schema, n.relation))?.row_estimate == null,
      );
    const summary = summarize(
      findings.map((f) => f.code),
      plan.analyzed,
      analyze,
      noStats.map(qualified),
    );
    const out = {
      summary,
      findings,
      plan: {
        analyzed: plan.analyzed,
        nodes,
        ...(plan.planningMs !== undefined ? { planning_ms: plan.planningMs } : {}),
        ...(plan.executionMs !== undefined ? { execution_ms: plan.executionMs } : {}),
      },
    };
    return out;
  },
  render: (out) => renderAnalysis(out),
});

/** The engine's statistics of the filtered columns of full scans over large tables; none when the engine keeps none or the lookup fails. */
async function filterColumnStats(
  columnStats: ((table: TableRef, columns: readonly string[]) => Promise<ColumnStats[]>) | undefined,
  root: Parameters<typeof walkPlan>[0],
  tables: ReadonlyMap<string, TableDetail>,
): Promise<Map<string, ColumnStats[]>> {
  const out = new Map<string, ColumnStats[]>();
  if (!columnStats) return out;
  const wanted = new Map<string, { ref: TableRef; columns: Set<string> }>();
  for (const { node } of walkPlan(root)) {
    const table = node.relation ? tables.get(tableKey(node.schema, node.relation)) : undefined;
    if (!table || node.op !== 'seq_scan' || !node.filter || (table.row_estimate ?? 0) < LARGE_TABLE_ROWS) continue;
    const key = tableKey(table.schema, table.name);
    const entry = wanted.get(key) ?? { ref: { schema: table.schema, name: table.name }, columns: new Set<string>() };
    for (const c of columnsIn(node.filter, table)) entry.columns.add(c);
    wanted.set(key, entry);
  }
  await Promise.all(
    [...wanted].map(async ([key, { ref, columns }]) => {
      if (columns.size === 0) return;
      try {
        out.set(key, await columnStats(ref, [...columns]));
      } catch {
        // statistics are evidence only: a failed lookup leaves them out
      }
    }),
  );
  return out;
}

/** Most common values are data: a sensitive column's (by the source's masking policy) are left out of the evidence. */
function withoutSensitiveValues(
  stats: Map<string, ColumnStats[]>,
  tables: ReadonlyMap<string, TableDetail>,
  masking: MaskingConfig,
): Map<string, ColumnStats[]> {
  for (const [key, list] of stats) {
    const table = tables.get(key);
    stats.set(
      key,
      list.map(({ most_common, ...rest }) =>
        most_common &&
        !isSensitive(masking, { ...(table ? { schema: table.schema, table: table.name } : {}), column: rest.column })
          ? { ...rest, most_common }
          : rest,
      ),
    );
  }
  return stats;
}

function summarize(codes: string[], analyzed: boolean, askedAnalyze: boolean, noStats: string[]): string {
  const notes: string[] = [];
  if (askedAnalyze && !analyzed) notes.push('This engine has no EXPLAIN ANALYZE: the plan is the estimated one.');
  if (noStats.length)
    notes.push(
      `No row statistics for ${[...new Set(noStats)].join(', ')} (never analyzed): full scans of it could not be judged; run ANALYZE.`,
    );
  if (codes.length === 0) {
    return [
      `No problems found in this plan: no full scan of a large table (>= ${LARGE_TABLE_ROWS.toLocaleString('en-US')} rows) under a selective filter, no large sort without an index${analyzed ? ', no estimate off by 10x or more, no sort spilling to disk' : ''}.`,
      ...notes,
    ].join(' ');
  }
  const counts = new Map<string, number>();
  for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
  const list = [...counts].map(([c, n]) => (n > 1 ? `${c} x${n}` : c)).join(', ');
  return [`${codes.length} finding${codes.length > 1 ? 's' : ''}: ${list}.`, ...notes].join(' ');
}
