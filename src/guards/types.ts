/**
 * What the guards see of a call: the tool's name, access class and the SQL it will run, and the
 * source with its engine. Tools (src/tools/define-tool.ts) satisfy these shapes; the guards never
 * import the tools.
 */
import type { ResolvedSource } from '../config/load.js';
import type { Checked, Verdict } from '../core/verdict.js';
import type { CellValue, EngineAdapter } from '../engines/contract/engine.js';

export type { Checked, Verdict };

/** What a tool may do to a database: read, change data or schema (write), or act on the server (admin). */
export type Access = 'read' | 'write' | 'admin';

/** The SQL a call will run, for the statement guard. `intent: 'explain'`: only planned (EXPLAIN without ANALYZE). */
export interface StatementRequest {
  sql: string;
  params?: readonly CellValue[];
  intent?: 'read' | 'explain';
}

export interface GuardedTool {
  name: string;
  access: Access;
  statement?(args: Record<string, unknown>): StatementRequest | undefined;
}

export interface GuardContext {
  signal: AbortSignal;
  /** Present for a tool that works on one source. */
  source?: ResolvedSource;
  engine?: EngineAdapter;
}

export type SourceGuardContext = GuardContext & { source: ResolvedSource; engine: EngineAdapter };

/** A guard decides from the call and the facts the guards before it established; it returns its own facts in the verdict. */
export type Guard = (
  def: GuardedTool,
  args: Record<string, unknown>,
  ctx: GuardContext,
  checked: Checked,
) => Promise<Verdict>;

export const isSourceContext = (ctx: GuardContext): ctx is SourceGuardContext =>
  ctx.source !== undefined && ctx.engine !== undefined;

export const allow = (guard: string): Verdict => ({ guard, decision: 'allow' });
