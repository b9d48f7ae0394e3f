/** A statement that reads a denied table (directly or through a view) does not run. */
import { tablePolicy } from './table-policy.js';
import { allow, isSourceContext, type Guard } from './types.js';

export const tablesGuard: Guard = async (_def, _args, ctx, checked) => {
  if (!isSourceContext(ctx) || !checked.statement) return allow('tables');
  const { statistics } = checked.statement.classification;
  const { masking } = ctx.source;
  const guarded = ctx.source.deny_tables.length > 0 || masking.detect || masking.columns.length > 0;
  if (statistics?.length && guarded)
    return {
      guard: 'tables',
      decision: 'deny',
      code: 'TABLE_DENIED',
      reason: `the statement reads sample values of columns from ${statistics.join(', ')}: values of any table and column, which masking and deny_tables cannot follow`,
      hint: 'Read the statistics without their value columns (n_distinct, null_frac, correlation, avg_width), or use analyze_query, which shows them with sensitive values left out.',
    };
  const policy = tablePolicy(ctx.source.deny_tables);
  if (policy.empty) return allow('tables');
  const { tables, class: cls } = checked.statement.classification;
  const change = cls === 'write' || cls === 'ddl';
  if (change && tables.length === 0) {
    // Fail closed: a change whose tables the classifier could not name cannot be checked against the list.
    return {
      guard: 'tables',
      decision: 'deny',
      code: 'TABLE_DENIED',
      reason: 'the tables this change touches could not be determined, and this source has deny_tables',
      hint: 'Name the table explicitly, or ask whoever runs dba-mcp to make the change.',
    };
  }
  const denied = tables.filter((t) => policy.denies(t));
  if (denied.length === 0) return allow('tables');
  return {
    guard: 'tables',
    decision: 'deny',
    code: 'TABLE_DENIED',
    reason: `the statement ${change ? 'touches' : 'reads'} ${denied.map((t) => (t.schema ? `${t.schema}.${t.name}` : t.name)).join(', ')}, which this source's deny_tables keeps out of reach`,
    hint: 'These tables are hidden from dba-mcp by configuration; query other tables, or ask whoever runs dba-mcp.',
  };
};
