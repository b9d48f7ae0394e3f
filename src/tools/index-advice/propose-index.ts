import { z } from 'zod';
import { ToolError } from '../../core/errors.js';
import { isSensitive } from '../../core/sensitive.js';
import { defineTool, type SourceContext } from '../define-tool.js';
import { admit } from './admit.js';
import { advise, assertEngine, type AdviceQuery } from './advise.js';
import { renderAdvice } from './render.js';

const ProposalSchema = z.object({
  table: z.string(),
  columns: z.array(z.string()).describe('Ordered key columns or expressions, as in the DDL'),
  include: z.array(z.string()),
  where: z.string().nullable().describe('Partial-index predicate'),
  method: z.string().describe('btree or brin'),
  kind: z.string().describe('equality, range, join, sort, group, covering, expression, partial, brin'),
  ddl: z
    .string()
    .describe(
      'Safe on a busy table (CREATE INDEX CONCURRENTLY; ALGORITHM=INPLACE, LOCK=NONE); can go to plan_migration',
    ),
  cost_before: z.number().nullable(),
  cost_after: z.number().nullable(),
  improvement: z.number().nullable().describe('1 - after/before over the queries helped'),
  size_bytes: z.number().nullable(),
  queries_helped: z.array(z.number().int()).describe('Numbers of the queries (queries[].n)'),
  verified_by: z.enum(['hypopg', 'real-rollback', 'whatif', 'heuristic']),
  confidence: z.enum(['high', 'medium', 'low']),
  rationale: z.string(),
});

export const proposeIndex = defineTool({
  name: 'propose_index',
  title: 'Propose indexes (verified by what-if planning)',
  description:
    'Index advice for one query (sql), a list (queries) or the heaviest statements (workload: "top", from pg_stat_statements or performance_schema digests). ' +
    'Candidates come from the parsed query: equality columns first, then range; join keys; ORDER BY / GROUP BY with LIMIT; covering (INCLUDE); expression indexes (lower(email), JSON paths, casts); partial indexes for rare constants; BRIN for large tables stored in column order. ' +
    'Each is verified where the engine allows: PostgreSQL plans with HypoPG hypothetical indexes (expression/BRIN confirmed by a real index in a rolled-back transaction on read-write sources), SQLite plans on an in-memory copy of the schema, MySQL/MariaDB is a labelled heuristic from statistics. ' +
    "Greedy selection keeps an index only if it cuts a query's cost by at least 50%. Never proposes an existing index or a prefix of one; reports duplicate, redundant and unused indexes as drop_candidates. Nothing is created: the ddl goes to plan_migration / request_change.",
  scope: 'source',
  access: 'read',
  input: {
    sql: z
      .string()
      .min(1)
      .max(100_000)
      .optional()
      .describe("One query (SELECT, UPDATE or DELETE) in the source's dialect."),
    queries: z
      .array(z.string().min(1).max(100_000))
      .min(1)
      .max(50)
      .optional()
      .describe('Several queries, advised together (shared indexes win).'),
    workload: z
      .enum(['top'])
      .optional()
      .describe('"top": the heaviest statements by total time from pg_stat_statements / performance_schema.'),
    workload_limit: z.number().int().min(1).max(100).default(20).describe('With workload: how many statements.'),
    max_indexes: z.number().int().min(1).max(20).default(5),
    max_size_mb: z.number().positive().max(1_000_000).optional().describe('Total size budget of the proposed indexes.'),
  },
  output: {
    summary: z.string(),
    verification: z.object({
      method: z.enum(['hypopg', 'real-rollback', 'whatif', 'heuristic']),
      notes: z.array(z.string()),
    }),
    queries: z.array(
      z.object({
        n: z.number().int(),
        sql: z.string(),
        planned_sql: z
          .string()
          .optional()
          .describe('With placeholders filled from column statistics (values of sensitive columns shown as [masked])'),
        cost: z.number().nullable(),
      }),
    ),
    proposals: z.array(ProposalSchema),
    no_change: z.array(z.object({ query: z.number().int(), sql: z.string(), reason: z.string() })),
    drop_candidates: z.array(
      z.object({
        table: z.string(),
        index: z.string(),
        kind: z.enum(['duplicate', 'redundant_prefix', 'unused']),
        covered_by: z.string().nullable(),
        size_bytes: z.number().nullable(),
        reason: z.string(),
      }),
    ),
  },
  statement: (args) => (typeof args.sql === 'string' ? { sql: args.sql, intent: 'explain' } : undefined),
  async run(args, ctx) {
    const ops = assertEngine(ctx.engine.indexAdvisor, ctx.engine.name);
    const given = [args.sql, args.queries, args.workload].filter((v) => v !== undefined).length;
    if (given !== 1)
      throw new ToolError(
        'INVALID_ARGUMENT',
        'pass exactly one of sql, queries or workload',
        'sql: one query; queries: a list; workload: "top" for the heaviest statements.',
      );
    const { input, skipped } = await gather(args, ctx, ops.workload.bind(ops));
    const advice = await advise(ctx.engine, ops, input, {
      maxIndexes: args.max_indexes,
      maxSizeBytes: args.max_size_mb !== undefined ? args.max_size_mb * 1024 * 1024 : Number.POSITIVE_INFINITY,
      timeoutMs: ctx.limits.statement_timeout_ms,
      signal: ctx.signal,
      sensitive: (table, column) =>
        isSensitive(ctx.source.masking, { schema: table.schema, table: table.name, column }),
    });
    const no_change = [...advice.no_change, ...skipped];
    const summary = `${advice.proposals.length} index${advice.proposals.length === 1 ? '' : 'es'} proposed for ${input.length} quer${input.length === 1 ? 'y' : 'ies'} (verified by ${advice.verification.method}); ${no_change.length} need none; ${advice.drop_candidates.length} existing index${advice.drop_candidates.length === 1 ? '' : 'es'} to consider dropping.`;
    return { summary, ...advice, no_change };
  },
  render: (out) => renderAdvice(out),
});

