/** A statement that reads a denied table (directly or through a view) does not run. */
import { tablePolicy } from './table-policy.js';
import { allow, isSourceContext, type Guard } from './types.js';

export const tablesGuard: Guard = async (_def, _args, ctx, checked) => {
  if (!isSourceContext(ctx) || !checked.statement) return allow('tables');
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
