/** Comparing index keys as text: expressions as the parser or the catalog prints them, normalized. */
import type { IndexCandidate, KeyTerm } from '../../engines/contract/index-advisor.js';
import type { IndexInfo } from '../../engines/contract/engine.js';

/** lower-case, no quotes, spaces, parentheses, casts to text or type qualifiers: `((created_at)::date)` = `created_at::date`. */
export function normKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/::text\b/g, '')
    .replace(/["`\s()]/g, '')
    .replace(/(text|varchar|bpchar)_pattern_ops$/, '');
}

export const termText = (t: KeyTerm): string => t.column ?? t.expression ?? '';
export const termKey = (t: KeyTerm): string => normKey(termText(t));

export function candidateSignature(c: IndexCandidate): string {
  return [
    c.table.schema,
    c.table.name,
    c.method,
    c.keys.map((k, i) => `${termKey(k)}:${c.opclass?.[i] ?? ''}`).join(','),
    c.include.map(normKey).sort().join(','),
    normKey(c.where ?? ''),
  ].join('|');
}

/**
 * An existing valid index that already serves the candidate: same method, the candidate's keys are
 * a leading prefix of (or equal to) its keys, and its predicate is absent or the same.
 */
export function coveringExisting(c: IndexCandidate, existing: readonly IndexInfo[]): IndexInfo | undefined {
  const keys = c.keys.map(termKey);
  return existing.find((ix) => {
    if (!ix.valid || (ix.method ?? 'btree').toLowerCase() !== c.method) return false;
    if (ix.predicate && normKey(ix.predicate) !== normKey(c.where ?? '')) return false;
    const theirs = ix.columns.map(normKey);
    if (keys.length > theirs.length || !keys.every((k, i) => k === theirs[i])) return false;
    const include = new Set([...theirs.slice(keys.length), ...ix.include.map(normKey)]);
    return c.include.every((col) => include.has(normKey(col)));
  });
}
