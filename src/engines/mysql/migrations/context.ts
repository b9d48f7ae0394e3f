/**
 * What the MySQL/MariaDB migration rules know: the server, the default database, tables created
 * earlier in the migration, and the catalog (columns with their exact types, character sets,
 * nullability and defaults), read on the engine's read-only pool.
 */
import type { TableRef } from '../../contract/engine.js';
import type { MysqlDriver } from '../core/driver.js';
import type { ServerFacts } from './online.js';

export type Node = Record<string, unknown>;

export interface MyColumn {
  name: string;
  column_type: string;
  data_type: string;
  nullable: boolean;
  default: string | null;
  charset: string | null;
  extra: string;
}

export interface MyTable {
  ref: TableRef;
  rows: number | null;
  columns: Map<string, MyColumn>;
}

export interface MyRules {
  server: ServerFacts;
  database: string;
  created: Set<string>;
  sawLockTimeout: boolean;
  inTransaction: boolean;
  ddlInTransaction: Set<string>;
  /** Explicit transactions seen so far. */
  blocks: number;
  table(ref: TableRef): Promise<MyTable | undefined>;
}

export const quote = (name: string) => `\`${name.replace(/`/g, '``')}\``;
export const keyOf = (t: TableRef) => `${t.schema}.${t.name}`;
export const qualified = (t: TableRef) => `${quote(t.schema)}.${quote(t.name)}`;

/** An ObjectName ([{Identifier:{value}}...]) as a table reference. */
export function refOf(name: unknown, rules: MyRules): TableRef {
  const parts = ((name as Node[] | undefined) ?? []).map((p) => String(((p.Identifier ?? p) as Node).value ?? ''));
  return parts.length > 1 ? { schema: parts[0]!, name: parts[1]! } : { schema: rules.database, name: parts[0] ?? '' };
}

export const identValue = (i: unknown) => String((i as Node | undefined)?.value ?? '');

export function tableLoader(driver: MysqlDriver): (ref: TableRef) => Promise<MyTable | undefined> {
  const cache = new Map<string, Promise<MyTable | undefined>>();
  return (ref) => {
    let found = cache.get(keyOf(ref));
    if (!found) {
      found = load(driver, ref);
      cache.set(keyOf(ref), found);
    }
    return found;
  };
}

async function load(driver: MysqlDriver, ref: TableRef): Promise<MyTable | undefined> {
  const [t] = await driver.catalog<{ rows: number | null }>(
    `SELECT TABLE_ROWS AS \`rows\` FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
    [ref.schema, ref.name],
  );
  if (!t) return undefined;
  const cols = await driver.catalog<{
    name: string;
    column_type: string;
    data_type: string;
    nullable: string;
    dflt: string | null;
    charset: string | null;
    extra: string;
  }>(
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS column_type, DATA_TYPE AS data_type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt, CHARACTER_SET_NAME AS charset, EXTRA AS extra
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [ref.schema, ref.name],
  );
  return {
    ref,
    rows: t.rows === null ? null : Number(t.rows),
    columns: new Map(
      cols.map((c) => [
        c.name.toLowerCase(),
        {
          name: c.name,
          column_type: String(c.column_type),
          data_type: String(c.data_type),
          nullable: c.nullable === 'YES',
          default: c.dflt,
          charset: c.charset,
          extra: String(c.extra ?? ''),
        },
      ]),
    ),
  };
}

/** Span line/column (1-based) to an offset in `text`. */
export function offsetOf(text: string, pos: { line: number; column: number }): number {
  const lines = text.split('\n');
  let off = 0;
  for (let i = 0; i < pos.line - 1; i++) off += lines[i]!.length + 1;
  return off + pos.column - 1;
}

/** The type written after a column name (`varchar(20)`, `int unsigned`, `enum('a','b')`). */
export function typeAfter(text: string, ident: unknown): string | null {
  const span = (ident as { span?: { end: { line: number; column: number } } } | undefined)?.span;
  if (!span) return null;
  const rest = text.slice(offsetOf(text, span.end)).replace(/^[`"]/, '');
  const m = /^\s*([a-z]+(\s*\((?:'(?:[^']|'')*'|[^)'])*\))?(\s+(unsigned|signed|zerofill))*)/i.exec(rest);
  return m ? m[1]!.replace(/\s+/g, ' ').toLowerCase() : null;
}

export interface MyType {
  base: string;
  args: string[];
  unsigned: boolean;
}

export function parseType(text: string): MyType {
  const m = /^([a-z]+)\s*(?:\((.*)\))?\s*(.*)$/i.exec(text.trim().toLowerCase());
  if (!m) return { base: text.toLowerCase(), args: [], unsigned: false };
  const args = m[2] ? (m[2].match(/'(?:[^']|'')*'|[^,\s][^,]*/g) ?? []).map((a) => a.trim()) : [];
  const alias: Record<string, string> = {
    integer: 'int',
    bool: 'tinyint',
    boolean: 'tinyint',
    dec: 'decimal',
    numeric: 'decimal',
  };
  return { base: alias[m[1]!] ?? m[1]!, args, unsigned: /unsigned/.test(m[3] ?? '') };
}

export function isLarge(rows: number | null | undefined): boolean {
  return rows === null || rows === undefined || rows >= 10_000;
}
