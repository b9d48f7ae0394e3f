/**
 * How an approved change of each kind runs. The runners belong to the tools that create each kind
 * (src/tools/index.ts composes them) and reach the approval path as data. A runner gets the
 * claimed change (its sha256 already re-checked) and the source, and returns the outcome; it
 * never decides whether to run: approval, expiry and read-only were checked before.
 */
import type { ResolvedSource } from '../config/load.js';
import type { EngineAdapter } from '../engines/contract/engine.js';
import type { ChangeKind, ChangeOutcome, StoredChange } from './types.js';

export interface RunTarget {
  source: ResolvedSource;
  engine: EngineAdapter;
}

export type ChangeRunner = (change: StoredChange, target: RunTarget) => Promise<ChangeOutcome>;

export type ChangeRunners = Readonly<Record<ChangeKind, ChangeRunner>>;
