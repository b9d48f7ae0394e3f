/**
 * Duplicate and redundant indexes of one table, from the engine contract's IndexInfo[] alone
 * (pure; no engine facts). Used by check_health and by propose_index (never propose what exists).
 *
 * - duplicate: same key columns (in order), method, predicate and INCLUDE columns as another
 *   index. Of the pair, the one that enforces something (primary, unique) is kept; between equals,
 *   the later name is reported, covered by the earlier.
 * - redundant_prefix: its key columns are a leading prefix of another valid, non-partial index
 *   with the same method (and the index itself is not partial). Never reported for a primary key
 *   or unique index: those enforce a constraint the longer index does not.
 */
import type { IndexInfo } from '../contract/engine.js';

export interface IndexOverlap {
  kind: 'duplicate' | 'redundant_prefix';
  /** The index that could go. */
  index: string;
  /** The index that already does its work. */
  covered_by: string;
  reason: string;
}

/** Engines print canonical forms; this only evens out case and spacing (`lower( email )` = `LOWER(email)`). */
const norm = (s: string | null): string =>
  (s ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, '$1')
    .trim()
    .toLowerCase();
const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((c, i) => norm(c) === norm(b[i] ?? null));
const sameMethod = (a: IndexInfo, b: IndexInfo): boolean => norm(a.method) === norm(b.method);
const enforces = (i: IndexInfo): boolean => i.primary || i.unique;
const cols = (i: IndexInfo): string => `(${i.columns.join(', ')})`;

function isDuplicate(a: IndexInfo, b: IndexInfo): boolean {
  return (
    sameList(a.columns, b.columns) &&
    sameMethod(a, b) &&
    norm(a.predicate) === norm(b.predicate) &&
    sameList([...a.include].sort(), [...b.include].sort())
  );
}

/** Of two identical indexes, which one goes: never one that enforces while the other does not. */
function pickDroppable(a: IndexInfo, b: IndexInfo): [drop: IndexInfo, keep: IndexInfo] | null {
  if (enforces(a) && enforces(b)) {
    if (a.primary === b.primary) return a.name > b.name ? [a, b] : [b, a];
    return a.primary ? [b, a] : [a, b];
  }
  if (enforces(a)) return [b, a];
  if (enforces(b)) return [a, b];
  return a.name > b.name ? [a, b] : [b, a];
}

function isPrefixOf(short: IndexInfo, long: IndexInfo): boolean {
  return (
    short.columns.length > 0 &&
    short.columns.length < long.columns.length &&
    short.columns.every((c, i) => norm(c) === norm(long.columns[i] ?? null))
  );
}

function duplicates(valid: readonly IndexInfo[]): IndexOverlap[] {
  const out: IndexOverlap[] = [];
  const reported = new Set<string>();
  for (let i = 0; i < valid.length; i++) {
    for (let j = i + 1; j < valid.length; j++) {
      const [a, b] = [valid[i]!, valid[j]!];
      if (!isDuplicate(a, b)) continue;
      const pair = pickDroppable(a, b);
      if (!pair || reported.has(pair[0].name)) continue;
      reported.add(pair[0].name);
      const [drop, keep] = pair;
      out.push({
        kind: 'duplicate',
        index: drop.name,
        covered_by: keep.name,
        reason: `${drop.name} ${cols(drop)} has the same key columns, method${drop.predicate ? ', predicate' : ''}${drop.include.length ? ' and INCLUDE columns' : ''} as ${keep.name} ${cols(keep)}`,
      });
    }
  }
  return out;
}

function redundantPrefixes(valid: readonly IndexInfo[], already: ReadonlySet<string>): IndexOverlap[] {
  const out: IndexOverlap[] = [];
  for (const short of valid) {
    if (already.has(short.name) || enforces(short) || short.predicate) continue;
    const long = valid.find((l) => l !== short && !l.predicate && sameMethod(short, l) && isPrefixOf(short, l));
    if (!long) continue;
    out.push({
      kind: 'redundant_prefix',
      index: short.name,
      covered_by: long.name,
      reason: `${short.name} ${cols(short)} is a leading prefix of ${long.name} ${cols(long)}, which serves the same lookups`,
    });
  }
  return out;
}

/** Duplicate and redundant-by-prefix indexes among the indexes of ONE table. Invalid indexes are ignored. */
export function indexOverlaps(indexes: readonly IndexInfo[]): IndexOverlap[] {
  const valid = indexes.filter((i) => i.valid && i.columns.length > 0);
  const dups = duplicates(valid);
  return [...dups, ...redundantPrefixes(valid, new Set(dups.map((d) => d.index)))];
}