async function gather(
  args: {
    sql?: string | undefined;
    queries?: string[] | undefined;
    workload?: 'top' | undefined;
    workload_limit: number;
  },
  ctx: SourceContext,
  workload: (limit: number) => Promise<{ sql: string; calls: number; totalMs: number }[]>,
): Promise<{ input: AdviceQuery[]; skipped: { query: number; sql: string; reason: string }[] }> {
  if (args.sql !== undefined) return { input: [{ sql: args.sql, weight: 1 }], skipped: [] };
  if (args.queries) {
    for (const [i, sql] of args.queries.entries()) {
      const refused = await admit(sql, ctx);
      if (refused) throw new ToolError(refused.code, `queries[${i}]: ${refused.message}`, refused.hint);
    }
    return { input: args.queries.map((sql) => ({ sql, weight: 1 })), skipped: [] };
  }
  const top = await workload(args.workload_limit);
  if (top.length === 0)
    throw new ToolError(
      'INVALID_ARGUMENT',
      'the workload statistics hold no statements to advise on yet',
      'Let the application run, or pass the queries with sql / queries.',
    );
  const input: AdviceQuery[] = [];
  const skipped: { query: number; sql: string; reason: string }[] = [];
  for (const w of top) {
    const refused = await admit(w.sql, ctx).catch((err: Error) => new ToolError('SQL_SYNTAX', err.message, ''));
    if (refused) skipped.push({ query: 0, sql: w.sql.slice(0, 300), reason: `skipped: ${refused.message}` });
    else input.push({ sql: w.sql, weight: Math.max(1, w.totalMs) });
  }
  if (input.length === 0)
    throw new ToolError(
      'INVALID_ARGUMENT',
      'no statement of the workload can be advised on',
      skipped
        .map((s) => s.reason)
        .join('; ')
        .slice(0, 500),
    );
  return { input, skipped };
}
