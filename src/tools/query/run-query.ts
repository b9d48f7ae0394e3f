import { z } from 'zod';
import { CellSchema, ColumnMetaSchema } from '../schemas.js';
import { defineTool } from '../define-tool.js';
import type { CellValue } from '../../engines/contract/engine.js';
import { renderRows } from './render-rows.js';
import { Rows } from '../../guards/output-policy.js';
import { withCallComment } from '../../core/call-comment.js';

export const runQuery = defineTool({
  name: 'run_query',
  title: 'Run a read-only query',
  description:
    'Run exactly one read-only SQL statement (SELECT, WITH, SHOW, EXPLAIN without ANALYZE, ...) and return its rows. ' +
    'It runs in a read-only transaction with a statement timeout; writes, DDL and multiple statements are refused. ' +
    'At most max_rows rows and limits.max_result_bytes of row data come back; `truncated` and `truncated_by` say exactly whether and why rows were left out. ' +
    'bigint, numeric, timestamps and binary values come back as strings so nothing is rounded. ' +
    'Sensitive columns (emails, phones, tokens, ...) come back as [masked] unless the config unmasks them. ' +
    'Use describe_schema first to learn table and column names; use analyze_query to see why a query is slow.',
  scope: 'source',
  access: 'read',
  input: {
    sql: z
      .string()
      .min(1)
      .max(100_000)
      .describe("Exactly one SQL statement in the source's dialect. No trailing second statement."),
    params: z
      .array(CellSchema)
      .max(100)
      .optional()
      .describe('Values for placeholders ($1, $2 on PostgreSQL; ? on MySQL and SQLite), in order.'),
    max_rows: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .describe("Rows to return at most; default and ceiling: the source's limits.max_rows (500 unless configured)."),
  },
  output: {
    columns: z.array(ColumnMetaSchema),
    rows: z.array(z.array(CellSchema)).describe('One array per row, values in column order'),
    row_count: z.number().int().describe('Rows returned (after the cap)'),
    truncated: z.boolean().describe('True when the statement had more rows than were returned'),
    truncated_by: z
      .enum(['max_rows', 'max_bytes'])
      .nullable()
      .describe('Which limit cut the rows: max_rows, or max_bytes (the size cap for the context)'),
    cells_cut: z.number().int().describe('Values longer than limits.max_cell_chars, cut with a marker'),
    masked_columns: z
      .array(z.string())
      .describe(
        'Columns whose values are replaced by [masked]: sensitive data (configure masking.unmask to show them)',
      ),
    duration_ms: z.number(),
  },
  statement: (args) => ({ sql: args.sql as string, params: args.params as CellValue[] | undefined }),
  handsSignal: true, // runRead gets ctx.signal
  async run({ sql, params, max_rows }, ctx, checked) {
    const maxRows = Math.min(max_rows ?? ctx.limits.max_rows, ctx.limits.max_rows);
    const started = performance.now();
    const sessionNeutral = checked.statement?.classification.sessionNeutral === true;
    const text = withCallComment(sql, { sessionId: ctx.sessionId, requestId: ctx.requestId, source: ctx.source.id });
    const result = await ctx.engine.runRead({
      sql: text,
      maxRows,
      timeoutMs: ctx.limits.statement_timeout_ms,
      signal: ctx.signal,
      sessionNeutral,
      ...(params ? { params } : {}),
    });
    const duration_ms = Math.round((performance.now() - started) * 100) / 100;
    return { rows: new Rows(result), duration_ms }; // capped and masked by the pipeline's output policy
  },
  render: (out) => renderRows(out.columns, out.rows, out.truncated_by),
});
