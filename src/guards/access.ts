import { allow, isSourceContext, type Guard } from './types.js';

/** A tool that changes data or acts on the server never runs against a read-only source. */
export const accessGuard: Guard = async (def, _args, ctx) => {
  if (def.access === 'read') return allow('access');
  if (isSourceContext(ctx) && ctx.source.mode === 'read-write') return allow('access');
  return {
    guard: 'access',
    decision: 'deny',
    code: 'READ_ONLY_VIOLATION',
    reason: isSourceContext(ctx) ? `source "${ctx.source.id}" is read-only` : `${def.name} needs a source`,
    hint: 'Set mode: read-write on the source to allow changes; each change still needs a person to approve it.',
  };
};
