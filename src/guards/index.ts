/**
 * The guards every call passes, in a fixed order: access -> posture -> statement -> tables (-> approval, later). Each
 * returns a verdict that the audit record keeps; the first denial stops the call. Fail closed: a
 * guard that cannot decide denies.
 */
import { ToolError } from '../core/errors.js';
import { accessGuard } from './access.js';
import { postureGuard } from './posture.js';
import { tablesGuard } from './tables.js';
import { statementGuard } from './statement.js';
import type { Checked, Guard, GuardContext, GuardedTool, Verdict } from './types.js';

export type { Checked, Verdict, Guard };

export const GUARDS: readonly Guard[] = [accessGuard, postureGuard, statementGuard, tablesGuard];

export interface GuardOutcome {
  /** Every verdict up to and including the first denial (without their facts: those are in `checked`). */
  verdicts: Verdict[];
  checked: Checked;
}

/** Runs the guards in order; each sees the facts of those before it. Stops at the first denial. */
export async function runGuards(
  def: GuardedTool,
  args: Record<string, unknown>,
  ctx: GuardContext,
): Promise<GuardOutcome> {
  const verdicts: Verdict[] = [];
  let checked: Checked = {};
  for (const guard of GUARDS) {
    const { facts, ...verdict } = await guard(def, args, ctx, checked);
    if (facts) checked = { ...checked, ...facts };
    verdicts.push(verdict);
    if (verdict.decision === 'deny') break;
  }
  return { verdicts, checked };
}

export function denialError(verdict: Verdict): ToolError {
  return new ToolError(
    verdict.code ?? 'STATEMENT_NOT_ALLOWED',
    verdict.reason ?? `denied by the ${verdict.guard} guard`,
    verdict.hint ?? 'Denied by policy.',
  );
}
