/**
 * Database rows on their way out of a tool. A tool that returns rows (run_query) does not shape,
 * cap or mask them itself: it returns `rows: new Rows(result)` and the pipeline's output policy
 * (src/guards/output-policy.ts) turns it into the row fields below, the same way for every tool.
 */
import type { QueryResult } from '../engines/contract/engine.js';

export class Rows {
  constructor(readonly result: QueryResult) {}
}

/** The output fields the policy fills from a Rows value. */
export type RowFields = 'columns' | 'rows' | 'row_count' | 'truncated' | 'truncated_by' | 'cells_cut' | 'masked_columns';
