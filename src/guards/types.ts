import type { Verdict } from '../core/verdict.js';
import type { SourceContext, ToolContext, ToolDef } from '../tools/define-tool.js';

export type { Verdict };

export type Guard = (def: ToolDef, args: Record<string, unknown>, ctx: ToolContext | SourceContext) => Promise<Verdict>;

export const isSourceContext = (ctx: ToolContext | SourceContext): ctx is SourceContext => 'source' in ctx;

export const allow = (guard: string): Verdict => ({ guard, decision: 'allow' });
