/**
 * What the PostgreSQL migration planner asks the catalog (read-only, on the engine's pool):
 * a table's columns, constraints and dependent views, function volatility, the definitions a
 * rollback needs (indexes, constraints, column types and defaults). Answers are cached per plan.
 */
import type { PgDriver } from '../core/driver.js';
import { quoteIdent } from './text.js';

export interface PgColumn {
  name: string;
  type: string;
  notnull: boolean;
  default: string | null;
}

export interface PgTable {
  schema: string;
  name: string;
  relkind: string;
  rows: number | null;
  columns: Map<string, PgColumn>;
  /** Columns proven NOT NULL by a validated CHECK (col IS NOT NULL). */
  checkedNotNull: Set<string>;
}

const TABLE_SQL = `
  SELECT n.nspname AS schema, c.relname AS name, c.relkind, CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::float8 END AS rows,
    coalesce((SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notnull', a.attnotnull,
        'default', pg_get_expr(d.adbin, d.adrelid)) ORDER BY a.attnum)
      FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]') AS columns,
    coalesce((SELECT json_agg(pg_get_constraintdef(k.oid)) FROM pg_constraint k
      WHERE k.conrelid = c.oid AND k.contype = 'c' AND k.convalidated), '[]') AS checks
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.oid = to_regclass($1)`;

const VIEWS_ON_COLUMN_SQL = `
  SELECT DISTINCT v.oid::regclass::text AS view
  FROM pg_attribute a
  JOIN pg_depend d ON d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.classid = 'pg_rewrite'::regclass
  JOIN pg_rewrite r ON r.oid = d.objid
  JOIN pg_class v ON v.oid = r.ev_class AND v.oid <> a.attrelid
  WHERE a.attrelid = to_regclass($1) AND a.attname = $2`;

export class PgMigrationCatalog {
  readonly #tables = new Map<string, Promise<PgTable | undefined>>();

  constructor(private readonly driver: PgDriver) {}

  table(schema: string | undefined, name: string): Promise<PgTable | undefined> {
    const key = schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
    let found = this.#tables.get(key);
    if (!found) {
      found = this.#loadTable(key);
      this.#tables.set(key, found);
    }
    return found;
  }

  async #loadTable(key: string): Promise<PgTable | undefined> {
    const [row] = await this.driver.catalog<{
      schema: string;
      name: string;
      relkind: string;
      rows: number | null;
      columns: PgColumn[];
      checks: string[];
    }>(TABLE_SQL, [key]);
    if (!row) return undefined;
    const checkedNotNull = new Set<string>();
    for (const def of row.checks) {
      const m = /^CHECK \(\(("?)(.+?)\1 IS NOT NULL\)\)$/.exec(def);
      if (m) checkedNotNull.add(m[2]!.replace(/""/g, '"'));
    }
    return {
      schema: row.schema,
      name: row.name,
      relkind: row.relkind,
      rows: row.rows,
      columns: new Map(row.columns.map((c) => [c.name, c])),
      checkedNotNull,
    };
  }

  async viewsOnColumn(qualified: string, column: string): Promise<string[]> {
    return (await this.driver.catalog<{ view: string }>(VIEWS_ON_COLUMN_SQL, [qualified, column])).map((r) => r.view);
  }

  /** The strongest volatility among every overload of the named functions: 'i', 's', 'v'; unknown names count as 'v'. */
  async volatility(names: readonly string[]): Promise<'i' | 's' | 'v'> {
    if (names.length === 0) return 'i';
    const rows = await this.driver.catalog<{ name: string; vol: string }>(
      `SELECT p.proname AS name, max(p.provolatile::text) AS vol FROM pg_proc p WHERE p.proname = ANY($1::text[]) GROUP BY p.proname`,
      [names.map((n) => n.toLowerCase())],
    );
    if (rows.length < new Set(names.map((n) => n.toLowerCase())).size) return 'v';
    return rows.some((r) => r.vol === 'v') ? 'v' : rows.some((r) => r.vol === 's') ? 's' : 'i';
  }

  async indexDef(
    schema: string | undefined,
    name: string,
  ): Promise<{ def: string; table: string; relkind: string } | undefined> {
    const key = schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
    const [row] = await this.driver.catalog<{ def: string; table: string; relkind: string }>(
      `SELECT pg_get_indexdef(i.indexrelid) AS def, i.indrelid::regclass::text AS table, t.relkind::text AS relkind FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid WHERE i.indexrelid = to_regclass($1)`,
      [key],
    );
    return row;
  }

  /** Key columns of an index (expressions left out), in order. */
  async indexColumns(schema: string | undefined, name: string): Promise<string[]> {
    const key = schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
    const rows = await this.driver.catalog<{ col: string }>(
      `SELECT a.attname AS col FROM pg_index i, unnest(i.indkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attnum = k.attnum
       WHERE i.indexrelid = to_regclass($1) AND a.attrelid = i.indrelid ORDER BY k.ord`,
      [key],
    );
    return rows.map((r) => r.col);
  }

  async constraintDef(qualifiedTable: string, name: string): Promise<string | undefined> {
    const [row] = await this.driver.catalog<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = to_regclass($1) AND conname = $2`,
      [qualifiedTable, name],
    );
    return row?.def;
  }

  async setting(name: string): Promise<string> {
    const [row] = await this.driver.catalog<{ v: string }>(`SELECT current_setting($1) AS v`, [name]);
    return row?.v ?? '';
  }

  async enumHasValue(typeName: string, value: string): Promise<boolean> {
    const [row] = await this.driver.catalog<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_enum WHERE enumtypid = to_regtype($1) AND enumlabel = $2`,
      [typeName, value],
    );
    return (row?.n ?? 0) > 0;
  }
}
