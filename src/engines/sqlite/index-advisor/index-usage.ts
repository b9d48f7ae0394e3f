/** SQLite keeps no per-index usage counters. */
import type { IndexUsageFilter, IndexUsageReport } from '../../contract/health.js';

export async function sqliteIndexUsage(_filter: IndexUsageFilter = {}): Promise<IndexUsageReport> {
  return {
    available: false,
    note: 'SQLite keeps no index usage statistics; an index is unused only if no query plan (analyze_query) uses it.',
    stats_since: null,
    indexes: [],
  };
}
