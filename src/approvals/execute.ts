/**
 * Runs one approved change, exactly as stored, at most once: claim it (the once-only lock and the
 * sha256 re-check), check the source is still read-write, run it with its kind's runner
 * (composed in src/tools/index.ts), store the outcome.
 */
import type { ResolvedSource } from '../config/load.js';
import type { EngineAdapter } from '../engines/contract/engine.js';
import { asToolError } from '../core/errors.js';
import type { ChangeRunners } from './runners.js';
import type { ApprovalStore, StoredChange } from './store.js';

export type ResolveSource = (id: string) => Promise<{ source: ResolvedSource; engine: EngineAdapter } | undefined>;

/** The change after running it; undefined when someone else claimed it (or it was not approved). */
export async function runApproved(
  store: ApprovalStore,
  id: string,
  resolve: ResolveSource,
  runners: ChangeRunners,
): Promise<StoredChange | undefined> {
  const claimed = store.claim(id);
  if (!claimed) return undefined;
  try {
    const target = await resolve(claimed.source);
    if (!target)
      return store.finish(id, {
        rows_affected: null,
        error: { code: 'SOURCE_NOT_FOUND', message: `source "${claimed.source}" is not configured on this server` },
      });
    if (target.source.mode !== 'read-write')
      return store.finish(id, {
        rows_affected: null,
        error: {
          code: 'READ_ONLY_VIOLATION',
          message: `source "${claimed.source}" is read-only now; the change was not run`,
        },
      });
    const runner = runners[claimed.kind ?? 'sql'];
    if (!runner)
      return store.finish(id, {
        rows_affected: null,
        error: { code: 'UNSUPPORTED', message: `unknown change kind "${String(claimed.kind)}"; it was not run` },
      });
    return store.finish(id, await runner(claimed, target));
  } catch (err) {
    const failure = asToolError(err);
    return store.finish(id, { rows_affected: null, error: { code: failure.code, message: failure.message } });
  }
}

/** Waits until a change claimed elsewhere has finished (or `ms` passed); returns its last state. */
export async function awaitOutcome(store: ApprovalStore, id: string, ms: number): Promise<StoredChange | undefined> {
  const until = Date.now() + ms;
  for (;;) {
    const change = store.get(id);
    if (!change || change.status === 'executed' || change.status === 'failed' || Date.now() >= until) return change;
    await new Promise((r) => setTimeout(r, 100));
  }
}
