/**
 * The guards every call passes, in a fixed order: limits -> access -> approval. Each returns a
 * verdict that the audit record keeps; the first deny stops the call. Fail closed: a guard that
 * cannot decide denies.
 */
import { ToolError } from '../errors.js';
import type { SourceContext, ToolContext, ToolDef } from '../tools/define-tool.js';

export interface Verdict {
  guard: string;
  decision: 'allow' | 'deny';
  reason?: string;
}

export type Guard = (def: ToolDef, args: Record<string, unknown>, ctx: ToolContext | SourceContext) => Verdict;

const isSourceContext = (ctx: ToolContext | SourceContext): ctx is SourceContext => 'source' in ctx;

/** A tool that changes data or acts on the server never runs against a read-only source. */
export const accessGuard: Guard = (def, _args, ctx) => {
  if (def.access === 'read') return { guard: 'access', decision: 'allow' };
  if (!isSourceContext(ctx)) return { guard: 'access', decision: 'deny', reason: `${def.name} needs a source` };
  return ctx.source.mode === 'read-write'
    ? { guard: 'access', decision: 'allow' }
    : { guard: 'access', decision: 'deny', reason: `source "${ctx.source.id}" is read-only` };
};

export const GUARDS: readonly Guard[] = [accessGuard];

/** Runs the guards in order and returns every verdict up to and including the first denial. */
export function runGuards(def: ToolDef, args: Record<string, unknown>, ctx: ToolContext | SourceContext): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const guard of GUARDS) {
    const verdict = guard(def, args, ctx);
    verdicts.push(verdict);
    if (verdict.decision === 'deny') break;
  }
  return verdicts;
}

export function denialError(verdict: Verdict): ToolError {
  return new ToolError('READ_ONLY_VIOLATION', verdict.reason ?? `denied by the ${verdict.guard} guard`, 'Set mode: read-write on the source to allow changes; each change still needs a person to approve it.');
}
