import type { ErrorCode } from '../core/errors.js';
import type { SourceContext, ToolContext, ToolDef } from '../tools/define-tool.js';

export interface Verdict {
  guard: string;
  decision: 'allow' | 'deny';
  reason?: string;
  /** The error a denial becomes, and what the caller can do about it. */
  code?: ErrorCode;
  hint?: string;
}

export type Guard = (def: ToolDef, args: Record<string, unknown>, ctx: ToolContext | SourceContext) => Promise<Verdict>;

export const isSourceContext = (ctx: ToolContext | SourceContext): ctx is SourceContext => 'source' in ctx;

export const allow = (guard: string): Verdict => ({ guard, decision: 'allow' });
