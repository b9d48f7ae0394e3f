/** Index names: table_keys_idx, from column names and expression words, at most 63 characters (PostgreSQL's limit). */
import type { IndexCandidate } from '../../engines/contract/index-advisor.js';
import { termText } from './keys.js';

export function indexName(c: IndexCandidate): string {
  const words = c.keys
    .map((k) =>
      termText(k)
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_+|_+$/g, ''),
    )
    .join('_');
  const suffix = c.method === 'brin' ? 'brin' : c.where ? 'part_idx' : c.include.length ? 'cov_idx' : 'idx';
  const base = `${c.table.name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${words}`.slice(0, 63 - suffix.length - 1);
  return `${base}_${suffix}`;
}
