import type { Checked, Verdict } from '../core/verdict.js';
import type { SourceContext, ToolContext, ToolDef } from '../tools/define-tool.js';

export type { Checked, Verdict };

/** A guard decides from the call and the facts the guards before it established; it returns its own facts in the verdict. */
export type Guard = (def: ToolDef, args: Record<string, unknown>, ctx: ToolContext | SourceContext, checked: Checked) => Promise<Verdict>;

export const isSourceContext = (ctx: ToolContext | SourceContext): ctx is SourceContext => 'source' in ctx;

export const allow = (guard: string): Verdict => ({ guard, decision: 'allow' });
