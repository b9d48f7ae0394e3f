/**
 * Statement texts of other sessions (check_health evidence, top_queries, the session of
 * cancel_query / terminate_session) carry the values they were run with: one that names a table
 * the source's deny_tables hides is data of that table, so its text is replaced.
 */
import { tablePolicy } from '../../guards/table-policy.js';

export const HIDDEN_QUERY = '[hidden: it names a table that deny_tables keeps out of reach]';

/** A copy of `value` where every string under a key ending in "query" that names a denied table is replaced. */
export function hideDeniedQueries<T>(value: T, denyTables: readonly string[]): T {
  const policy = tablePolicy(denyTables);
  if (policy.empty) return value;
  const walk = (v: unknown, key: string): unknown => {
    if (typeof v === 'string') return /query$/i.test(key) && policy.mentionedIn(v) ? HIDDEN_QUERY : v;
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(value, '') as T;
}
