/**
 * Layer 1 of read-only: the exact text a tool will run is classified by the dialect's real
 * parser, and only a single plain read whose functions the engine judged safe goes through.
 * Anything the classifier cannot decide is denied.
 */
import { asToolError } from '../core/errors.js';
import type { Classification } from '../core/classification.js';
import { allow, isSourceContext, type Guard, type Verdict } from './types.js';

const CHANGE_HINT = 'run_query only reads. A change goes through request_change, and a person approves it.';

function deny(code: Verdict['code'], reason: string, hint: string): Verdict {
  return { guard: 'statement', decision: 'deny', code, reason, hint };
}

/**
 * `read` (the default): only a single plain read passes. `change` (tools with access 'write', e.g.
 * request_change): exactly one write or DDL statement passes; reads, transaction control, session
 * settings, COPY and anything unparseable are still refused.
 */
export function judgeClassification(c: Classification, intent: 'read' | 'change' | 'explain' = 'read'): Verdict {
  const why = c.reasons.join('; ');
  if (c.failure) return deny(c.failure.code, c.failure.message, c.failure.hint);
  if (c.statementCount > 1) return deny('MULTIPLE_STATEMENTS', why, 'Send exactly one SQL statement per call.');
  if (c.statementType === 'unknown')
    return deny(
      'SQL_SYNTAX',
      why || 'the statement could not be parsed',
      "Fix the SQL so the dialect's parser accepts it; unparseable text is never run.",
    );
  if (intent === 'change') return judgeChange(c, why);
  // Planned, never executed (EXPLAIN without ANALYZE): one plain write may be explained too, but
  // its callables pass the same check, as the planner runs IMMUTABLE functions on constants.
  if (intent === 'explain' && c.class === 'write')
    return c.deniedFunctions.length ? deniedFunctions(c) : allow('statement');
  if (c.class === 'write' || c.class === 'ddl') return deny('READ_ONLY_VIOLATION', why, CHANGE_HINT);
  if (c.class !== 'read')
    return deny(
      'STATEMENT_NOT_ALLOWED',
      why || `${c.statementType} is not allowed`,
      'Only reads run here: SELECT, WITH ... SELECT, VALUES, TABLE, SHOW, EXPLAIN (ANALYZE only of a read).',
    );
  if (c.deniedFunctions.length) return deniedFunctions(c);
  return allow('statement');
}

function deniedFunctions(c: Classification): Verdict {
  return deny(
    'FUNCTION_NOT_ALLOWED',
    `not a function known to be free of side effects: ${c.deniedFunctions.join(', ')}`,
    "Reads may call built-ins that only compute or read; functions that write, lock, sleep, signal, read server files or other tables by name, reach other servers or change settings are refused, and so is user-defined code unless the source's allow_functions names it (schema.name).",
  );
}

function judgeChange(c: Classification, why: string): Verdict {
  if (c.class === 'write' || c.class === 'ddl') return allow('statement');
  if (c.class === 'read')
    return deny(
      'STATEMENT_NOT_ALLOWED',
      `${c.statementType} only reads`,
      'request_change is for one write or DDL statement; run reads with run_query.',
    );
  return deny(
    'STATEMENT_NOT_ALLOWED',
    why || `${c.statementType} is not a change request_change can run`,
    'A change is exactly one INSERT, UPDATE, DELETE, MERGE or DDL statement; transaction control, session settings, COPY and server administration are refused.',
  );
}

export const statementGuard: Guard = async (def, args, ctx) => {
  const statement = def.statement?.(args);
  if (statement === undefined) return allow('statement');
  const { sql, params, intent } = statement;
  if (!isSourceContext(ctx))
    return deny('INTERNAL', `${def.name} runs SQL but has no source`, 'This is a bug in dba-mcp.');
  let classification: Classification;
  try {
    classification = await ctx.engine.classify(sql, params, ctx.signal); // handed over: the guards run outside withCallSignal
  } catch (err) {
    const failure = asToolError(err);
    if (failure.code !== 'INTERNAL') return deny(failure.code, failure.message, failure.hint); // e.g. the database is down
    return deny(
      'STATEMENT_NOT_ALLOWED',
      `the statement could not be classified: ${failure.message}`,
      'The guard fails closed when it cannot decide; retry, and report it if it persists.',
    );
  }
  const verdict = judgeClassification(
    classification,
    def.access === 'write' ? 'change' : intent === 'explain' ? 'explain' : 'read',
  );
  return { ...verdict, facts: { statement: { sql, classification } } };
};
