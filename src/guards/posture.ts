/**
 * Layer 3 of read-only, as policy: with `privilege_check: enforce`, a read-only source is not
 * served through a login that can do more than read. The engine reports the facts once per
 * connection; a posture that cannot be read counts as too broad (fail closed).
 */
import type { Posture } from '../engines/contract/engine.js';
import { allow, isSourceContext, type Guard } from './types.js';

export const postureGuard: Guard = async (_def, _args, ctx) => {
  if (!isSourceContext(ctx) || ctx.source.privilege_check !== 'enforce' || ctx.source.mode !== 'read-only')
    return allow('posture');
  let posture: Posture;
  try {
    posture = await ctx.engine.posture();
  } catch (err) {
    return {
      guard: 'posture',
      decision: 'deny',
      code: 'PRIVILEGE_TOO_BROAD',
      reason: `the login's privileges could not be checked: ${(err as Error).message}`,
      hint: 'privilege_check: enforce refuses to serve a source whose privileges it cannot see.',
    };
  }
  const broad = posture.findings.filter((f) => f.severity !== 'info');
  if (broad.length === 0) return allow('posture');
  return {
    guard: 'posture',
    decision: 'deny',
    code: 'PRIVILEGE_TOO_BROAD',
    reason: `source "${ctx.source.id}" is read-only but its login can do more: ${broad.map((f) => f.message).join('; ')}`,
    hint: broad[0]!.fix,
  };
};
