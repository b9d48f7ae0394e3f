/**
 * The output policy the pipeline applies to every tool's result: database rows a tool hands over
 * as `rows: new Rows(result)` are capped (limits: rows, bytes, cell length) and masked (the
 * source's masking config, following derived columns through the statement's classification),
 * and come out as the row fields every row-returning tool shares.
 */
import type { Classification } from '../core/classification.js';
import type { Limits, MaskingConfig } from '../core/settings.js';
import type { QueryResult } from '../engines/contract/engine.js';
import { maskRows } from './masking.js';
import { isSensitive } from '../core/sensitive.js';
import { ToolError } from '../core/errors.js';
import { capRows } from './output-limits.js';

/** Database rows a tool hands to the pipeline instead of shaping, capping or masking them itself. */
export class Rows {
  constructor(readonly result: QueryResult) {}
}

/** The output fields the policy fills from a Rows value. */
export type RowFields =
  'columns' | 'rows' | 'row_count' | 'truncated' | 'truncated_by' | 'cells_cut' | 'masked_columns';

export interface OutputPolicy {
  limits: Pick<Limits, 'max_result_bytes' | 'max_cell_chars'>;
  masking: MaskingConfig;
}

/** Database errors that may quote a value of the statement's data; connection and policy errors never do. */
const DATA_ERRORS: ReadonlySet<string> = new Set(['SQL_ERROR', 'SQL_SYNTAX']);

/**
 * An error from a statement that references a masked column may quote its value (PostgreSQL:
 * invalid input syntax for type integer: "ann@example.com"): its message is withheld, its code
 * and SQLSTATE kept.
 */
export function applyErrorPolicy(
  err: ToolError,
  masking: MaskingConfig,
  classification: Classification | undefined,
): ToolError {
  if (!classification || !DATA_ERRORS.has(err.code)) return err;
  const masked = (classification.columnRefs ?? []).filter((column) => isSensitive(masking, { column }));
  if (masked.length === 0) return err;
  const { sqlState } = err;
  return new ToolError(
    err.code,
    `the statement failed${sqlState ? ` [SQLSTATE ${sqlState}]` : ''}; the database's message is withheld because the statement references masked column(s) ${masked.join(', ')}, whose values it may quote`,
    'Check the statement against describe_schema (types, casts); a masked column may be compared with a value, not converted or shown.',
    { cause: err, ...(sqlState ? { sqlState } : {}) },
  );
}

export function applyOutputPolicy(
  out: Record<string, unknown>,
  policy: OutputPolicy,
  classification: Classification | undefined,
): Record<string, unknown> {
  if (!(out.rows instanceof Rows)) return out;
  const { rows: given, ...rest } = out;
  const { result } = given as Rows;
  const capped = capRows(result, policy.limits);
  const { rows, masked } = maskRows(policy.masking, result.columns, capped.rows, classification);
  return {
    columns: result.columns.map(({ name, type }) => ({ name, type })),
    rows,
    row_count: rows.length,
    truncated: capped.truncated_by !== null,
    truncated_by: capped.truncated_by,
    cells_cut: capped.cells_cut,
    masked_columns: masked,
    ...rest,
  };
}
