/** A guard's decision on one call, kept on the call's audit record, and the facts the guards found. */
import type { Classification } from './classification.js';
import type { ErrorCode } from './errors.js';

/** What the guards established about a call: handed to the tool and the output policy, never written into the context. */
export interface Checked {
  /** The statement guard's: the exact SQL the tool runs and what the engine's classifier found in it. */
  statement?: { sql: string; classification: Classification };
}

export interface Verdict {
  guard: string;
  decision: 'allow' | 'deny';
  reason?: string;
  /** The error a denial becomes, and what the caller can do about it. */
  code?: ErrorCode;
  hint?: string;
  /** Facts this guard established, for the guards after it, the tool and the pipeline. */
  facts?: Checked;
}
