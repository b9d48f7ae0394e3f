import type { RunTarget } from '../approvals/runners.js';
import type { ChangeOutcome, StoredChange } from '../approvals/types.js';

/** Runs an approved change of this kind. Not built yet: it refuses. */
export async function runSessionAction(change: StoredChange, _target: RunTarget): Promise<ChangeOutcome> {
  return { rows_affected: null, error: { code: 'UNSUPPORTED', message: `changes of kind ${change.kind ?? 'sql'} cannot run yet` } };
}
