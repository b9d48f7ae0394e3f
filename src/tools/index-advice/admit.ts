/**
 * The statement and table guards for queries that do not come through the `sql` argument (the
 * `queries` list, the workload): each is classified by the engine's parser and judged as for
 * EXPLAIN without ANALYZE (one read or one plain write; planned, never run), and refused when it
 * reads a table the source's deny_tables hides.
 */
import { ToolError } from '../../core/errors.js';
import { judgeClassification } from '../../guards/statement.js';
import { tablePolicy } from '../../guards/table-policy.js';
import type { SourceContext } from '../define-tool.js';

export async function admit(sql: string, ctx: SourceContext): Promise<ToolError | undefined> {
  const c = await ctx.engine.classify(sql);
  const verdict = judgeClassification(c, 'explain');
  if (verdict.decision === 'deny')
    return new ToolError(
      verdict.code ?? 'STATEMENT_NOT_ALLOWED',
      verdict.reason ?? 'denied by the statement guard',
      verdict.hint ?? 'Pass one SELECT, UPDATE or DELETE per query.',
    );
  const policy = tablePolicy(ctx.source.deny_tables);
  const denied = c.tables.find((t) => policy.denies(t));
  if (denied)
    return new ToolError(
      'TABLE_DENIED',
      `the query reads ${denied.schema ? `${denied.schema}.` : ''}${denied.name}, which this source hides`,
      'Leave queries over denied tables out.',
    );
  return undefined;
}
