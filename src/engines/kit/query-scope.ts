/**
 * The tables visible to a SELECT and its enclosing SELECTs, by alias, and which one a column
 * reference belongs to. Shared by the query-shape readers of both parsers (libpg-query and
 * sqlparser-rs), which differ only in how they spell a column reference.
 */
import type { TableAccess } from '../contract/index-advisor.js';

export interface Scope {
  /** alias (or table name) -> access */
  byAlias: Map<string, TableAccess>;
  parent?: Scope;
}

export interface Ref {
  access: TableAccess | undefined;
  column: string;
}

/** Whether a table has a column (from the catalog); without it an unqualified column of a multi-table scope stays unplaced. */
export type HasColumn = (table: string, column: string) => boolean;

/**
 * The access `alias.column` (or a bare `column`) belongs to, walking out to enclosing scopes: a
 * qualified reference by its alias; a bare one to the only table in scope, or to the one table
 * the catalog says has the column. Unplaced (access undefined) when that is ambiguous.
 */
export function resolveColumn(
  column: string,
  alias: string | undefined,
  scope: Scope,
  hasColumn: HasColumn | undefined,
): Ref {
  if (alias !== undefined) {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const a = s.byAlias.get(alias);
      if (a) return { access: a, column };
    }
    return { access: undefined, column };
  }
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    if (s.byAlias.size === 1 && !hasColumn) return { access: [...s.byAlias.values()][0], column };
    const owners = [...s.byAlias.values()].filter((a) => hasColumn?.(a.table.name, column) ?? false);
    if (owners.length === 1) return { access: owners[0], column };
    if (s.byAlias.size > 1 || owners.length > 1) return { access: undefined, column };
  }
  return { access: undefined, column };
}
