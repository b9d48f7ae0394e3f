/**
 * Columns, foreign keys and indexes of named relations, from information_schema. Variant
 * switches: MariaDB quotes column defaults and spells a NULL default as the text NULL; MySQL
 * 8.0.13+ has functional index parts in STATISTICS.EXPRESSION.
 */
import type { ColumnInfo, ForeignKeyInfo, IndexInfo } from '../../contract/engine.js';
import type { Keyed, Scope } from './catalog.js';
import type { DetectedServer } from './session.js';

export interface ColumnRow extends Keyed {
  column_name: string;
  column_type: string;
  is_nullable: string;
  column_default: string | null;
  column_comment: string | null;
}

export function columnsSql(scope: Scope): string {
  return `SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, COLUMN_NAME AS column_name,
      COLUMN_TYPE AS column_type, IS_NULLABLE AS is_nullable, COLUMN_DEFAULT AS column_default, COLUMN_COMMENT AS column_comment
    FROM information_schema.COLUMNS WHERE ${scope.where}
    ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`;
}

export function toColumn(row: ColumnRow, server: DetectedServer): ColumnInfo {
  const noDefault = row.column_default === null || (server.variant === 'mariadb' && row.column_default === 'NULL');
  return {
    name: row.column_name,
    type: row.column_type,
    nullable: row.is_nullable === 'YES',
    default: noDefault ? null : row.column_default,
    comment: row.column_comment || null,
  };
}

export interface ForeignKeyRow extends Keyed {
  constraint_name: string;
  column_name: string;
  ref_schema: string;
  ref_table: string;
  ref_column: string;
  on_delete: string | null;
  on_update: string | null;
}

export function foreignKeysSql(scope: Scope): string {
  return `SELECT k.TABLE_SCHEMA AS table_schema, k.TABLE_NAME AS table_name, k.CONSTRAINT_NAME AS constraint_name,
      k.COLUMN_NAME AS column_name, k.REFERENCED_TABLE_SCHEMA AS ref_schema, k.REFERENCED_TABLE_NAME AS ref_table,
      k.REFERENCED_COLUMN_NAME AS ref_column, r.DELETE_RULE AS on_delete, r.UPDATE_RULE AS on_update
    FROM information_schema.KEY_COLUMN_USAGE k
    JOIN information_schema.REFERENTIAL_CONSTRAINTS r
      ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
    WHERE ${scope.where} AND k.REFERENCED_TABLE_NAME IS NOT NULL
    ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`;
}

/** Rows of one table (one row per column of each constraint) folded into constraints. */
export function toForeignKeys(rows: readonly ForeignKeyRow[]): ForeignKeyInfo[] {
  const byName = new Map<string, ForeignKeyInfo>();
  for (const row of rows) {
    let fk = byName.get(row.constraint_name);
    if (!fk) {
      fk = {
        name: row.constraint_name,
        columns: [],
        references: { schema: row.ref_schema, name: row.ref_table, columns: [] },
        on_delete: row.on_delete,
        on_update: row.on_update,
      };
      byName.set(row.constraint_name, fk);
    }
    fk.columns.push(row.column_name);
    fk.references.columns.push(row.ref_column);
  }
  return [...byName.values()];
}

export interface IndexRow extends Keyed {
  index_name: string;
  non_unique: string | number;
  column_name: string | null;
  sub_part: string | number | null;
  index_type: string | null;
  expression: string | null;
}

export function indexesSql(scope: Scope, server: DetectedServer): string {
  const expression = hasIndexExpressions(server) ? 'EXPRESSION' : 'NULL';
  return `SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, INDEX_NAME AS index_name, NON_UNIQUE AS non_unique,
      COLUMN_NAME AS column_name, SUB_PART AS sub_part, INDEX_TYPE AS index_type, ${expression} AS expression
    FROM information_schema.STATISTICS WHERE ${scope.where}
    ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX`;
}

function hasIndexExpressions(server: DetectedServer): boolean {
  if (server.variant !== 'mysql') return false;
  const [major = 0, minor = 0, patch = 0] = server.version.split('.').map(Number);
  return major > 8 || (major === 8 && (minor > 0 || patch >= 13));
}

/** One index part as the engine prints it: the expression, or the column with its prefix length. */
function partOf(row: IndexRow): string {
  if (row.expression) return row.expression;
  const column = row.column_name ?? '';
  return row.sub_part !== null && row.sub_part !== undefined ? `${column}(${row.sub_part})` : column;
}

/** Rows of one table, ordered by index then part, folded into indexes. */
export function toIndexes(rows: readonly IndexRow[]): IndexInfo[] {
  const byName = new Map<string, IndexInfo>();
  for (const row of rows) {
    let index = byName.get(row.index_name);
    if (!index) {
      const primary = row.index_name === 'PRIMARY';
      const method = row.index_type ? row.index_type.toLowerCase() : null;
      index = {
        name: row.index_name,
        columns: [],
        include: [],
        unique: Number(row.non_unique) === 0,
        primary,
        method,
        predicate: null,
        valid: true,
      };
      byName.set(row.index_name, index);
    }
    index.columns.push(partOf(row));
  }
  return [...byName.values()];
}
