/** A guard's decision on one call, kept on the call's audit record. */
import type { ErrorCode } from './errors.js';

export interface Verdict {
  guard: string;
  decision: 'allow' | 'deny';
  reason?: string;
  /** The error a denial becomes, and what the caller can do about it. */
  code?: ErrorCode;
  hint?: string;
}
