/**
 * Shared pieces of the information_schema queries: which relations a query covers, and the
 * summary row every table listing starts from. All values go in as parameters.
 */
import type { RelationKind, TableRef, TableSummary } from '../../contract/engine.js';

export const SYSTEM_SCHEMAS = ['mysql', 'sys', 'performance_schema', 'information_schema'] as const;

/** A WHERE fragment and its parameters. */
export interface Scope {
  where: string;
  params: string[];
}

/** One schema, or every non-system schema. */
export function schemaScope(column: string, schema: string | undefined): Scope {
  if (schema !== undefined) return { where: `${column} = ?`, params: [schema] };
  return { where: `${column} NOT IN (${SYSTEM_SCHEMAS.map(() => '?').join(', ')})`, params: [...SYSTEM_SCHEMAS] };
}

/** Exactly the named relations; `prefix` is the table alias with its dot, or ''. */
export function refScope(refs: readonly TableRef[], prefix = ''): Scope {
  const pairs = refs.map(() => '(?, ?)').join(', ');
  return {
    where: `(${prefix}TABLE_SCHEMA, ${prefix}TABLE_NAME) IN (${pairs})`,
    params: refs.flatMap((r) => [r.schema, r.name]),
  };
}

export interface Keyed {
  table_schema: string;
  table_name: string;
}

export const keyOf = (schema: string, name: string): string => `${schema}\u0000${name}`;

export function groupBy<T extends Keyed>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row.table_schema, row.table_name);
    const list = out.get(key);
    if (list) list.push(row);
    else out.set(key, [row]);
  }
  return out;
}

export interface SummaryRow extends Keyed {
  table_type: string;
  table_rows: string | number | null;
  data_length: string | number | null;
  index_length: string | number | null;
  table_comment: string | null;
}

export function summarySql(where: string): string {
  return `SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, TABLE_TYPE AS table_type,
      TABLE_ROWS AS table_rows, DATA_LENGTH AS data_length, INDEX_LENGTH AS index_length, TABLE_COMMENT AS table_comment
    FROM information_schema.TABLES WHERE ${where} ORDER BY TABLE_SCHEMA, TABLE_NAME`;
}

/** Schema then name, by code point: the same order whatever the server's collation. */
export function bySchemaAndName(a: TableSummary, b: TableSummary): number {
  return compare(a.schema, b.schema) || compare(a.name, b.name);
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const isView = (type: string): boolean => type === 'VIEW' || type === 'SYSTEM VIEW';

/** information_schema numbers are BIGINT UNSIGNED, which reach us as strings. */
export function toNumber(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

export function toSummary(row: SummaryRow): TableSummary {
  const view = isView(row.table_type);
  const kind: RelationKind = view ? 'view' : 'table';
  const data = toNumber(row.data_length);
  const index = toNumber(row.index_length);
  return {
    schema: row.table_schema,
    name: row.table_name,
    kind,
    row_estimate: view ? null : toNumber(row.table_rows),
    size_bytes: view || data === null ? null : data + (index ?? 0),
    // MySQL reports a view's comment as the word VIEW.
    comment: !row.table_comment || (view && row.table_comment === 'VIEW') ? null : row.table_comment,
  };
}
